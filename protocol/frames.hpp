#pragma once
// Builders for every frame a server sends, in the connection's serializer, and the
// inbound decoder that picks the right format. A built frame is the WebSocket message
// body; ws_frame_header.hpp frames it for the wire.
#include <optional>
#include <string>
#include <string_view>

#include "protocol/message.hpp"
#include "protocol/result.hpp"
#include "protocol/text_parse.hpp"

namespace chorus::protocol {

/// Bytes kept free in front of every encoded body, so the WebSocket header can be
/// written in place (no second buffer and copy per frame).
inline constexpr std::size_t frame_header_room = 10;

struct encoded_frame {
  std::string buffer;           // [room for the WebSocket header][body]
  std::size_t body_offset = 0;
  bool binary = false;          // WebSocket opcode: binary (V2 binary frames) or text
  std::string_view body() const noexcept { return std::string_view{buffer}.substr(body_offset); }
};

/// Reply to a client message: {"response":<payload>,"status":<status>}; a binary payload
/// becomes a V2 kind-1 frame (phoenix.js sees {status, response: ArrayBuffer}).
result<encoded_frame> encode_reply(serializer ser, const json& join_ref, const json& ref,
                                   std::string_view topic, std::string_view status,
                                   const payload& response);
/// Server push to one connection: [join_ref, null, topic, event, payload].
result<encoded_frame> encode_push(serializer ser, const json& join_ref, std::string_view topic,
                                  std::string_view event, const payload& body);
/// encode_push with a payload that is already JSON text (trusted to be valid JSON):
/// large payloads an actor keeps rendered (presence_state) are not rebuilt as a DOM.
encoded_frame encode_push_json_text(serializer ser, const json& join_ref, std::string_view topic,
                                    std::string_view event, std::string_view payload_json);
/// Broadcast: [null, null, topic, event, payload], identical for every V2 subscriber. A
/// binary payload with a user_event is realtime-js's kind 4 (V2 only; V1 → binary_not_supported).
result<encoded_frame> encode_broadcast(serializer ser, std::string_view topic,
                                       std::string_view event, const payload& body);
/// Channel closed normally: [jr, jr, topic, "phx_close", {}].
encoded_frame encode_close(serializer ser, const json& join_ref, std::string_view topic);
/// Channel crashed: [jr, jr, topic, "phx_error", {"reason":"channel_crash"}].
encoded_frame encode_error(serializer ser, const json& join_ref, std::string_view topic);

/// Decodes one inbound WebSocket message in the connection's serializer. Text frames may
/// nest JSON at most `max_json_depth` levels (text_parse.hpp); binary frames carry no JSON,
/// except realtime-js's kind 3, decoded as its JSON form (event "broadcast", §2.4).
result<message> decode_frame(serializer ser, bool binary_opcode, std::string_view data,
                             std::size_t max_json_depth = default_max_json_depth);

/// Checks a decoded message whose ref and topic are known; a failure is answered with an
/// error reply rather than a close (a decodable message with a bad field is answered, not closed).
std::optional<protocol_error> validate_inbound(const message& msg);

} // namespace chorus::protocol
