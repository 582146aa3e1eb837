#pragma once
// What the registry (one per node) is told besides what it forwards to topics
// (topic_messages.hpp: subscribe, unsubscribe, broadcast, counts).
#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace chorus::detail {

/// topic → registry: I am empty and have seen `seen` subscribes; may I stop? The
/// registry agrees only if it forwarded no more than that (else one is on its way).
struct retire_request {
  std::string topic;
  std::uint64_t seen = 0;
};

/// How many topics live on this node (answered with a std::size_t).
struct topic_count_request {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, retire_request& x) {
  return f(caf::meta::type_name("chorus.retire_request"), x.topic, x.seen);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_count_request&) {
  return f(caf::meta::type_name("chorus.topic_count_request"));
}

} // namespace chorus::detail
