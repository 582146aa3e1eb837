// The inbound dispatch table of docs/protocol.md §3 and the join/leave state machine.
#include <algorithm>

#include "actors/limit_error.hpp"
#include "actors/socket.hpp"
#include "actors/socket_actor.hpp"
#include "protocol/topic_pattern.hpp"

namespace chorus {

using namespace detail;
namespace events = protocol::events;

namespace {

const channel_def* route(const channel_config& cfg, std::string_view topic) {
  for (auto& def : cfg.channels)
    if (protocol::topic_matches(def.topic_pattern, topic)) return &def;
  return nullptr;
}

const event_handler* find_handler(const channel_def& def, std::string_view event) {
  const event_handler* fallback = nullptr;
  for (auto& h : def.handlers) {
    if (h.event == event) return &h;
    if (h.event == "*") fallback = &h;
  }
  return fallback;
}

} // namespace

void socket_actor_state::dispatch(protocol::message msg) {
  if (msg.topic == events::heartbeat_topic && msg.event == events::heartbeat) {  // row 1
    reply(msg.topic, nullptr, msg.ref, "ok", json::object());
    return;
  }
  auto it = channels.find(msg.topic);
  if (it != channels.end() && it->second.state != channel_entry::phase::joined) {
    it->second.held.push_back(std::move(msg));  // answered once the pending join is decided
    return;
  }
  if (auto err = protocol::validate_inbound(msg)) {
    reply_error(msg, msg.join_ref, err->detail, refusal::bad_payload);
    return;
  }
  if (msg.event == events::join) on_join(msg);         // rows 2, 3
  else if (msg.event == events::leave) on_leave(msg);  // rows 4, 5, 8
  else on_event(msg);                                  // rows 6, 7, 9
}

void socket_actor_state::on_join(protocol::message& msg) {
  const channel_def* def = route(*ctx->config, msg.topic);
  auto started = std::chrono::steady_clock::now();
  if (!def) {
    reply_error(msg, nullptr, "unmatched topic", refusal::unmatched_topic);
    join_done(join_outcome::unmatched_topic, started);
    return;
  }
  std::optional<json> replaced;
  if (auto it = channels.find(msg.topic); it != channels.end()) {
    replaced = it->second.join_ref;  // duplicate join: the old instance ends first
    end_channel(msg.topic);
  } else if (channels.size() >= ctx->config->max_channels_per_socket) {
    reply_error(msg, msg.join_ref, wire_reason(limit_error::too_many_channels), refusal::too_many_channels);
    join_done(join_outcome::too_many_channels, started);
    return;
  }
  // A V1 client may omit join_ref: the join's ref then identifies the channel.
  json join_ref = msg.join_ref.is_null() ? msg.ref : msg.join_ref;
  auto& entry = channels[msg.topic];
  entry.def = def;
  entry.join_ref = join_ref;
  entry.join_msg_ref = msg.ref;
  entry.replaced = std::move(replaced);
  entry.join_started = started;
  auto result = join_result::ok();
  bool crashed = false;
  if (def->join) {
    socket sock{ctx, msg.topic, join_ref, msg.ref};
    const json* body = std::get_if<json>(&msg.body);
    static const json empty = json::object();
    crashed = !run_channel_callback("join callback", sock, [&] { result = def->join(body ? *body : empty, sock); });
    if (crashed) result = join_result::error({{"reason", "join crashed"}});
  }
  apply_join_result(msg.topic, join_ref, result, crashed ? refusal::join_crashed : refusal::join_rejected);
}

void socket_actor_state::apply_join_result(const std::string& topic, const json& join_ref,
                                           const join_result& result, refusal if_error) {
  auto* entry = find_channel(topic, join_ref);
  if (!entry || entry->state != channel_entry::phase::deciding) return;  // stale resolution
  using outcome = join_result::outcome;
  if (result.status() == outcome::deferred) return;
  if (result.status() == outcome::ok) {
    entry->state = channel_entry::phase::subscribing;
    entry->sub_id = next_sub_id++;
    auto reply_frame = protocol::encode_reply(ctx->ser, join_ref, entry->join_msg_ref, topic, "ok", result.response());
    // The topic actor writes the reply itself, ahead of any broadcast it sends later.
    auto id = entry->sub_id;
    subscriber sub{caf::actor{self}, ctx->conn, ctx->ser, id, nullptr};
    if (!entry->def->intercept.empty())  // shares the config's lifetime: no copy per subscriber
      sub.intercepts = std::shared_ptr<const std::vector<std::string>>(ctx->config, &entry->def->intercept);
    self->request(ctx->registry, caf::infinite,
                  subscribe_request{topic, std::move(sub),
                                    reply_frame ? make_shared_frame(std::move(*reply_frame)) : nullptr})
      .then([this, topic, id](caf::actor& topic_actor) { on_subscribed(topic, id, std::move(topic_actor)); },
            [this, topic, id](caf::error& err) { on_subscribed(topic, id, std::move(err)); });
    for (auto& msg : entry->to_topic) caf::anon_send(caf::actor_cast<caf::actor>(ctx->registry), std::move(msg));
    entry->to_topic.clear();
    return;
  }
  ctx->stats->count(if_error);
  auto taken = std::move(channels.find(topic)->second);
  channels.erase(topic);
  join_done(if_error == refusal::join_crashed ? join_outcome::crashed : join_outcome::rejected, taken.join_started);
  ctx->stats->count(reply_status::error);
  write(protocol::encode_reply(ctx->ser, join_ref, taken.join_msg_ref, topic, "error", result.response()));
  if (taken.replaced) write(make_shared_frame(protocol::encode_close(ctx->ser, *taken.replaced, topic)));
  release_held(std::move(taken.held));
}

void socket_actor_state::on_subscribed(const std::string& topic, std::uint64_t id,
                                       caf::expected<caf::actor> topic_actor) {
  if (!open) return;  // closed meanwhile: the topic's monitor removes the membership
  auto it = channels.find(topic);
  if (it == channels.end() || it->second.sub_id != id || it->second.state != channel_entry::phase::subscribing) {
    // The channel ended while the subscribe travelled: take the membership back.
    if (topic_actor) self->send(*topic_actor, unsubscribe_request{topic, self->address(), id});
    return;
  }
  auto& entry = it->second;
  if (topic_actor) {
    join_done(join_outcome::ok, entry.join_started);
    ctx->stats->count(reply_status::ok);  // (the topic actor wrote it)
    entry.state = channel_entry::phase::joined;
    entry.topic_actor = std::move(*topic_actor);
    {
      std::lock_guard<std::mutex> lock{ctx->mutex};
      ctx->joined.insert(topic);
    }
    for (auto& frame : entry.outbox) write(std::move(frame));
    entry.outbox.clear();
    if (entry.replaced) write(make_shared_frame(protocol::encode_close(ctx->ser, *entry.replaced, topic)));
    entry.replaced.reset();
    release_held(std::move(entry.held));
    return;
  }
  limit_error why{};
  std::string reason = "join failed";
  if (is_limit_error(topic_actor.error(), &why)) {
    bool topics = why == limit_error::topic_limit_reached;
    ctx->stats->count(topics ? refusal::topic_limit : refusal::subscriber_limit);
    join_done(topics ? join_outcome::topic_limit : join_outcome::subscriber_limit, entry.join_started);
    reason = wire_reason(why);
  } else {
    join_done(join_outcome::failed, entry.join_started);
    log(log_level::warn, "subscribe to " + topic + " failed: " + self->system().render(topic_actor.error()));
  }
  auto taken = std::move(entry);
  channels.erase(it);
  ctx->stats->count(reply_status::error);
  write(protocol::encode_reply(ctx->ser, taken.join_ref, taken.join_msg_ref, topic, "error",
                               json{{"reason", reason}}));
  if (taken.replaced) write(make_shared_frame(protocol::encode_close(ctx->ser, *taken.replaced, topic)));
  if (taken.def->leave) {  // the app accepted this join, so it hears that it ended
    socket sock{ctx, topic, taken.join_ref, nullptr};
    run_channel_callback("leave callback", sock, [&] { taken.def->leave(sock); });
  }
  release_held(std::move(taken.held));
}

void socket_actor_state::on_leave(protocol::message& msg) {
  auto it = channels.find(msg.topic);
  if (it == channels.end()) {  // row 8: ok, and no phx_close
    reply(msg.topic, msg.join_ref, msg.ref, "ok", json::object());
    return;
  }
  json join_ref = it->second.join_ref;
  if (!msg.join_ref.is_null() && msg.join_ref != join_ref) return;  // row 5: raced a server close
  reply(msg.topic, join_ref, msg.ref, "ok", json::object());
  write(make_shared_frame(protocol::encode_close(ctx->ser, join_ref, msg.topic)));
  end_channel(msg.topic);
}

void socket_actor_state::on_event(protocol::message& msg) {
  auto it = channels.find(msg.topic);
  if (it == channels.end()) {  // row 9
    reply_error(msg, nullptr, "unmatched topic", refusal::unmatched_topic);
    return;
  }
  const json& current = it->second.join_ref;
  if (!msg.join_ref.is_null() && msg.join_ref != current) return;  // row 7: stale join_ref
  const event_handler* handler = find_handler(*it->second.def, msg.event);
  if (!handler || !handler->handler) {
    reply_error(msg, current, "unhandled event", refusal::unhandled_event);
    return;
  }
  json join_ref = current;  // (the handler may end the channel entry)
  socket sock{ctx, msg.topic, join_ref, std::move(msg.ref)};
  if (!run_channel_callback("event handler", sock, [&] { handler->handler(msg.body, sock); })) {
    ctx->stats->count(refusal::handler_crashed);
    if (find_channel(msg.topic, join_ref)) {
      write(make_shared_frame(protocol::encode_error(ctx->ser, join_ref, msg.topic)));
      end_channel(msg.topic);
    }
  }
}

void socket_actor_state::on_outgoing(const outgoing_broadcast& out) {
  const auto& msg = *out.msg;
  auto it = channels.find(msg.topic);
  if (it == channels.end() || it->second.state != channel_entry::phase::joined) return;  // left meanwhile
  json join_ref = it->second.join_ref;
  const channel_def* def = it->second.def;
  if (!def->handle_out) return push(msg.topic, join_ref, msg.event, msg.body);
  socket sock{ctx, msg.topic, join_ref, nullptr};
  if (!run_channel_callback("handle_out", sock, [&] { def->handle_out(msg.event, msg.body, sock); })) {
    ctx->stats->count(refusal::handler_crashed);
    if (find_channel(msg.topic, join_ref)) {
      write(make_shared_frame(protocol::encode_error(ctx->ser, join_ref, msg.topic)));
      end_channel(msg.topic);
    }
  }
}

void socket_actor_state::end_channel(const std::string& topic) {
  auto it = channels.find(topic);
  if (it == channels.end()) return;
  channel_entry entry = std::move(it->second);
  channels.erase(it);
  {
    std::lock_guard<std::mutex> lock{ctx->mutex};
    ctx->joined.erase(topic);
  }
  if (entry.state == channel_entry::phase::joined)
    self->send(entry.topic_actor, unsubscribe_request{topic, self->address(), entry.sub_id});
  // (a subscribe still travelling is taken back when its reply arrives: on_subscribed)
  if (entry.state != channel_entry::phase::deciding) ctx->stats->leaves.fetch_add(1, std::memory_order_relaxed);
  if (entry.state != channel_entry::phase::deciding && entry.def->leave) {
    socket sock{ctx, topic, entry.join_ref, nullptr};
    run_channel_callback("leave callback", sock, [&] { entry.def->leave(sock); });
  }
}

void socket_actor_state::join_done(join_outcome outcome, std::chrono::steady_clock::time_point started) {
  ctx->stats->count(outcome);
  ctx->stats->join_duration.observe(std::chrono::steady_clock::now() - started);
}

void socket_actor_state::release_held(std::vector<protocol::message> held) {
  // Each may start a new pending join on the topic, which then holds the rest again.
  for (auto& msg : held) {
    if (!open) break;
    dispatch(std::move(msg));
  }
}

} // namespace chorus
