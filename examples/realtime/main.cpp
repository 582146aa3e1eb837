// The realtime example: chorus serving @supabase/realtime-js clients unchanged —
// Supabase Realtime's Broadcast and Presence on "realtime:*" channels, with the chat
// example's flags. No Postgres changes, no HTTP broadcast endpoint, no JWT checks.
#include "net/command_line.hpp"
#include "net/server.hpp"
#include "realtime_channels.hpp"

int main(int argc, char** argv) {
  auto cli = chorus::parse_command_line(argc, argv, "realtime_server");
  if (cli.exit_code) return *cli.exit_code;
  chorus::server srv{cli.options, cli.channels};
  srv.add_channel(realtime::realtime_channel());
  return srv.run();
}
