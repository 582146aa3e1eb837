#pragma once
// One actor per connection. It owns the connection's channels (bounded), dispatches
// every inbound frame by docs/protocol.md §3's table, runs the app's callbacks (each wrapped,
// so an app exception never kills the actor) and cleans up exactly once at the end.
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/log.hpp"
#include "actors/limit_error.hpp"
#include "actors/socket_messages.hpp"
#include "actors/supervisor_messages.hpp"
#include "actors/topic_messages.hpp"
#include "actors/endpoint.hpp"
#include "actors/socket.hpp"
#include "actors/socket_context.hpp"

namespace chorus {


struct channel_entry {
  enum class phase { deciding, subscribing, joined };
  const channel_def* def = nullptr;
  json join_ref;       // identifies this channel instance on the wire
  json join_msg_ref;   // ref of the phx_join, echoed by its reply
  phase state = phase::deciding;
  std::uint64_t sub_id = 0;
  caf::actor topic_actor;
  std::vector<protocol::message> held;  // inbound frames waiting for the join to finish
  std::vector<shared_frame> outbox;     // frames made before the join reply went out
  std::optional<json> replaced;         // duplicate join: phx_close for this join_ref after the reply
  std::vector<caf::message> to_topic;   // presence calls of the join callback: sent after the subscribe
  std::chrono::steady_clock::time_point join_started;  // for the join-duration histogram
};

namespace detail {
/// What the handle given to a channel callback recorded, carried out after it returns.
struct socket_outbox {
  std::vector<std::function<void(socket_actor_state&)>> calls;
};
} // namespace detail

struct socket_actor_state {
  using self_ptr = caf::stateful_actor<socket_actor_state>*;
  using time_point = caf::actor_clock::time_point;

  self_ptr self = nullptr;
  std::shared_ptr<detail::socket_context> ctx;
  detail::supervisor_actor supervisor;
  connected_callback on_connected;
  bool connected = false;
  bool open = true;
  std::map<std::string, channel_entry, std::less<>> channels;
  time_point last_activity{};
  time_point last_report{};
  std::uint64_t next_sub_id = 1;
  double tokens = 0;         // rate-limit bucket (channel_config::rate_limit_per_s)
  time_point tokens_at{};
  std::string socket_id;     // the connect callback's id ("users_socket:42"), for log lines

  static inline const char* name = "chorus.socket";

  // connection lifecycle (socket_actor.cpp)
  void start();
  void finish_connect(const connect_result& result);
  void on_frame(detail::inbound_frame& frame);
  void on_idle_check();
  bool take_token(time_point now);
  void close(std::uint16_t code, const std::string& reason);
  /// A log line about this connection: peer, conn id and socket id as fields.
  void log(log_level level, std::string_view text) const;

  // the dispatch table (socket_dispatch.cpp)
  void dispatch(protocol::message msg);
  void on_join(protocol::message& msg);
  void on_leave(protocol::message& msg);
  void on_event(protocol::message& msg);
  /// An intercepted broadcast of a joined channel: through its handle_out.
  void on_outgoing(const detail::outgoing_broadcast& msg);
  void apply_join_result(const std::string& topic, const json& join_ref, const join_result& result,
                         refusal if_error = refusal::join_rejected);
  /// The answer to a join's subscribe: the topic actor, or why not (a limit_error).
  void on_subscribed(const std::string& topic, std::uint64_t id, caf::expected<caf::actor> topic_actor);
  void end_channel(const std::string& topic);
  void release_held(std::vector<protocol::message> held);
  /// Counts a join's outcome and observes its duration (/metrics).
  void join_done(join_outcome outcome, std::chrono::steady_clock::time_point started);

  // output, used by socket handles (socket_output.cpp)
  void push(const std::string& topic, const json& join_ref, std::string_view event, const payload& body);
  void reply(const std::string& topic, const json& join_ref, const json& ref, std::string_view status,
             const payload& response);
  void reply_error(const protocol::message& msg, const json& join_ref, std::string_view reason, refusal why);
  void broadcast(const std::string& topic, std::string_view event, const payload& body, bool skip_self);
  /// Presence for this connection on its channel `topic` (join_ref must still be current).
  void presence(const std::string& topic, const json& join_ref, detail::presence_op op, const std::string& key,
                json meta);
  void push_presence_state(const std::string& topic, const json& join_ref);
  /// To the channel's topic actor, after its subscribe (held while the join is decided).
  void send_to_topic(channel_entry& entry, const std::string& topic, caf::message msg);
  void write(shared_frame frame);
  void write(protocol::result<protocol::encoded_frame> frame);
  channel_entry* find_channel(std::string_view topic, const json& join_ref);

  /// Runs an app callback; returns false and logs if it threw.
  template <class F>
  bool run_app_callback(const char* what, F&& fn);
  /// Runs a channel callback that got `sock`, then carries out what `sock` recorded (also
  /// when it threw: what it did before the exception stands). False if it threw.
  template <class F>
  bool run_channel_callback(const char* what, socket& sock, F&& fn);
};

template <class F>
bool socket_actor_state::run_channel_callback(const char* what, socket& sock, F&& fn) {
  detail::socket_outbox box;
  sock.outbox_.box = &box;
  bool ok = run_app_callback(what, std::forward<F>(fn));
  sock.outbox_.box = nullptr;
  for (auto& call : box.calls) {
    if (!open) break;
    call(*this);
  }
  return ok;
}

template <class F>
bool socket_actor_state::run_app_callback(const char* what, F&& fn) {
  bool ok = true;
  std::string error;
  try {
    fn();
  } catch (const std::exception& e) {
    ok = false;
    error = e.what();
  } catch (...) {
    ok = false;
    error = "unknown exception";
  }
  if (!ok) log(log_level::warn, std::string{what} + " threw: " + error);
  return ok;
}

/// A connection's actor. All socket actors share one behaviour (see make_behavior).
class socket_actor final : public caf::stateful_actor<socket_actor_state> {
public:
  socket_actor(caf::actor_config& cfg, std::shared_ptr<detail::socket_context> ctx,
               detail::supervisor_actor supervisor, connected_callback on_connected);

  caf::behavior make_behavior() override;
  resume_result resume(caf::execution_unit* unit, std::size_t max_throughput) override;
};

} // namespace chorus
