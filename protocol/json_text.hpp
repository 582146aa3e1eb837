#pragma once
// Compact JSON text the way Phoenix writes it (no spaces, non-ASCII as raw UTF-8),
// appended straight into the frame being built. Never throws: invalid UTF-8 inside
// app-provided strings becomes U+FFFD.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace chorus::protocol {

void append_json(std::string& out, const nlohmann::json& value);
void append_json_string(std::string& out, std::string_view s);

} // namespace chorus::protocol
