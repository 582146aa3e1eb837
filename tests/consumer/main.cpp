// A counter app on chorus: one app actor owns the count, ticks it every 100 ms and
// publishes each tick through pubsub to "counter:main"; the channel's "reset" event
// sends the client's socket handle to that actor, which replies from there.
#include <chrono>

#include <caf/event_based_actor.hpp>

#include "actors/socket.hpp"
#include "net/command_line.hpp"
#include "net/server.hpp"

namespace {

using reset_atom = caf::atom_constant<caf::atom("reset")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;

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

} // namespace

int main(int argc, char** argv) {
  auto cli = chorus::parse_command_line(argc, argv, "counter_app");
  if (cli.exit_code) return *cli.exit_code;
  chorus::server srv{cli.options, cli.channels};
  auto app = srv.system().spawn(counter, srv.bus());
  srv.add_channel({
    .topic_pattern = "counter:main",
    .handlers = {{"reset", [app](const chorus::payload&, chorus::socket& sock) {
      caf::anon_send(app, reset_atom::value, sock);  // the actor replies
    }}},
  });
  int code = srv.run();
  caf::anon_send_exit(app, caf::exit_reason::user_shutdown);  // before the server waits for its actors
  return code;
}
