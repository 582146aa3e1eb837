#pragma once
// What a node's cluster actor is told locally (by the registry, topic actors, the
// dialler, itself), its typed interface, and the peer words it takes (cluster_wire.hpp).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/cluster_count.hpp"
#include "actors/cluster_wire.hpp"
#include "actors/topic_messages.hpp"

namespace chorus::detail {

/// registry → cluster: `topic` now has a topic actor here (sent before the subscribe
/// that made it is forwarded, so this node's interest leaves before anything that
/// follows the join can).
struct topic_up {
  std::string topic;
  caf::actor actor;
};
/// registry → cluster: the topic actor of `topic` retired.
struct topic_down {
  std::string topic;
};

/// A peer's cluster actor was reached (by the dialler, or a test's link): say hello.
/// `address` is what was dialled ("" when not dialled).
struct peer_connect {
  caf::actor peer;
  std::string address;
};

/// server → cluster, once the node listens: dial the seeds with this dialler.
struct cluster_start {
  caf::actor dialer;  // answers dial_request with the peer's cluster actor
  std::string address;  // where this node's cluster actor is published
};

/// cluster → dialler: reach the cluster actor published at `address` ("host:port").
struct dial_request {
  std::string address;
};

/// cluster → itself.
struct flush_peers {};
struct redial {
  std::string address;
  std::uint64_t attempt = 0;  // stale when the address's attempt moved on
};
struct hello_timeout {
  std::string address;
  std::uint64_t attempt = 0;
};
struct count_timeout {
  std::uint64_t id = 0;
};

/// The names of the peers that are up (for tests and operators).
struct peers_request {};

using cluster_actor = caf::typed_actor<
  caf::reacts_to<topic_up>, caf::reacts_to<topic_down>, caf::reacts_to<broadcast_request>,
  caf::reacts_to<peer_connect>, caf::reacts_to<cluster_start>, caf::reacts_to<peer_hello>,
  caf::reacts_to<peer_interest>, caf::reacts_to<peer_batch>, caf::reacts_to<peer_ack>,
  caf::reacts_to<peer_count_request>, caf::reacts_to<peer_count_reply>, caf::reacts_to<flush_peers>,
  caf::reacts_to<peer_presence>,
  caf::reacts_to<redial>, caf::reacts_to<hello_timeout>, caf::reacts_to<count_timeout>,
  caf::replies_to<cluster_count_request>::with<cluster_count>,
  caf::replies_to<peers_request>::with<std::vector<std::string>>>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_up& x) {
  return f(caf::meta::type_name("chorus.topic_up"), x.topic, x.actor);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_down& x) {
  return f(caf::meta::type_name("chorus.topic_down"), x.topic);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_connect& x) {
  return f(caf::meta::type_name("chorus.peer_connect"), x.peer, x.address);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_start& x) {
  return f(caf::meta::type_name("chorus.cluster_start"), x.dialer, x.address);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dial_request& x) {
  return f(caf::meta::type_name("chorus.dial_request"), x.address);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, flush_peers&) {
  return f(caf::meta::type_name("chorus.flush_peers"));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, redial& x) {
  return f(caf::meta::type_name("chorus.redial"), x.address, x.attempt);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hello_timeout& x) {
  return f(caf::meta::type_name("chorus.hello_timeout"), x.address, x.attempt);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, count_timeout& x) {
  return f(caf::meta::type_name("chorus.count_timeout"), x.id);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peers_request&) {
  return f(caf::meta::type_name("chorus.peers_request"));
}

} // namespace chorus::detail
