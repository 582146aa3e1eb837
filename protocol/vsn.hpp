#pragma once
// Serializer negotiation from the `vsn` query parameter (docs/protocol.md §1).
#include <optional>
#include <string_view>

#include "protocol/message.hpp"
#include "protocol/result.hpp"

namespace chorus::protocol {

/// absent or 1.0.x → V1, 2.0.x → V2, anything else → unsupported_vsn (HTTP 403).
result<serializer> negotiate_vsn(std::optional<std::string_view> vsn);

} // namespace chorus::protocol
