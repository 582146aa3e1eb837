#include "actors/caf_types.hpp"

#include "actors/limit_error.hpp"
#include "actors/pubsub_message.hpp"

namespace chorus {

void register_chorus_types(caf::actor_system_config& cfg) {
  // (CAF 0.17.6's add_error_category<T> template does not compile: its renderer has the
  // old signature. The plain overload takes the current one.)
  cfg.add_error_category(limit_error_category, [](std::uint8_t code, caf::atom_value, const caf::message&) {
    return "chorus: " + to_string(static_cast<limit_error>(code));
  });
  cfg.add_message_type<pubsub_message>("chorus.pubsub_message");
}

} // namespace chorus
