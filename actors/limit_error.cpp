#include "actors/limit_error.hpp"

namespace chorus {

std::string_view wire_reason(limit_error e) noexcept {
  switch (e) {
    case limit_error::too_many_channels: return "too many channels joined";
    case limit_error::topic_limit_reached: return "topic limit reached";
    case limit_error::subscriber_limit_reached: return "subscriber limit reached";
  }
  return "limit reached";
}

std::string to_string(limit_error e) {
  switch (e) {
    case limit_error::too_many_channels: return "too_many_channels";
    case limit_error::topic_limit_reached: return "topic_limit_reached";
    case limit_error::subscriber_limit_reached: return "subscriber_limit_reached";
  }
  return "unknown_limit_error";
}

caf::error make_error(limit_error e) {
  return caf::error{static_cast<std::uint8_t>(e), limit_error_category};
}

bool is_limit_error(const caf::error& err, limit_error* out) noexcept {
  if (!err || err.category() != limit_error_category) return false;
  if (out) *out = static_cast<limit_error>(err.code());
  return true;
}

} // namespace chorus
