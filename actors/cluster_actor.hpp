#pragma once
// One per clustered node (docs/cluster.md): the node's only voice to its peers. It
// forwards local broadcasts to the peers with subscribers for their topic, in batches
// under a byte cap per peer, hands what peers send to the local topic actors, keeps the
// interest tables, dials and re-dials members, and answers cluster-wide counts. The
// registry stays local; no topic or socket actor ever talks to a peer.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/cluster_config.hpp"
#include "actors/cluster_messages.hpp"
#include "actors/runtime_stats.hpp"
#include "actors/supervisor_messages.hpp"

namespace chorus::detail {

/// A peer that is up: it said hello (or welcome) and is monitored.
struct cluster_peer {
  std::string name;
  std::uint64_t incarnation = 0;
  std::string address;
  cluster_actor handle;  // its cluster actor (a middleman proxy, or a test's link)
  std::set<std::string, std::less<>> interest;  // topics with subscribers there
  std::vector<peer_item> pending;  // not yet sent (the next batch)
  std::size_t pending_bytes = 0;
  std::uint64_t next_seq = 1;      // of the next batch we send
  std::uint64_t expected_seq = 1;  // of the next batch we receive
  std::deque<std::pair<std::uint64_t, std::size_t>> in_flight;  // (seq, bytes) sent, not acked
  std::size_t in_flight_bytes = 0;
  bool overflowing = false;  // in a drop episode (logged once per episode)
  peer_counters counters;
};

/// An address we want a link to (a seed, or a member a peer told us about).
struct dial_target {
  bool seed = false;
  bool dialing = false;
  std::uint64_t attempt = 0;
  std::chrono::milliseconds backoff{0};
  std::uint64_t failures = 0;  // in a row
  std::string last_error;
};

struct pending_count {
  caf::typed_response_promise<cluster_count> promise;
  cluster_count result;
  std::uint32_t expected = 0;
};

struct cluster_state {
  cluster_config config;
  std::string node_name;
  std::uint64_t incarnation = 0;
  std::string address;  // where peers dial us ("" until cluster_start)
  std::size_t max_json_depth = 0;
  supervisor_actor supervisor;
  std::shared_ptr<runtime_stats> stats;
  caf::actor dialer;  // null: peers arrive as peer_connect only (tests)
  std::map<std::string, caf::actor, std::less<>> topics;  // local topic actors
  std::map<std::string, cluster_peer, std::less<>> peers;  // up peers by name
  std::map<std::string, dial_target, std::less<>> dials;   // by address
  std::map<std::uint64_t, pending_count> counts;
  std::uint64_t next_count_id = 1;
  bool flush_scheduled = false;
  std::minstd_rand jitter;
  static inline const char* name = "chorus.cluster";
};

/// Node identity: `name` (unique in the cluster) and `incarnation` (random per start).
cluster_actor::behavior_type cluster(cluster_actor::stateful_pointer<cluster_state> self, cluster_config config,
                                     std::string name, std::uint64_t incarnation, std::size_t max_json_depth,
                                     supervisor_actor supervisor, std::shared_ptr<runtime_stats> stats);

} // namespace chorus::detail
