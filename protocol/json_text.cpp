#include "protocol/json_text.hpp"

#include "protocol/utf8.hpp"

namespace chorus::protocol {

void append_json(std::string& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: out += "null"; return;
    case nlohmann::json::value_t::string: append_json_string(out, value.get_ref<const std::string&>()); return;
    default: break;
  }
  // Serialize into `out` directly (no temporary string to copy).
  nlohmann::detail::serializer<nlohmann::json> writer{nlohmann::detail::output_adapter<char>(out), ' ',
                                                      nlohmann::json::error_handler_t::replace};
  writer.dump(value, false, false, 0);
}

void append_json_string(std::string& out, std::string_view s) {
  if (!is_valid_utf8(s)) {  // rare: let nlohmann substitute U+FFFD
    append_json(out, nlohmann::json(std::string{s}));
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
