#pragma once
// One actor per live topic (Phoenix PubSub's role): a bounded subscriber set; each
// broadcast is encoded and framed once per serializer in use and the same bytes go to
// every subscribing connection.
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/cluster_messages.hpp"
#include "actors/limit_error.hpp"
#include "actors/registry_messages.hpp"
#include "actors/topic_messages.hpp"
#include "actors/runtime_stats.hpp"

namespace chorus::detail {

/// The connection subscribers of one delivery group (io thread) and serializer: what a
/// broadcast hands over in one piece.
struct member_list {
  delivery_group* group = nullptr;
  protocol::serializer ser = protocol::serializer::v2;
  std::shared_ptr<std::vector<connection_ptr>> members;
};

struct topic_state {
  std::string topic;
  registry_actor registry;
  cluster_actor uplink;  // clustered: gets the broadcasts that reach this topic first
  std::size_t max_subscribers = 0;
  std::shared_ptr<runtime_stats> stats;  // shared: actors may outlive the runtime object
  std::vector<subscriber> subscribers;
  std::uint64_t subscribes_seen = 0;  // compared by the registry before it lets us retire
  std::vector<member_list> lists;     // rebuilt from `subscribers` after membership changes
  std::vector<subscriber> direct;     // the rest (app actors, ungrouped connections), rebuilt with them
  bool lists_stale = true;
  static inline const char* name = "chorus.topic";
};

caf::behavior topic_actor(caf::stateful_actor<topic_state>* self, std::string topic,
                          registry_actor registry, std::size_t max_subscribers, std::shared_ptr<runtime_stats> stats,
                          cluster_actor uplink);

} // namespace chorus::detail
