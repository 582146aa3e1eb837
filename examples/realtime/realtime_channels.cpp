#include "realtime_channels.hpp"

#include <atomic>
#include <random>

#include "actors/log.hpp"
#include "actors/presence.hpp"
#include "actors/socket.hpp"

namespace realtime {

namespace {

using chorus::json;

/// Supabase reads these flags leniently: missing is false, and "true" counts as true.
bool flag(const json& obj, const char* section, const char* name) {
  if (!obj.is_object() || !obj.contains(section) || !obj[section].is_object()) return false;
  const auto& v = obj[section].value(name, json{});
  return (v.is_boolean() && v.get<bool>()) || (v.is_string() && v.get<std::string>() == "true");
}

/// An empty presence key gets a random one (Supabase: a UUID).
std::string random_key() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += hex[rng() & 15];
  }
  return out;
}

/// This channel's join config, kept in the connection's assigns under its topic.
std::string config_key(const chorus::socket& sock) { return "realtime_config:" + sock.topic(); }
json config_of(const chorus::socket& sock) {
  auto c = sock.get_assign(config_key(sock));
  return c.is_object() ? c : json::object();
}

void on_broadcast(const chorus::payload& body, chorus::socket& sock) {
  auto config = config_of(sock);
  auto relay = [&](chorus::payload out) {
    if (config.value("self", false)) sock.broadcast("broadcast", std::move(out));
    else sock.broadcast_from("broadcast", std::move(out));
    if (config.value("ack", false)) sock.reply("ok", json::object());
  };
  if (auto* raw = std::get_if<chorus::binary>(&body)) {
    // A kind-3 frame with raw bytes (docs/protocol.md §2.4): relayed as kind 4 to V2
    // clients; V1 clients cannot receive raw bytes and get nothing (as on Supabase).
    if (raw->user_event.empty()) {
      sock.reply("error", json{{"reason", "a binary broadcast needs an event (send it with realtime-js)"}});
      return;
    }
    relay(*raw);
    return;
  }
  auto* message = std::get_if<json>(&body);
  if (!message->value("event", json{}).is_string()) {
    sock.reply("error", json{{"reason", "broadcast needs a string \"event\""}});
    return;
  }
  relay(json{{"type", "broadcast"}, {"event", (*message)["event"]}, {"payload", message->value("payload", json::object())}});
}

void on_presence(const chorus::payload& body, chorus::socket& sock) {
  auto* message = std::get_if<json>(&body);
  auto event = message ? message->value("event", std::string{}) : std::string{};
  for (auto& c : event) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto config = config_of(sock);
  auto key = config.value("key", std::string{});
  if (event == "untrack") {
    chorus::presence::untrack(sock, key);
    config.erase("tracked");
    sock.assign(config_key(sock), config);
    sock.reply("ok", json::object());
    return;
  }
  if (event != "track") {
    sock.reply("error", json{{"reason", "presence event must be track or untrack"}});
    return;
  }
  auto meta = message->value("payload", json::object());
  if (!meta.is_object()) {
    sock.reply("error", json{{"reason", "Presence track payload must be a map"}});
    return;
  }
  if (config.value("tracked", json{}) != meta) {  // tracking an identical payload again changes nothing
    chorus::presence::track(sock, key, meta);
    config["tracked"] = meta;
    sock.assign(config_key(sock), config);
  }
  sock.reply("ok", json::object());
}

} // namespace

chorus::channel_def realtime_channel() {
  return chorus::channel_def{
    .topic_pattern = "realtime:*",
    .join = [](const json& payload, chorus::socket& sock) {
      auto config = payload.value("config", json::object());
      auto key = config.is_object() && config.value("presence", json::object()).is_object()
                   ? config.value("presence", json::object()).value("key", std::string{})
                   : std::string{};
      bool presence = flag(config, "presence", "enabled");
      sock.assign(config_key(sock), json{{"self", flag(config, "broadcast", "self")},
                                         {"ack", flag(config, "broadcast", "ack")},
                                         {"key", key.empty() ? random_key() : key}});
      if (presence) chorus::presence::push_state(sock);
      return chorus::join_result::ok(json{{"postgres_changes", json::array()}});
    },
    .leave = nullptr,
    .handlers = {
      {"broadcast", on_broadcast},
      {"presence", on_presence},
      {"access_token", [](const chorus::payload&, chorus::socket&) {}},  // no auth here: accepted silently
      // Supabase logs unknown events and does not answer them.
      {"*", [](const chorus::payload&, chorus::socket& sock) {
         chorus::log_line(chorus::log_level::info, "realtime", sock.topic() + ": ignored an unknown event");
       }},
    },
  };
}

} // namespace realtime
