#pragma once
// Compact JSON text the way Phoenix writes it: no spaces, non-ASCII as raw UTF-8.
// Never throws: invalid UTF-8 inside app-provided strings becomes U+FFFD.
#include <string>

#include <nlohmann/json.hpp>

namespace chorus::protocol {

inline void append_json(std::string& out, const nlohmann::json& value) {
  out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline void append_json_string(std::string& out, const std::string& s) {
  append_json(out, nlohmann::json(s));
}

} // namespace chorus::protocol
