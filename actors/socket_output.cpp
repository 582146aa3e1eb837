// Everything a socket actor writes: replies, pushes, broadcasts (handed to the topic).
#include "actors/log.hpp"
#include "actors/socket_actor.hpp"

namespace chorus {

using namespace detail;

channel_entry* socket_actor_state::find_channel(std::string_view topic, const json& join_ref) {
  auto it = channels.find(topic);
  return it != channels.end() && it->second.join_ref == join_ref ? &it->second : nullptr;
}

void socket_actor_state::write(shared_frame frame) {
  if (open && frame) ctx->conn->send(std::move(frame));
}

void socket_actor_state::write(protocol::result<protocol::encoded_frame> frame) {
  if (frame) write(make_shared_frame(std::move(*frame)));
  else log(log_level::warn, "frame not sent: " + frame.error().detail);
}

void socket_actor_state::push(const std::string& topic, const json& join_ref, std::string_view event,
                              const payload& body) {
  auto* entry = find_channel(topic, join_ref);
  if (!entry) return;  // that channel has ended: its join_ref would be stale anyway
  auto frame = protocol::encode_push(ctx->ser, join_ref, topic, event, body);
  if (!frame) {
    write(std::move(frame));  // logs why
    return;
  }
  if (entry->state == channel_entry::phase::joined) write(make_shared_frame(std::move(*frame)));
  else entry->outbox.push_back(make_shared_frame(std::move(*frame)));  // after the join reply
}

void socket_actor_state::reply(const std::string& topic, const json& join_ref, const json& ref,
                               std::string_view status, const payload& response) {
  ctx->stats->count(reply_status_of(status));
  auto frame = protocol::encode_reply(ctx->ser, join_ref, ref, topic, status, response);
  auto* entry = join_ref.is_null() ? nullptr : find_channel(topic, join_ref);
  if (frame && entry && entry->state != channel_entry::phase::joined)
    entry->outbox.push_back(make_shared_frame(std::move(*frame)));
  else
    write(std::move(frame));
}

void socket_actor_state::reply_error(const protocol::message& msg, const json& join_ref,
                                     std::string_view reason, refusal why) {
  ctx->stats->count(why);
  ctx->stats->count(reply_status::error);
  write(protocol::encode_reply(ctx->ser, join_ref, msg.ref, msg.topic, "error", json{{"reason", reason}}));
}

void socket_actor_state::broadcast(const std::string& topic, std::string_view event, const payload& body,
                                   bool skip_self) {
  broadcast_request req{topic, std::string{event}, body, skip_self ? self->address() : caf::actor_addr{}};
  auto it = channels.find(topic);
  // "disconnect" always goes through the registry: the one place that applies Phoenix's
  // socket-id rule, whoever broadcasts. (The registry forwards it to the topic after
  // this socket's earlier direct broadcasts, so their order holds.)
  bool direct = it != channels.end() && it->second.topic_actor && !is_socket_disconnect(req);
  if (direct) self->send(it->second.topic_actor, std::move(req));
  else self->send(ctx->registry, std::move(req));
}

} // namespace chorus

namespace chorus {

void socket_actor_state::send_to_topic(channel_entry& entry, const std::string&, caf::message msg) {
  switch (entry.state) {
    case channel_entry::phase::deciding: entry.to_topic.push_back(std::move(msg)); break;
    // Through the registry, which forwards it after the subscribe it already has.
    case channel_entry::phase::subscribing: caf::anon_send(caf::actor_cast<caf::actor>(ctx->registry), std::move(msg)); break;
    case channel_entry::phase::joined: caf::anon_send(entry.topic_actor, std::move(msg)); break;
  }
}

void socket_actor_state::presence(const std::string& topic, const json& join_ref, detail::presence_op op,
                                  const std::string& key, json meta) {
  auto* entry = find_channel(topic, join_ref);
  if (!entry) return;  // that channel has ended: its presences went with it
  send_to_topic(*entry, topic, caf::make_message(presence_request{topic, self->address(), op, key, std::move(meta)}));
}

void socket_actor_state::push_presence_state(const std::string& topic, const json& join_ref) {
  auto* entry = find_channel(topic, join_ref);
  if (!entry) return;
  send_to_topic(*entry, topic, caf::make_message(presence_state_request{topic, self->address(), join_ref}));
}

} // namespace chorus
