#pragma once
// Why the channel layer refused a subscription or join: a CAF error code of its own
// category, so actors (and app actors using pubsub) match on values, not on strings.
// The reason strings on the wire stay Phoenix-style text (wire_reason).
#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>
#include <caf/error.hpp>

namespace chorus {

enum class limit_error : std::uint8_t {
  too_many_channels = 1,     // channel_config::max_channels_per_socket
  topic_limit_reached,       // channel_config::max_topics (a new topic on this node)
  subscriber_limit_reached,  // channel_config::max_subscribers (this topic)
};

/// The category of limit_error in caf::error (register_chorus_types teaches an actor
/// system to render it by name).
inline constexpr caf::atom_value limit_error_category = caf::atom("chorus");

/// The error reply's "reason" a client gets, e.g. "topic limit reached".
std::string_view wire_reason(limit_error e) noexcept;
std::string to_string(limit_error e);

caf::error make_error(limit_error e);
/// The limit_error inside `err`, if it is one.
bool is_limit_error(const caf::error& err, limit_error* out = nullptr) noexcept;

} // namespace chorus
