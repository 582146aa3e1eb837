#include "protocol/frames.hpp"

#include "protocol/v1_serializer.hpp"
#include "protocol/v2_binary.hpp"
#include "protocol/v2_serializer.hpp"

namespace chorus::protocol {

namespace {

encoded_frame text(serializer ser, const message& msg) {
  return {ser == serializer::v1 ? encode_v1(msg) : encode_v2(msg), false};
}

result<encoded_frame> binary_frame(result<std::string> bytes) {
  if (!bytes) return bytes.error();
  return encoded_frame{std::move(*bytes), true};
}

std::string ref_text(const json& ref) {
  if (ref.is_null()) return {};
  if (ref.is_string()) return ref.get<std::string>();
  return ref.dump();
}

} // namespace

result<encoded_frame> encode_reply(serializer ser, const json& join_ref, const json& ref,
                                   std::string_view topic, std::string_view status,
                                   const payload& response) {
  if (auto* bin = std::get_if<binary>(&response); bin && ser == serializer::v2)
    return binary_frame(encode_binary_reply(ref_text(join_ref), ref_text(ref), topic, status, bin->bytes));
  json response_json = std::holds_alternative<json>(response)
                        ? std::get<json>(response)
                        : v1_binary_payload(std::get<binary>(response));
  // nlohmann objects are ordered by key, so "response" precedes "status" as in Phoenix.
  message msg{join_ref, ref, std::string{topic}, events::reply,
              json{{"response", std::move(response_json)}, {"status", std::string{status}}}};
  return text(ser, msg);
}

result<encoded_frame> encode_push(serializer ser, const json& join_ref, std::string_view topic,
                                  std::string_view event, const payload& body) {
  if (auto* bin = std::get_if<binary>(&body); bin && ser == serializer::v2)
    return binary_frame(encode_binary_push(ref_text(join_ref), topic, event, bin->bytes));
  // V1 frames never carry join_ref (PROTOCOL.md §2.2).
  return text(ser, message{ser == serializer::v1 ? json() : join_ref, json(), std::string{topic},
                           std::string{event}, body});
}

result<encoded_frame> encode_broadcast(serializer ser, std::string_view topic,
                                       std::string_view event, const payload& body) {
  if (auto* bin = std::get_if<binary>(&body); bin && ser == serializer::v2)
    return binary_frame(encode_binary_broadcast(topic, event, bin->bytes));
  return text(ser, message{json(), json(), std::string{topic}, std::string{event}, body});
}

encoded_frame encode_close(serializer ser, const json& join_ref, std::string_view topic) {
  return text(ser, message{join_ref, join_ref, std::string{topic}, events::close, json::object()});
}

encoded_frame encode_error(serializer ser, const json& join_ref, std::string_view topic) {
  return text(ser, message{join_ref, join_ref, std::string{topic}, events::error,
                           json{{"reason", "channel_crash"}}});
}

result<message> decode_frame(serializer ser, bool binary_opcode, std::string_view data) {
  if (binary_opcode) {
    if (ser == serializer::v1)
      return protocol_error{error_kind::binary_not_supported,
                            "binary frames need the V2 serializer (vsn=2.0.0)"};
    return decode_binary(data);
  }
  return ser == serializer::v1 ? decode_v1(data) : decode_v2(data);
}

std::optional<protocol_error> validate_inbound(const message& msg) {
  if (auto* js = std::get_if<json>(&msg.body); js && !js->is_object())
    return protocol_error{error_kind::bad_payload, "payload must be a JSON object"};
  return std::nullopt;
}

} // namespace chorus::protocol
