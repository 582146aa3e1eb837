#pragma once
// How a node joins a cluster of chorus nodes (docs/cluster.md). Empty bind = one node:
// no middleman, no cluster actor, nothing of this costs anything.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chorus {

struct cluster_config {
  /// This node's name, unique in the cluster (default: the bind address).
  std::string node_name;
  /// Nodes of another cluster are refused at the handshake (CAF's app-identifiers).
  /// A name, not a secret: bind the cluster port to a private interface.
  std::string cluster_name = "chorus";
  /// Where this node's cluster actor listens, "host:port" (empty = not clustered).
  std::string bind;
  /// Seeds, "host:port" each; a full mesh forms from any one of them.
  std::vector<std::string> peers;
  /// CAF's BASP heartbeat and the silence after which a peer counts as dead. The
  /// timeout must be the same on every node and well above the heartbeat (a node that
  /// stalls longer than this, e.g. swapping, is taken for dead).
  std::chrono::milliseconds heartbeat{1000};
  std::chrono::milliseconds timeout{5000};
  /// What a peer may pin here: bytes queued for it plus bytes it has not yet
  /// acknowledged. Beyond that, `on_overflow` applies.
  std::size_t max_queued_bytes = 8u << 20;
  /// drop: the broadcast is not sent to that peer (counted, logged once per episode);
  /// cut: the peer is dropped (its interest forgotten) and dialled again later.
  enum class overflow_policy { drop, cut };
  overflow_policy on_overflow = overflow_policy::drop;
  /// A batch to a peer holds at most this many broadcasts / bytes.
  std::size_t max_batch_items = 256;
  std::size_t max_batch_bytes = 64u << 10;
  /// Redial backoff after a failed dial or a lost peer: doubles from min to max.
  std::chrono::milliseconds redial_min{100};
  std::chrono::milliseconds redial_max{5000};

  bool enabled() const noexcept { return !bind.empty() || !node_name.empty(); }
};

} // namespace chorus
