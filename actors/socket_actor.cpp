#include "actors/socket_actor.hpp"

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
    on_connected(false, result.http_status());
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
  on_connected(true, 0);
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

caf::behavior socket_actor(caf::stateful_actor<socket_actor_state>* self,
                           std::shared_ptr<socket_context> ctx, supervisor_actor supervisor,
                           connected_callback on_connected) {
  auto& st = self->state;
  st.self = self;
  st.ctx = std::move(ctx);
  st.ctx->self = self->address();
  st.supervisor = std::move(supervisor);
  st.on_connected = std::move(on_connected);
  // The socket must outlive a misbehaving message rather than die on it.
  self->set_default_handler(caf::drop);
  return {
    [self](start_socket) { self->state.start(); },
    [self](connect_resolution& r) { self->state.finish_connect(r.result); },
    [self](inbound_frame& frame) {
      self->state.on_frame(frame);
      self->state.ctx->conn->frame_done();
    },
    [self](socket_call& call) {
      if (self->state.open) call.fn(self->state);
    },
    [self](idle_check) { self->state.on_idle_check(); },
    [self](const detail::outgoing_broadcast& msg) {
      if (self->state.open) self->state.on_outgoing(msg);
    },
    [self](transport_closed) { self->state.close(0, ""); },  // the transport is already gone
    [self](const close_socket& msg) { self->state.close(msg.code, msg.reason); },
  };
}

} // namespace chorus
