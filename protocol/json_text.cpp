#include "protocol/json_text.hpp"

#include <charconv>
#include <cstdint>

#include "protocol/utf8.hpp"

namespace chorus::protocol {

namespace {

/// nlohmann's own writer for one value (floats keep its shortest round-trip form,
/// invalid UTF-8 in a string becomes U+FFFD), serializing into `out` directly.
void append_with_nlohmann(std::string& out, const nlohmann::json& value) {
  nlohmann::detail::serializer<nlohmann::json> writer{nlohmann::detail::output_adapter<char>(out), ' ',
                                                      nlohmann::json::error_handler_t::replace};
  writer.dump(value, false, false, 0);
}

void append_integer(std::string& out, auto v) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
  out.append(digits, end);
}

} // namespace

void append_json(std::string& out, const nlohmann::json& value) {
  // The common types written here, in the bytes nlohmann writes (its serializer handles
  // one character at a time: 3 % of the CPU in request/reply); floats and binary values
  // still go through it. Recursion depth is the value's: inbound documents are bounded
  // by max_json_depth, and nlohmann's own writer recursed the same way.
  using t = nlohmann::json::value_t;
  switch (value.type()) {
    case t::null: out += "null"; return;
    case t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case t::string: append_json_string(out, value.get_ref<const std::string&>()); return;
    case t::number_integer: append_integer(out, value.get<std::int64_t>()); return;
    case t::number_unsigned: append_integer(out, value.get<std::uint64_t>()); return;
    case t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        append_json(out, member);
      }
      out += '}';
      return;
    }
    case t::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value.get_ref<const nlohmann::json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        append_json(out, element);
      }
      out += ']';
      return;
    }
    default: append_with_nlohmann(out, value); return;
  }
}

void append_json_string(std::string& out, std::string_view s) {
  if (!is_valid_utf8(s)) {  // rare: let nlohmann substitute U+FFFD
    append_with_nlohmann(out, nlohmann::json(std::string{s}));
    return;
  }
  static constexpr char hex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

} // namespace chorus::protocol
