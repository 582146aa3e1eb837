#include "counter.hpp"

#include <chrono>
#include <memory>

#include "actors/socket.hpp"

namespace counter_app {

namespace {
using reset_atom = caf::atom_constant<caf::atom("reset")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
} // namespace

caf::behavior counter(caf::event_based_actor* self, chorus::pubsub bus) {
  auto count = std::make_shared<int>(0);
  self->delayed_send(self, std::chrono::milliseconds{100}, tick_atom::value);
  return {
    [=](tick_atom) {
      bus.broadcast("counter:main", "tick", chorus::json{{"count", ++*count}});
      self->delayed_send(self, std::chrono::milliseconds{100}, tick_atom::value);
    },
    [=](reset_atom, const chorus::socket& client) {
      client.reply("ok", chorus::json{{"was", *count}});
      *count = 0;
    },
  };
}

chorus::channel_def counter_channel(caf::actor app) {
  return {
    .topic_pattern = "counter:main",
    .handlers = {{"reset", [app](const chorus::payload&, chorus::socket& sock) {
      caf::anon_send(app, reset_atom::value, sock);  // the actor replies
    }}},
  };
}

} // namespace counter_app
