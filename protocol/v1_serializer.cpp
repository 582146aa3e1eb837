#include "protocol/v1_serializer.hpp"

#include "protocol/base64.hpp"
#include "protocol/field_checks.hpp"
#include "protocol/json_text.hpp"
#include "protocol/text_parse.hpp"

namespace chorus::protocol {

json v1_binary_payload(const binary& data) {
  return json{{"binary", base64_encode(data.bytes)}};
}

std::string encode_v1(const message& msg) {
  std::string out;
  append_v1(out, msg);
  return out;
}

void append_v1(std::string& out, const message& msg) {
  out += "{\"event\":";
  append_json_string(out, msg.event);
  out += ",\"payload\":";
  if (auto* bin = std::get_if<binary>(&msg.body)) {
    append_json(out, v1_binary_payload(*bin));
  } else {
    append_json(out, std::get<json>(msg.body));
  }
  out += ",\"ref\":";
  append_json(out, msg.ref);
  out += ",\"topic\":";
  append_json_string(out, msg.topic);
  out += '}';
}

result<message> decode_v1(std::string_view text, std::size_t max_json_depth) {
  auto parsed = detail::parse_text_frame(text, max_json_depth);
  if (!parsed) return parsed.error();
  json& obj = *parsed;
  if (!obj.is_object())
    return protocol_error{error_kind::wrong_shape, "V1 message must be a JSON object"};
  for (const char* key : {"topic", "event", "payload", "ref"})
    if (!obj.contains(key))
      return protocol_error{error_kind::wrong_shape, std::string{"V1 message is missing \""} + key + "\""};
  json join_ref = obj.contains("join_ref") ? std::move(obj["join_ref"]) : json();
  message msg;
  if (auto err = detail::take_fields(msg, join_ref, obj["ref"], obj["topic"], obj["event"], obj["payload"]))
    return *err;
  return msg;
}

} // namespace chorus::protocol
