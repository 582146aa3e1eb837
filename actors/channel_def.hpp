#pragma once
// A channel definition (seed: ChannelDef{topic_pattern, join, leave, handlers}).
#include <functional>
#include <string>
#include <vector>

#include "actors/join_result.hpp"
#include "protocol/message.hpp"

namespace chorus {

class socket;
using protocol::binary;
using protocol::payload;
using json = nlohmann::json;

/// Handles one client event. Runs inside the connection's socket actor: it must not
/// block; slow work goes to an app actor that answers later through a copy of `socket`.
/// Reply with socket.reply(...), or not at all. A throw sends phx_error for the channel,
/// runs its leave callback and keeps the connection open.
struct event_handler {
  std::string event;  // "*" catches every event without its own handler
  std::function<void(const payload& body, socket& sock)> handler;
};

struct channel_def {
  /// Exact topic ("room:lobby") or prefix ending in '*' ("room:*", matches "room:" too).
  std::string topic_pattern;
  /// Decides a join; absent means accept with {}. A throw answers "join crashed".
  std::function<join_result(const json& payload, socket& sock)> join;
  /// Runs exactly once when a joined channel ends (leave, duplicate join, crash, disconnect).
  std::function<void(socket& sock)> leave;
  std::vector<event_handler> handlers;
  /// Phoenix's `intercept`: broadcasts of these events reach each subscribed connection
  /// through handle_out, in its socket actor, instead of the encode-once fast path, so
  /// they can be filtered or rewritten per user. Other events keep the fast path (and
  /// may therefore overtake an intercepted one; each kind alone stays in order).
  std::vector<std::string> intercept;
  /// Runs per subscriber for an intercepted broadcast; sock.push(event, body) delivers
  /// it (changed or not), doing nothing drops it for this subscriber. Absent: pushed as
  /// is. A throw is a handler crash (phx_error, the channel ends). broadcast_from's
  /// sender is skipped as on the fast path.
  std::function<void(const std::string& event, const payload& body, socket& sock)> handle_out;
};

} // namespace chorus
