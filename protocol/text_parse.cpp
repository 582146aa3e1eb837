#include "protocol/text_parse.hpp"

#include "protocol/json_reader.hpp"
#include "protocol/utf8.hpp"

namespace chorus::protocol::detail {

result<json> parse_text_frame(std::string_view text, std::size_t max_depth) {
  if (!is_valid_utf8(text))
    return protocol_error{error_kind::invalid_utf8, "text frame is not valid UTF-8"};
  json value;
  switch (read_json(text, max_depth, value)) {
    case json_read_status::ok: return value;
    case json_read_status::too_deep:
      return protocol_error{error_kind::too_deep, "JSON nests deeper than " + std::to_string(max_depth) +
                                                    " levels (max_json_depth)"};
    case json_read_status::invalid: break;
  }
  return protocol_error{error_kind::invalid_json, "text frame is not valid JSON"};
}

} // namespace chorus::protocol::detail

namespace chorus::protocol {

result<json> parse_json(std::string_view text, std::size_t max_depth) {
  return detail::parse_text_frame(text, max_depth);
}

} // namespace chorus::protocol
