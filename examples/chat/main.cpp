// The chat example: chorus serving the seed's chat room and a browser page on
// http://HOST:PORT/ (the page uses the stock phoenix.js from npm, served at /vendor/).
#include "chat_channels.hpp"
#include "net/command_line.hpp"
#include "net/server.hpp"

int main(int argc, char** argv) {
  auto cli = chorus::parse_command_line(argc, argv, "chat_server",
                                        {{"/vendor", CHORUS_PHOENIX_JS_DIR}, {"/", CHORUS_CHAT_STATIC_DIR}});
  if (cli.exit_code) return *cli.exit_code;
  chorus::server srv{cli.options, cli.channels};
  srv.add_channel(chat::room_channel());
  return srv.run();
}
