#include "protocol/text_parse.hpp"

#include "protocol/utf8.hpp"

namespace chorus::protocol::detail {

result<json> parse_text_frame(std::string_view text) {
  if (!is_valid_utf8(text))
    return protocol_error{error_kind::invalid_utf8, "text frame is not valid UTF-8"};
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded())
    return protocol_error{error_kind::invalid_json, "text frame is not valid JSON"};
  return value;
}

} // namespace chorus::protocol::detail
