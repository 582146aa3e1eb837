#pragma once
// What a topic actor (one per live topic) is told; the registry forwards most of these.
// A subscription carries the subscriber's connection and its join reply (shared, local
// handles): local-only. Unsubscribes, broadcasts and counts are serializable.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/cluster_wire.hpp"
#include "actors/connection.hpp"
#include "actors/pubsub_message.hpp"
#include "protocol/message.hpp"

namespace chorus::detail {

/// A member of a topic: a connection (frames) or an app actor (pubsub_message).
struct subscriber {
  caf::actor owner;        // socket actor or app actor; monitored by the topic
  connection_ptr conn;     // null for app actors
  protocol::serializer ser = protocol::serializer::v2;
  std::uint64_t id = 0;    // which subscription of this owner (see unsubscribe_request)
  /// The events its channel intercepts (channel_def::intercept; shares the config's
  /// lifetime, no copy); null for none.
  std::shared_ptr<const std::vector<std::string>> intercepts;
};

/// An intercepted broadcast, from a topic to each subscribed socket actor of this node
/// (handle_out): one shared copy for all of them. Local only (never crosses nodes).
struct outgoing_broadcast {
  struct data {
    std::string topic;
    std::string event;
    protocol::payload body;
  };
  std::shared_ptr<const data> msg;
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

/// Removes every subscription of `owner` (pubsub::unsubscribe_all).
struct unsubscribe_all {
  caf::actor_addr owner;
};

struct broadcast_request {
  std::string topic;
  std::string event;
  protocol::payload body;
  caf::actor_addr except;  // broadcast_from: this owner is skipped
  /// Already handed to the cluster (or received from a peer): fan out here only. The
  /// first chorus actor a broadcast reaches forwards it to the node's peers — the topic
  /// actor for a socket's broadcast, the registry for the rest — so each publisher's
  /// broadcasts reach the cluster actor in the order they were made.
  bool local_only = false;
};

/// Phoenix: a "disconnect" broadcast to a socket id closes the connections with that id.
/// The registry applies it; every broadcast path sends such broadcasts there.
inline bool is_socket_disconnect(const broadcast_request& msg) noexcept { return msg.event == "disconnect"; }

/// How many subscribers a topic has on this node (answered with a std::size_t; the
/// registry answers 0 for a topic that does not exist).
struct subscriber_count_request {
  std::string topic;
};

/// A topic's subscribers on every node of the cluster (answered with a cluster_count;
/// peers that do not answer within `wait_ms` are left out and said to be).
struct cluster_count_request {
  std::string topic;
  std::uint32_t wait_ms = 1000;
};

/// Presence (docs/presence.md): a subscriber tracks, updates or untracks itself under
/// `key` on a topic. Sent by the socket actor (or pubsub) through the registry until the
/// sender knows the topic actor, so it always follows the subscribe.
enum class presence_op : std::uint8_t { track, update, untrack };
struct presence_request {
  std::string topic;
  caf::actor_addr owner;
  presence_op op = presence_op::track;
  std::string key;
  protocol::json meta;  // an object (track, update)
};

/// Push presence_state (the topic's whole presence list) to subscriber `owner` on its
/// channel `join_ref` — Phoenix's `push(socket, "presence_state", Presence.list(socket))`.
struct presence_state_request {
  std::string topic;
  caf::actor_addr owner;
  protocol::json join_ref;
};

/// A topic's presence list as Phoenix shapes it ({key: {metas: [...]}}), answered as
/// JSON text ("{}" for a topic that does not exist here).
struct presence_list_request {
  std::string topic;
};

/// cluster → topic: what node `node` has (snapshot) or changed on this topic.
struct remote_presence {
  std::string node;
  detail::peer_presence presence;
};
/// cluster → topic: this node's own presences on the topic (answered with a snapshot
/// peer_presence), for a peer whose interest in the topic just appeared.
struct presence_snapshot_request {
  std::string topic;
};

/// topic → itself: the presence diff window is over.
struct presence_flush {};

/// registry → topic: the go-ahead to stop (see retire_request).
struct retire_topic {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, unsubscribe_request& x) {
  return f(caf::meta::type_name("chorus.unsubscribe_request"), x.topic, x.owner, x.id);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, unsubscribe_all& x) {
  return f(caf::meta::type_name("chorus.unsubscribe_all"), x.owner);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, broadcast_request& x) {
  return inspect_with_payload(f, "chorus.broadcast_request", x.body, x.topic, x.event, x.except, x.local_only);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_count_request& x) {
  return f(caf::meta::type_name("chorus.cluster_count_request"), x.topic, x.wait_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, subscriber_count_request& x) {
  return f(caf::meta::type_name("chorus.subscriber_count_request"), x.topic);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, presence_list_request& x) {
  return f(caf::meta::type_name("chorus.presence_list_request"), x.topic);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remote_presence& x) {
  return f(caf::meta::type_name("chorus.remote_presence"), x.node, x.presence);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, presence_snapshot_request& x) {
  return f(caf::meta::type_name("chorus.presence_snapshot_request"), x.topic);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, presence_flush&) {
  return f(caf::meta::type_name("chorus.presence_flush"));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, retire_topic&) {
  return f(caf::meta::type_name("chorus.retire_topic"));
}

} // namespace chorus::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::outgoing_broadcast)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::subscribe_request)
// Local only (a socket and its topic are on one node); presence crosses nodes with wire
// types of its own.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::presence_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::presence_state_request)
