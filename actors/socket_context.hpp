#pragma once
// What a connection's socket handles share: immutable connect data, the connection,
// and the few mutable fields (assigns, joined topics) that handles may read from other
// threads, under a mutex. Everything else lives in the socket actor's state.
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>

#include "actors/channel_config.hpp"
#include "actors/connection.hpp"
#include "actors/connect.hpp"
#include "actors/registry_messages.hpp"
#include "actors/runtime_stats.hpp"

namespace chorus::detail {

struct socket_context {
  caf::actor_addr self;  // weak: handles must not keep a finished socket actor alive
  connection_ptr conn;
  protocol::serializer ser = protocol::serializer::v2;
  connect_info info;
  std::shared_ptr<const channel_config> config;
  detail::registry_actor registry;
  std::shared_ptr<runtime_stats> stats;  // shared: actors may outlive the runtime object

  /// info.params once the connect callback has seen them, as compact JSON text: a kept
  /// JSON object costs a tree node per member (~200 bytes for "vsn" and a token), and
  /// only socket::query() reads them again.
  std::string params_text;

  mutable std::mutex mutex;
  json assigns;  // null until the first assign: an empty object is an allocation too
  std::set<std::string, std::less<>> joined;
};

} // namespace chorus::detail
