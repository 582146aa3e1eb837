#pragma once
// The counter app's parts, shared by its main and its deterministic test.
#include <caf/event_based_actor.hpp>

#include "actors/channel_def.hpp"
#include "actors/pubsub.hpp"

namespace counter_app {

/// Owns the count: ticks it every 100 ms and broadcasts each tick to "counter:main";
/// answers a reset (carrying the client's socket handle) through that handle.
caf::behavior counter(caf::event_based_actor* self, chorus::pubsub bus);

/// "counter:main": "reset" hands the client's socket to `app`, which replies.
chorus::channel_def counter_channel(caf::actor app);

} // namespace counter_app
