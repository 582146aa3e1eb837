#pragma once
// V2 binary frames (docs/protocol.md §2.3): kind byte, one length byte per string field,
// the strings, then the raw data to the end of the frame.
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/message.hpp"
#include "protocol/result.hpp"
#include "protocol/text_parse.hpp"

namespace chorus::protocol {

enum class binary_kind : std::uint8_t {
  push = 0,
  reply = 1,
  broadcast = 2,
  user_broadcast_push = 3,  // @supabase/realtime-js, client → server (docs/protocol.md §2.4)
  user_broadcast = 4,       // @supabase/realtime-js, server → client
};

/// Each string field of a binary frame holds at most this many bytes.
inline constexpr std::size_t max_binary_field = 255;

/// S→C push: join_ref, topic, event, data (no ref). Fails if a field is over 255 bytes.
result<std::string> encode_binary_push(std::string_view join_ref, std::string_view topic,
                                       std::string_view event, std::string_view data);
/// S→C reply: join_ref, ref, topic, status, data.
result<std::string> encode_binary_reply(std::string_view join_ref, std::string_view ref,
                                        std::string_view topic, std::string_view status,
                                        std::string_view data);
/// S→C broadcast: topic, event, data.
result<std::string> encode_binary_broadcast(std::string_view topic, std::string_view event,
                                            std::string_view data);

/// C→S kind 0 (push; kind 3 is decode_user_broadcast_push's). Empty join_ref/ref decode as null.
result<message> decode_binary(std::string_view frame);

/// What realtime-js's Broadcast carries besides the topic: its own event name, optional
/// metadata (JSON text, "" = none) and a payload that is JSON text (`json_payload`,
/// encoding byte 1) or raw bytes (encoding byte 0).
struct user_broadcast {
  std::string event;
  std::string metadata;
  bool json_payload = true;
  std::string payload;
};

/// Kind 3, C→S ("user broadcast push"): join_ref, ref, topic, then the broadcast.
struct user_broadcast_push {
  json join_ref;  // null when empty
  json ref;
  std::string topic;
  user_broadcast broadcast;
  json payload_json;   // the payload parsed (JSON encoding), else null
  json metadata_json;  // the metadata parsed, null when empty
};
/// Checks the layout, UTF-8 of every string field, the encoding byte, and that a JSON
/// payload and the metadata are JSON (within `max_json_depth`).
result<user_broadcast_push> decode_user_broadcast_push(std::string_view frame,
                                                       std::size_t max_json_depth = default_max_json_depth);
/// Kind 4, S→C ("user broadcast"): topic, then the broadcast. Fails if the topic, event
/// or metadata is over 255 bytes.
result<std::string> encode_user_broadcast(std::string_view topic, const user_broadcast& b);

} // namespace chorus::protocol
