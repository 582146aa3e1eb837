#pragma once
// The node's topic registry: topic name → topic actor, capped at max_topics. It spawns
// a topic on its first subscribe and stops it when empty. Joins pass through it (to
// find or create the topic); broadcasts from sockets go straight to the topic actor.
// Clustered, it tells the cluster actor which topics live here and forwards to it the
// broadcasts that reach it first (app broadcasts, "disconnect").
#include <memory>
#include <string>
#include <unordered_map>

#include <caf/actor_clock.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/cluster_messages.hpp"
#include "actors/registry_messages.hpp"
#include "actors/supervisor_messages.hpp"
#include "actors/topic_messages.hpp"
#include "actors/runtime_stats.hpp"
#include "actors/topic_actor.hpp"

namespace chorus::detail {

struct registry_state {
  struct slot {
    caf::actor actor;
    std::uint64_t forwarded = 0;  // subscribes sent to it; retire only when it saw them all
  };
  std::unordered_map<std::string, slot> topics;
  std::size_t max_topics = 0;
  topic_limits limits;
  std::shared_ptr<runtime_stats> stats;  // shared: actors may outlive the runtime object
  supervisor_actor supervisor;  // owns the socket-id index ("disconnect" broadcasts)
  cluster_actor cluster;        // null on a node alone
  static inline const char* name = "chorus.registry";
};

registry_actor::behavior_type registry(registry_actor::stateful_pointer<registry_state> self, std::size_t max_topics,
                                       topic_limits limits, std::shared_ptr<runtime_stats> stats,
                                       supervisor_actor supervisor, cluster_actor cluster);

} // namespace chorus::detail
