#pragma once
// V2 binary frames (docs/protocol.md §2.3): kind byte, one length byte per string field,
// the strings, then the raw data to the end of the frame.
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/message.hpp"
#include "protocol/result.hpp"

namespace chorus::protocol {

enum class binary_kind : std::uint8_t { push = 0, reply = 1, broadcast = 2 };

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

/// C→S: only kind 0 (push) is accepted. Empty join_ref/ref decode as null.
result<message> decode_binary(std::string_view frame);

} // namespace chorus::protocol
