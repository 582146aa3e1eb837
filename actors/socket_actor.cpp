#include "actors/socket_actor.hpp"

#include <utility>

#include "actors/log.hpp"

namespace chorus {

using namespace detail;

void socket_actor_state::start() {
  auto addr = self->address();
  ctx->info.resolver_ = [addr](connect_result result) {
    if (auto actor = caf::actor_cast<caf::actor>(addr)) caf::anon_send(actor, connect_resolution{std::move(result)});
  };
  auto result = connect_result::ok();
  if (ctx->config->connect) {
    if (!run_app_callback("connect callback", [&] { result = ctx->config->connect(ctx->info); }))
      result = connect_result::error(500);
  }
  finish_connect(result);
}

void socket_actor_state::finish_connect(const connect_result& result) {
  if (connected || result.status() == connect_result::outcome::deferred) return;
  if (result.status() == connect_result::outcome::error) {
    ctx->stats->count(refusal::connect_refused);
    log(log_level::info, "connect refused (" + std::to_string(result.http_status()) + ")");
    open = false;
    std::exchange(on_connected, nullptr)(false, result.http_status());
    self->quit();
    return;
  }
  connected = true;
  {
    std::lock_guard<std::mutex> lock{ctx->mutex};
    if (result.assigns().is_object() && !result.assigns().empty()) ctx->assigns = result.assigns();
  }
  // Headers are for the connect callback; an idle connection should not carry them, nor
  // its params as a tree (handles exist only from here on, so nothing reads them meanwhile).
  std::map<std::string, std::string>{}.swap(ctx->info.headers);
  try {
    ctx->params_text = ctx->info.params.dump();
    json().swap(ctx->info.params);
  } catch (const json::exception&) {  // not UTF-8 (an app-made connect_info): kept as is
  }
  last_activity = last_report = tokens_at = self->clock().now();
  tokens = ctx->config->rate_limit_burst;
  ctx->stats->connections.fetch_add(1);
  ctx->stats->connections_total.fetch_add(1);
  socket_id = result.id();
  self->send(supervisor, register_socket{caf::actor{self}, result.id()});
  // Called once, then released: it carries the 101 response (~0.3 KB with its closure).
  std::exchange(on_connected, nullptr)(true, 0);
}

void socket_actor_state::on_frame(inbound_frame& frame) {
  if (!open) return;
  auto now = self->clock().now();
  last_activity = now;
  // Report at most about twice per window: the supervisor only needs to know we live.
  if (now - last_report >= ctx->config->heartbeat_timeout() / 2) {
    last_report = now;
    self->send(supervisor, socket_activity{});
  }
  auto decoded = protocol::decode_frame(ctx->ser, frame.binary, frame.data, ctx->config->max_json_depth);
  if (!decoded) {
    const auto& err = decoded.error();
    ctx->stats->count(refusal::undecodable_frame);
    ctx->stats->count(err.kind);
    log(log_level::warn, std::string{protocol::to_string(err.kind)} + ": " + err.detail);
    close(protocol::close_code_for(err.kind), err.detail);
    return;
  }
  bool heartbeat = decoded->topic == protocol::events::heartbeat_topic && decoded->event == protocol::events::heartbeat;
  if (!heartbeat && !take_token(now)) {
    reply_error(*decoded, decoded->join_ref, "rate limited", refusal::rate_limited);
    return;
  }
  dispatch(std::move(*decoded));
}

bool socket_actor_state::take_token(time_point now) {
  const auto& cfg = *ctx->config;
  if (cfg.rate_limit_per_s <= 0) return true;
  double elapsed = std::chrono::duration<double>(now - tokens_at).count();
  tokens = std::min(cfg.rate_limit_burst, tokens + elapsed * cfg.rate_limit_per_s);
  tokens_at = now;
  if (tokens < 1) return false;
  tokens -= 1;
  return true;
}

void socket_actor_state::on_idle_check() {
  auto now = self->clock().now();
  if (now - last_activity >= ctx->config->heartbeat_timeout()) {
    ctx->stats->count(refusal::heartbeat_timeout);
    log(log_level::info, "heartbeat timeout");
    close(1001, "heartbeat timeout");
  } else {
    last_report = now;
    self->send(supervisor, socket_activity{});
  }
}

void socket_actor_state::log(log_level level, std::string_view text) const {
  if (socket_id.empty()) log_line(level, "socket", text, {{"peer", ctx->info.peer}, {"conn", ctx->info.conn_id}});
  else log_line(level, "socket", text, {{"peer", ctx->info.peer}, {"conn", ctx->info.conn_id}, {"socket_id", socket_id}});
}

void socket_actor_state::close(std::uint16_t code, const std::string& reason) {
  if (!open) return;
  // Leave callbacks first, while the connection still accepts nothing new from us.
  while (!channels.empty()) end_channel(std::string{channels.begin()->first});
  open = false;
  if (code != 0) ctx->conn->close(code, reason);
  if (connected) ctx->stats->connections.fetch_sub(1);
  self->quit();
}

namespace {

// The socket actor whose resume is running on this thread (handlers of the shared
// behaviour act on it).
thread_local socket_actor* running = nullptr;

socket_actor_state& current() { return running->state; }

} // namespace

socket_actor::socket_actor(caf::actor_config& cfg, std::shared_ptr<socket_context> ctx,
                           supervisor_actor supervisor, connected_callback on_connected)
  : caf::stateful_actor<socket_actor_state>(cfg) {
  auto& st = state;
  st.self = this;
  st.ctx = std::move(ctx);
  st.ctx->self = address();
  st.supervisor = std::move(supervisor);
  st.on_connected = std::move(on_connected);
  // The socket must outlive a misbehaving message rather than die on it.
  set_default_handler(caf::drop);
}

caf::behavior socket_actor::make_behavior() {
  // Built once: CAF 0.17 would otherwise allocate a behaviour per actor (0.37 KB of every
  // idle connection). Its handlers hold no actor; CAF reads it without changing it, so
  // sharing it between threads is safe.
  static const caf::behavior shared{
    [](start_socket) { current().start(); },
    [](connect_resolution& r) { current().finish_connect(r.result); },
    [](inbound_frame& frame) {
      auto& st = current();
      st.on_frame(frame);
      st.ctx->conn->frame_done();
    },
    [](socket_call& call) {
      if (auto& st = current(); st.open) call.fn(st);
    },
    [](idle_check) { current().on_idle_check(); },
    [](const detail::outgoing_broadcast& msg) {
      if (auto& st = current(); st.open) st.on_outgoing(msg);
    },
    [](transport_closed) { current().close(0, ""); },  // the transport is already gone
    [](const close_socket& msg) { current().close(msg.code, msg.reason); },
  };
  return shared;
}

caf::resumable::resume_result socket_actor::resume(caf::execution_unit* unit, std::size_t max_throughput) {
  // Every message of an event-based actor is handled inside resume (CAF 0.17).
  auto* outer = std::exchange(running, this);
  auto result = caf::stateful_actor<socket_actor_state>::resume(unit, max_throughput);
  running = outer;
  return result;
}

} // namespace chorus
