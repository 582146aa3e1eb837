#pragma once
// What one node's cluster actor says to another's (over CAF's middleman, or any link
// that serializes messages). No actor handles cross: a peer is known by its name and
// incarnation, and replies go to the sender of what was received. JSON crosses as its
// text and is parsed once by the receiving node, with the wire's depth limit.
#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace chorus::detail {

/// Bumped when these types change incompatibly; a peer of another version is refused.
inline constexpr std::uint32_t cluster_wire_version = 1;

/// The first word on a link, both ways (`reply` false from the dialler, true back). It
/// carries the sender's full interest (topics with subscribers there) and the members it
/// knows, so a mesh forms from any seed.
struct peer_hello {
  std::uint32_t version = cluster_wire_version;
  std::string cluster;
  std::string name;
  std::uint64_t incarnation = 0;  // random per start: a restarted node is a new one
  std::string address;            // where it can be dialled ("host:port", may be empty)
  std::vector<std::string> members;  // addresses of the peers it has up
  std::vector<std::string> topics;
  bool reply = false;
};

/// Topics that appeared on / retired from the sender since its last word.
struct peer_interest {
  std::vector<std::string> added;
  std::vector<std::string> removed;
};

/// One broadcast: its payload as JSON text, or bytes when `binary`.
struct peer_item {
  std::string topic;
  std::string event;
  bool binary = false;
  std::string data;
  std::string user_event;  // bytes only: a realtime-js user broadcast (protocol::binary)
};

/// Broadcasts in publish order; `seq` counts batches per link from 1 (a gap means a
/// lost or reordered batch: counted and logged).
struct peer_batch {
  std::uint64_t seq = 0;
  std::vector<peer_item> items;
};

/// The receiver has handled every batch up to `seq` (what bounds the sender's queue).
struct peer_ack {
  std::uint64_t seq = 0;
};

/// How many subscribers `topic` has on the receiving node (cluster-wide counts).
struct peer_count_request {
  std::uint64_t id = 0;
  std::string topic;
};
struct peer_count_reply {
  std::uint64_t id = 0;
  std::uint64_t count = 0;
};

/// One of the sender's own presences: its key and meta (JSON text, with its phx_ref).
struct peer_presence_meta {
  std::string key;
  std::string meta;
};

/// The sender's own presences on `topic` (never those it learned from others): all of
/// them when `snapshot` (they replace what the receiver had from the sender), else what
/// changed. Sent to the peers with subscribers for the topic; a snapshot when a peer's
/// interest in the topic appears.
struct peer_presence {
  std::string topic;
  bool snapshot = false;
  std::vector<peer_presence_meta> joins;
  std::vector<peer_presence_meta> leaves;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_presence_meta& x) {
  return f(caf::meta::type_name("chorus.peer_presence_meta"), x.key, x.meta);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_presence& x) {
  return f(caf::meta::type_name("chorus.peer_presence"), x.topic, x.snapshot, x.joins, x.leaves);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_hello& x) {
  return f(caf::meta::type_name("chorus.peer_hello"), x.version, x.cluster, x.name, x.incarnation, x.address,
           x.members, x.topics, x.reply);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_interest& x) {
  return f(caf::meta::type_name("chorus.peer_interest"), x.added, x.removed);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_item& x) {
  return f(caf::meta::type_name("chorus.peer_item"), x.topic, x.event, x.binary, x.data, x.user_event);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_batch& x) {
  return f(caf::meta::type_name("chorus.peer_batch"), x.seq, x.items);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_ack& x) {
  return f(caf::meta::type_name("chorus.peer_ack"), x.seq);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_count_request& x) {
  return f(caf::meta::type_name("chorus.peer_count_request"), x.id, x.topic);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_count_reply& x) {
  return f(caf::meta::type_name("chorus.peer_count_reply"), x.id, x.count);
}

} // namespace chorus::detail
