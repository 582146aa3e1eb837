// The chat example: chorus serving the seed's chat room and a browser page on
// http://HOST:PORT/ (the page uses the stock phoenix.js from npm, served at /vendor/).
#include "chat_channels.hpp"
#include "common/serve.hpp"

int main(int argc, char** argv) {
  return chorus::examples::serve(
    argc, argv,
    {"chat_server", {{"/vendor", CHORUS_PHOENIX_JS_DIR}, {"/", CHORUS_CHAT_STATIC_DIR}}},
    [](chorus::channel_config& cfg) { cfg.channels.push_back(chat::room_channel()); });
}
