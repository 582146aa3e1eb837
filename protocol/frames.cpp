#include "protocol/frames.hpp"

#include "protocol/json_text.hpp"
#include "protocol/v1_serializer.hpp"
#include "protocol/v2_binary.hpp"
#include "protocol/v2_serializer.hpp"

namespace chorus::protocol {

namespace {

encoded_frame with_room() {
  encoded_frame f;
  f.buffer.reserve(256);  // a typical reply or push in one allocation
  f.buffer.assign(frame_header_room, '\0');
  f.body_offset = frame_header_room;
  return f;
}

encoded_frame text(serializer ser, const message& msg) {
  auto f = with_room();
  if (ser == serializer::v1) append_v1(f.buffer, msg);
  else append_v2(f.buffer, msg);
  return f;
}

result<encoded_frame> binary_frame(result<std::string> bytes) {
  if (!bytes) return bytes.error();
  auto f = with_room();
  f.buffer += *bytes;
  f.binary = true;
  return f;
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
  // Written directly (no intermediate JSON object): "response" before "status", as Phoenix.
  auto f = with_room();
  auto& out = f.buffer;
  auto write_body = [&] {
    out += "{\"response\":";
    if (auto* js = std::get_if<json>(&response)) append_json(out, *js);
    else append_json(out, v1_binary_payload(std::get<binary>(response)));
    out += ",\"status\":";
    append_json_string(out, status);
    out += '}';
  };
  if (ser == serializer::v2) {
    out += '[';
    append_json(out, join_ref);
    out += ',';
    append_json(out, ref);
    out += ',';
    append_json_string(out, topic);
    out += ",\"phx_reply\",";
    write_body();
    out += ']';
  } else {
    out += "{\"event\":\"phx_reply\",\"payload\":";
    write_body();
    out += ",\"ref\":";
    append_json(out, ref);
    out += ",\"topic\":";
    append_json_string(out, topic);
    out += '}';
  }
  return f;
}

result<encoded_frame> encode_push(serializer ser, const json& join_ref, std::string_view topic,
                                  std::string_view event, const payload& body) {
  if (auto* bin = std::get_if<binary>(&body); bin && ser == serializer::v2)
    return binary_frame(encode_binary_push(ref_text(join_ref), topic, event, bin->bytes));
  // V1 frames never carry join_ref (docs/protocol.md §2.2).
  return text(ser, message{ser == serializer::v1 ? json() : join_ref, json(), std::string{topic},
                           std::string{event}, body});
}

encoded_frame encode_push_json_text(serializer ser, const json& join_ref, std::string_view topic,
                                    std::string_view event, std::string_view payload_json) {
  // The layouts of append_v1 / append_v2 with the payload spliced in as text.
  auto f = with_room();
  auto& out = f.buffer;
  if (ser == serializer::v1) {  // (V1 frames never carry join_ref)
    out += "{\"event\":";
    append_json_string(out, event);
    out += ",\"payload\":";
    out += payload_json;
    out += ",\"ref\":null,\"topic\":";
    append_json_string(out, topic);
    out += '}';
  } else {
    out += '[';
    append_json(out, join_ref);
    out += ",null,";
    append_json_string(out, topic);
    out += ',';
    append_json_string(out, event);
    out += ',';
    out += payload_json;
    out += ']';
  }
  return f;
}

result<encoded_frame> encode_broadcast(serializer ser, std::string_view topic,
                                       std::string_view event, const payload& body) {
  if (auto* bin = std::get_if<binary>(&body); bin && !bin->user_event.empty()) {
    if (ser != serializer::v2)
      return protocol_error{error_kind::binary_not_supported, "raw user broadcasts reach V2 clients only"};
    return binary_frame(encode_user_broadcast(topic, user_broadcast{bin->user_event, "", false, bin->bytes}));
  }
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

namespace {
/// realtime-js's kind 3 as the message its JSON form is (docs/protocol.md §2.4): event
/// "broadcast", payload {"type":"broadcast","event":…,"payload":…[,"meta":…]}. Raw bytes
/// come as a binary body that keeps the user event (binary::user_event).
result<message> decode_user_broadcast(std::string_view data, std::size_t max_json_depth) {
  auto push = decode_user_broadcast_push(data, max_json_depth);
  if (!push) return push.error();
  message msg;
  msg.join_ref = push->join_ref;
  msg.ref = push->ref;
  msg.topic = push->topic;
  msg.event = "broadcast";
  auto& b = push->broadcast;
  if (!b.json_payload) {
    msg.body = binary{std::move(b.payload), std::move(b.event)};
    return msg;
  }
  json body = {{"type", "broadcast"}, {"event", b.event}, {"payload", std::move(push->payload_json)}};
  if (!b.metadata.empty()) body["meta"] = std::move(push->metadata_json);
  msg.body = std::move(body);
  return msg;
}
} // namespace

result<message> decode_frame(serializer ser, bool binary_opcode, std::string_view data,
                             std::size_t max_json_depth) {
  if (binary_opcode) {
    if (ser == serializer::v1)
      return protocol_error{error_kind::binary_not_supported,
                            "binary frames need the V2 serializer (vsn=2.0.0)"};
    if (!data.empty() && data[0] == char(binary_kind::user_broadcast_push)) return decode_user_broadcast(data, max_json_depth);
    return decode_binary(data);
  }
  return ser == serializer::v1 ? decode_v1(data, max_json_depth) : decode_v2(data, max_json_depth);
}

std::optional<protocol_error> validate_inbound(const message& msg) {
  if (auto* js = std::get_if<json>(&msg.body); js && !js->is_object())
    return protocol_error{error_kind::bad_payload, "payload must be a JSON object"};
  return std::nullopt;
}

} // namespace chorus::protocol
