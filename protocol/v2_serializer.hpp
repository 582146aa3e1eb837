#pragma once
// V2 array serializer for text frames (vsn 2.0.x, docs/protocol.md §2.1).
#include <string>
#include <string_view>

#include "protocol/message.hpp"
#include "protocol/result.hpp"
#include "protocol/text_parse.hpp"

namespace chorus::protocol {

/// [join_ref, ref, topic, event, payload]; requires a JSON payload (binary payloads use
/// v2_binary.hpp).
std::string encode_v2(const message& msg);
/// encode_v2 into the end of `out`.
void append_v2(std::string& out, const message& msg);

/// C→S: a JSON array of at least five elements (extra elements ignored, as Phoenix).
result<message> decode_v2(std::string_view text, std::size_t max_json_depth = default_max_json_depth);

} // namespace chorus::protocol
