#include "chat_channels.hpp"

#include <atomic>
#include <chrono>

#include "actors/presence.hpp"
#include "actors/socket.hpp"

namespace chat {

namespace {

/// Who this connection is: its user_id connect param, or a generated id kept in its
/// assigns so every room it joins shows the same one.
std::string user_of(const chorus::socket& sock) {
  auto given = sock.query().value("user_id", std::string{});
  if (!given.empty()) return given;
  auto assigned = sock.get_assign("user_id");
  if (assigned.is_string()) return assigned.get<std::string>();
  static std::atomic<unsigned long> next{1};
  auto id = "anon-" + std::to_string(next++);
  sock.assign("user_id", id);
  return id;
}

long long unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

chorus::channel_def room_channel() {
  return chorus::channel_def{
    .topic_pattern = "room:*",
    .join = [](const chorus::json&, chorus::socket& sock) {
      // Phoenix's after_join: the newcomer gets the list, everyone gets its arrival.
      chorus::presence::push_state(sock);
      chorus::presence::track(sock, user_of(sock), {{"online_at", unix_ms()}});
      return chorus::join_result::ok();
    },
    .leave = nullptr,
    .handlers = {
      {"new_msg", [](const chorus::payload& body, chorus::socket& sock) { sock.broadcast("new_msg", body); }},
      {"ping", [](const chorus::payload& body, chorus::socket& sock) { sock.reply("ok", body); }},
    },
  };
}

} // namespace chat
