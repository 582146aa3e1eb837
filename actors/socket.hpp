#pragma once
// The socket handle app callbacks receive (seed: socket.push / reply / broadcast / ...).
// It is a cheap copyable value: an app actor may keep one and reply or push later from
// any thread. The handle a callback receives records its pushes, replies and broadcasts,
// and the socket actor carries them out, in order, right after the callback returns; a
// copy (kept, or sent to another actor) sends each call to the socket actor as a message,
// which keeps each channel's frames in order.
// A handle does not keep its connection alive: once the connection is gone, sends are
// dropped and getters return empty values (so app state may hold handles freely).
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include "actors/join_result.hpp"
#include "protocol/message.hpp"

namespace chorus {

namespace detail {
struct socket_context;
struct socket_outbox;
}
struct socket_actor_state;
class pubsub;
class presence;

using protocol::json;
using protocol::payload;

class socket {
public:
  socket(std::shared_ptr<detail::socket_context> ctx, std::string topic, json join_ref, json ref);

  /// Sends [join_ref, null, topic, event, payload] to this connection (dropped if the
  /// channel has ended since). Inside a join callback it is held until the join reply.
  void push(std::string_view event, payload body) const;
  /// Replies to the message being handled: {"response": response, "status": status}.
  void reply(std::string_view status, payload response = json::object()) const;
  /// Sends to every subscriber of this topic, this connection included.
  void broadcast(std::string_view event, payload body) const;
  /// Sends to every subscriber of this topic except this connection.
  void broadcast_from(std::string_view event, payload body) const;
  /// Pushes on another connection's channel (seed: pushTo) — `target` is its handle.
  void push_to(const socket& target, std::string_view event, payload body) const;
  /// Completes a join whose callback returned join_result::deferred().
  void resolve_join(join_result result) const;

  /// Route parameter of the mount path (":tenant" → param("tenant")); "" if absent.
  std::string param(std::string_view name) const;
  /// The connect params (query string), e.g. query()["token"].
  json query() const;
  /// The auth token from Sec-WebSocket-Protocol, "" if none was sent.
  std::string auth_token() const;
  /// A copy of assign `key` (null if unset); assigns are per connection.
  json get_assign(std::string_view key) const;
  void assign(std::string key, json value) const;
  /// Whether this connection has currently joined `topic`.
  bool is_joined(std::string_view topic) const;

  const std::string& topic() const noexcept { return topic_; }
  const json& join_ref() const noexcept { return join_ref_; }
  const json& ref() const noexcept { return ref_; }
  /// The socket actor (for monitoring, or app protocols of your own).
  caf::actor actor() const;
  /// The node's pubsub (e.g. bus().broadcast("users_socket:42", "disconnect", {})).
  pubsub bus() const;

private:
  friend struct socket_actor_state;  // hands the callback's handle its outbox
  friend class presence;             // tracks through the socket actor, like push
  template <class F>
  void run(F&& fn) const;
  void call(std::function<void(socket_actor_state&)> fn) const;

  /// The callback's outbox: set only on the handle a channel callback received, while it
  /// runs. Copies and moves of a handle never carry it, so they act through messages.
  struct outbox_ref {
    detail::socket_outbox* box = nullptr;
    outbox_ref() = default;
    outbox_ref(const outbox_ref&) noexcept {}
    outbox_ref& operator=(const outbox_ref&) noexcept {
      box = nullptr;
      return *this;
    }
  };

  std::weak_ptr<detail::socket_context> ctx_;
  outbox_ref outbox_;
  std::string topic_;
  json join_ref_;
  json ref_;
};

} // namespace chorus

// A socket handle may be sent to an app's own actors (to reply or push later). It refers
// to a connection of this process, so it is a local-only message type: CAF must not try
// to serialize it (a remote node could do nothing with it).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::socket)
