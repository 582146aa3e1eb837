#pragma once
// What chorus registers with a CAF config: limit_error's renderer (so logs and
// system().render() print "chorus: topic_limit_reached", not a number) and the message
// types that can cross to another node. chorus::server does this for the actor system it
// starts; an app that brings its own system calls it on that system's config.
#include <caf/actor_system_config.hpp>

namespace chorus {

void register_chorus_types(caf::actor_system_config& cfg);

} // namespace chorus
