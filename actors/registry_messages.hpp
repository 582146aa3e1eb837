#pragma once
// What the registry (one per node) is told besides what it forwards to topics
// (topic_messages.hpp: subscribe, unsubscribe, broadcast, counts).
#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/cluster_count.hpp"
#include "actors/topic_messages.hpp"

namespace chorus::detail {

/// topic → registry: I am empty and have seen `seen` subscribes; may I stop? The
/// registry agrees only if it forwarded no more than that (else one is on its way).
struct retire_request {
  std::string topic;
  std::uint64_t seen = 0;
};

/// How many topics live on this node (answered with a std::size_t).
struct topic_count_request {};

/// The registry's interface: subscribes are answered with the topic actor (or a
/// limit_error), counts with a number; the rest is one-way.
using registry_actor = caf::typed_actor<caf::replies_to<subscribe_request>::with<caf::actor>,
                                        caf::reacts_to<unsubscribe_request>, caf::reacts_to<unsubscribe_all>,
                                        caf::reacts_to<broadcast_request>, caf::reacts_to<retire_request>,
                                        caf::replies_to<subscriber_count_request>::with<std::size_t>,
                                        caf::replies_to<topic_count_request>::with<std::size_t>,
                                        caf::replies_to<cluster_count_request>::with<cluster_count>,
                                        caf::reacts_to<presence_request>, caf::reacts_to<presence_state_request>,
                                        caf::replies_to<presence_list_request>::with<std::string>>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, retire_request& x) {
  return f(caf::meta::type_name("chorus.retire_request"), x.topic, x.seen);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_count_request&) {
  return f(caf::meta::type_name("chorus.topic_count_request"));
}

} // namespace chorus::detail
