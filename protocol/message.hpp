#pragma once
// The five logical fields of a Phoenix message (docs/protocol.md §2). Refs are kept as JSON so
// a reply can echo them with the client's exact type (string, number or null).
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace chorus::protocol {

using json = nlohmann::json;

/// Raw bytes carried by a V2 binary frame (ArrayBuffer in phoenix.js).
struct binary {
  std::string bytes;
  /// Non-empty: a realtime-js "user broadcast" with raw bytes under this event name
  /// (docs/protocol.md §2.4). Broadcast to V2 clients as kind 4, never as kind 2 (which
  /// realtime-js cannot read), and to V1 clients not at all.
  std::string user_event;
  friend bool operator==(const binary&, const binary&) = default;
};

/// A payload is JSON or raw bytes.
using payload = std::variant<json, binary>;

inline bool is_binary(const payload& p) noexcept { return p.index() == 1; }

struct message {
  json join_ref;  // null when absent
  json ref;       // null for server pushes and broadcasts
  std::string topic;
  std::string event;
  payload body = json::object();

  friend bool operator==(const message&, const message&) = default;
};

/// Which wire format a connection speaks (chosen once, at the handshake).
enum class serializer : unsigned char { v1, v2 };

/// The reserved topic and events (docs/protocol.md §2, §3).
namespace events {
inline constexpr const char* join = "phx_join";
inline constexpr const char* leave = "phx_leave";
inline constexpr const char* reply = "phx_reply";
inline constexpr const char* close = "phx_close";
inline constexpr const char* error = "phx_error";
inline constexpr const char* heartbeat = "heartbeat";
inline constexpr const char* heartbeat_topic = "phoenix";
} // namespace events

} // namespace chorus::protocol
