#include "chat_channels.hpp"

#include "actors/socket.hpp"

namespace chat {

chorus::channel_def room_channel() {
  return chorus::channel_def{
    .topic_pattern = "room:*",
    .join = [](const chorus::json&, chorus::socket&) { return chorus::join_result::ok(); },
    .leave = nullptr,
    .handlers = {
      {"new_msg", [](const chorus::payload& body, chorus::socket& sock) { sock.broadcast("new_msg", body); }},
      {"ping", [](const chorus::payload& body, chorus::socket& sock) { sock.reply("ok", body); }},
    },
  };
}

} // namespace chat
