#pragma once
#include <string_view>

#include "protocol/message.hpp"
#include "protocol/result.hpp"

namespace chorus::protocol::detail {

/// UTF-8 check then exception-free JSON parse; the first step of both text decoders.
result<json> parse_text_frame(std::string_view text);

} // namespace chorus::protocol::detail
