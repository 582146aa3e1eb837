#include "protocol/v2_serializer.hpp"

#include "protocol/field_checks.hpp"
#include "protocol/json_text.hpp"
#include "protocol/text_parse.hpp"

namespace chorus::protocol {

std::string encode_v2(const message& msg) {
  std::string out;
  append_v2(out, msg);
  return out;
}

void append_v2(std::string& out, const message& msg) {
  out += '[';
  append_json(out, msg.join_ref);
  out += ',';
  append_json(out, msg.ref);
  out += ',';
  append_json_string(out, msg.topic);
  out += ',';
  append_json_string(out, msg.event);
  out += ',';
  append_json(out, std::get<json>(msg.body));
  out += ']';
}

result<message> decode_v2(std::string_view text, std::size_t max_json_depth) {
  auto parsed = detail::parse_text_frame(text, max_json_depth);
  if (!parsed) return parsed.error();
  json& arr = *parsed;
  if (!arr.is_array())
    return protocol_error{error_kind::wrong_shape, "V2 message must be a JSON array"};
  if (arr.size() < 5)
    return protocol_error{error_kind::wrong_shape, "V2 message must have 5 elements"};
  message msg;
  if (auto err = detail::take_fields(msg, arr[0], arr[1], arr[2], arr[3], arr[4]))
    return *err;
  return msg;
}

} // namespace chorus::protocol
