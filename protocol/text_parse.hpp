#pragma once
#include <cstddef>
#include <string_view>

#include "protocol/message.hpp"
#include "protocol/result.hpp"

namespace chorus::protocol {

/// Arrays and objects one inbound JSON document may nest, counting the message's own
/// envelope (a V2 array or V1 object is level 1, its payload object level 2). serde_json's
/// default. The limit is checked while parsing: copying, comparing or serializing a JSON
/// value recurses once per level, so an unbounded document (a 1 MiB frame holds 500 000
/// levels) would overflow the stack of whichever thread touched it next.
inline constexpr std::size_t default_max_json_depth = 128;

/// Parses one JSON text from outside the process (a client, a peer node) with the same
/// guarantees as the frame decoders: UTF-8 checked, at most `max_depth` levels.
result<json> parse_json(std::string_view text, std::size_t max_depth = default_max_json_depth);

namespace detail {

/// UTF-8 check then an exception-free JSON parse that stops at the first level past
/// `max_depth` (the reader never recurses): V1's first step, and V2's for any message that
/// is not of the common shape decode_v2 reads directly.
result<json> parse_text_frame(std::string_view text, std::size_t max_depth);

} // namespace detail
} // namespace chorus::protocol
