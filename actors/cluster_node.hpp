#pragma once
// A clustered node over CAF's middleman (BASP over TCP): what chorus::server does for a
// node whose config has cluster.bind set; an app with its own actor system does the same.
#include <cstdint>

#include <caf/fwd.hpp>

#include "actors/cluster_config.hpp"

namespace chorus {

class runtime;

/// Before the actor system is built from `cfg`: loads the middleman, turns its
/// heartbeat on (CAF 0.17 has it off, so a frozen peer is never noticed), sets the
/// cluster name (a node of another cluster fails the handshake), keeps the middleman
/// from opening routes of its own, and registers chorus's types.
void enable_cluster(caf::actor_system_config& cfg, const cluster_config& cluster);

/// Publishes the runtime's cluster actor at cluster.bind and starts dialling the seeds
/// (without ever blocking an actor or this thread on a peer). Returns the bound port.
/// Throws std::runtime_error when the address cannot be bound or the system has no
/// middleman.
std::uint16_t start_cluster(caf::actor_system& system, runtime& rt);

} // namespace chorus
