#pragma once
// One actor per live topic (Phoenix PubSub's role): a bounded subscriber set; each
// broadcast is encoded and framed once per serializer in use and the same bytes go to
// every subscribing connection.
#include <chrono>
#include <map>
#include <unordered_map>
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

/// What bounds one topic (from channel_config).
struct topic_limits {
  std::size_t max_subscribers = 256;
  /// Presence diffs are gathered this long, then sent as one presence_diff.
  std::chrono::milliseconds presence_window{50};
  /// Keys one subscriber may track on one topic.
  std::size_t max_presences_per_subscriber = 16;
};

/// One tracked presence: `meta` already carries its phx_ref (and phx_ref_prev after an
/// update).
struct presence_entry {
  std::string key;
  caf::actor_addr owner;
  protocol::json meta;
  std::string text;  // meta as JSON text, rendered once
};

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
  topic_limits limits;
  std::shared_ptr<runtime_stats> stats;  // shared: actors may outlive the runtime object
  std::vector<subscriber> subscribers;
  std::uint64_t subscribes_seen = 0;  // compared by the registry before it lets us retire
  std::vector<member_list> lists;     // rebuilt from `subscribers` after membership changes
  std::vector<subscriber> direct;     // the rest (app actors, ungrouped connections), rebuilt with them
  bool lists_stale = true;
  std::vector<std::string> intercepted;  // events some subscriber's channel intercepts (with `lists`)
  std::vector<presence_entry> presences;  // this node's, in tracking order
  std::map<std::string, std::vector<presence_entry>> remote;  // other nodes' (clustered), by node
  peer_presence uplink_delta;  // this node's changes not yet told to the cluster actor
  // The presence list rendered as JSON text, kept while only new keys arrive (a join
  // burst): every joiner gets the whole list, so rendering it must cost a copy, not a DOM.
  std::string list_text;
  bool list_valid = false;
  std::unordered_map<std::string, std::size_t> metas_per_key;  // local and remote
  protocol::json pending_joins;   // the next presence_diff: {key: {metas: [...]}}
  protocol::json pending_leaves;
  bool diff_scheduled = false;
  static inline const char* name = "chorus.topic";

  topic_state() = default;
  topic_state(const topic_state&) = delete;
  topic_state& operator=(const topic_state&) = delete;
  ~topic_state() {  // the subscriber gauge forgets whoever is still here at the end
    if (stats) stats->subscribers.fetch_sub(subscribers.size(), std::memory_order_relaxed);
  }
};

caf::behavior topic_actor(caf::stateful_actor<topic_state>* self, std::string topic,
                          registry_actor registry, topic_limits limits, std::shared_ptr<runtime_stats> stats,
                          cluster_actor uplink);

} // namespace chorus::detail
