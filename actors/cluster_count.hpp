#pragma once
// A topic's subscribers summed over the cluster (pubsub::cluster_subscriber_count).
#include <cstdint>

#include <caf/meta/type_name.hpp>

namespace chorus {

/// A near-simultaneous snapshot, not an atomic one: each node counted when the
/// question reached it. `nodes_answered` < `nodes_up` means some peers did not answer
/// in time and their subscribers are missing from `total`. One node alone: 1 of 1.
struct cluster_count {
  std::uint64_t total = 0;
  std::uint32_t nodes_answered = 0;
  std::uint32_t nodes_up = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_count& x) {
  return f(caf::meta::type_name("chorus.cluster_count"), x.total, x.nodes_answered, x.nodes_up);
}

} // namespace chorus
