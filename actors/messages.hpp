#pragma once
// Every message the chorus actors exchange, in one place. Most carry handles and shared
// buffers that only make sense inside one process, so they are allowed as "unsafe"
// (local-only) CAF message types; pubsub_message (public, pubsub_message.hpp) has a real
// inspect overload, as will what crosses to other nodes.
#include <cstdint>
#include <functional>
#include <string>

#include <caf/all.hpp>

#include "actors/connection.hpp"
#include "actors/connect.hpp"
#include "actors/join_result.hpp"
#include "actors/limit_error.hpp"
#include "actors/pubsub_message.hpp"
#include "protocol/message.hpp"

namespace chorus {

struct socket_actor_state;

namespace detail {

using activity_atom = caf::atom_constant<caf::atom("activity")>;
using idle_check_atom = caf::atom_constant<caf::atom("idlecheck")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
using closed_atom = caf::atom_constant<caf::atom("closed")>;
using retire_atom = caf::atom_constant<caf::atom("retire")>;
using count_atom = caf::atom_constant<caf::atom("subcount")>;
using topics_atom = caf::atom_constant<caf::atom("topics")>;
using unsub_atom = caf::atom_constant<caf::atom("unsub")>;
using unsub_all_atom = caf::atom_constant<caf::atom("unsuball")>;
using register_atom = caf::atom_constant<caf::atom("register")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
using drain_next_atom = caf::atom_constant<caf::atom("drainnext")>;
using disconnect_atom = caf::atom_constant<caf::atom("disconnect")>;

/// net → socket actor: one complete WebSocket message.
struct inbound_frame {
  std::string data;
  bool binary = false;
};

/// A member of a topic: a connection (frames) or an app actor (pubsub_message).
struct subscriber {
  caf::actor owner;        // socket actor or app actor; monitored by the topic
  connection_ptr conn;     // null for app actors
  protocol::serializer ser = protocol::serializer::v2;
  std::uint64_t id = 0;    // which subscription of this owner (see unsubscribe)
};

/// socket actor / pubsub → registry → topic actor. The registry delegates it, so a
/// retiring topic never loses a subscribe that was already on its way. As a request it
/// is answered with the topic actor, or a limit_error (topic_limit_reached from the
/// registry, subscriber_limit_reached from the topic); sent one-way, refusals are logged.
struct subscribe_request {
  std::string topic;
  subscriber sub;
  shared_frame first_frame;  // the join reply: the new member's first frame of this topic
};

/// Removes the owner's subscription `id` (0 = whichever it has). Ids make a late
/// unsubscribe harmless when the owner has already subscribed again.
struct unsubscribe_request {
  std::string topic;
  caf::actor_addr owner;
  std::uint64_t id = 0;
};

struct broadcast_request {
  std::string topic;
  std::string event;
  protocol::payload body;
  caf::actor_addr except;  // broadcast_from: this owner is skipped
};

/// Phoenix: a "disconnect" broadcast to a socket id closes the connections with that id.
/// The registry applies it; every broadcast path sends such broadcasts there.
inline bool is_socket_disconnect(const broadcast_request& msg) noexcept { return msg.event == "disconnect"; }

/// Runs a socket operation inside the socket actor (socket handles used from other
/// actors or threads send this instead of touching actor state).
struct socket_call {
  std::function<void(socket_actor_state&)> fn;
};

struct connect_resolution {
  connect_result result;
};

} // namespace detail
} // namespace chorus

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::inbound_frame)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::subscribe_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::unsubscribe_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::broadcast_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::socket_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::connect_resolution)
