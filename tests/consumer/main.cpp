// A counter app on chorus: one app actor owns the count, ticks it every 100 ms and
// publishes each tick through pubsub to "counter:main"; the channel's "reset" event
// sends the client's socket handle to that actor, which replies from there.
#include "counter.hpp"
#include "net/command_line.hpp"
#include "net/server.hpp"

int main(int argc, char** argv) {
  auto cli = chorus::parse_command_line(argc, argv, "counter_app");
  if (cli.exit_code) return *cli.exit_code;
  chorus::server srv{cli.options, cli.channels};
  auto app = srv.system().spawn(counter_app::counter, srv.bus());
  srv.add_channel(counter_app::counter_channel(app));
  int code = srv.run();
  caf::anon_send_exit(app, caf::exit_reason::user_shutdown);  // before the server waits for its actors
  return code;
}
