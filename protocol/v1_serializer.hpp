#pragma once
// V1 object serializer (vsn absent or 1.0.x, docs/protocol.md §2.2).
#include <string>
#include <string_view>

#include "protocol/message.hpp"
#include "protocol/result.hpp"
#include "protocol/text_parse.hpp"

namespace chorus::protocol {

/// S→C: exactly the keys event, payload, ref, topic (alphabetical, as Phoenix), never
/// join_ref. A binary payload cannot be expressed in V1; it is sent as
/// {"binary":"<base64>"} so V1 subscribers still receive it (documented in the README).
std::string encode_v1(const message& msg);
/// encode_v1 into the end of `out`.
void append_v1(std::string& out, const message& msg);

/// The V1 stand-in for binary data: {"binary":"<base64>"}.
json v1_binary_payload(const binary& data);

/// C→S: an object that must hold topic, event, payload and ref (join_ref optional).
result<message> decode_v1(std::string_view text, std::size_t max_json_depth = default_max_json_depth);

} // namespace chorus::protocol
