#pragma once
// The cluster actor's membership half (docs/cluster.md): who the peers are and how they
// come and go — dialling and re-dialling addresses, the hello exchange that makes a peer
// (or refuses it), a peer's departure, and the /stats copy of each peer. The forwarding
// half (batches, acks, interest, counts) lives in cluster_actor.cpp and uses these.
#include <cstdint>
#include <string>
#include <vector>

#include "actors/cluster_actor.hpp"
#include "actors/log.hpp"

namespace chorus::detail::cluster_membership {

using self_ptr = cluster_actor::stateful_pointer<cluster_state>;

/// A log line prefixed with this node's name.
void log(self_ptr self, log_level level, const std::string& text);
/// "name (address)" for log lines.
std::string where(const cluster_peer& p);
/// A peer at this address is up.
bool address_up(self_ptr self, const std::string& address);
/// Copies a peer's state to /stats (`up` false: it just went down).
void publish(self_ptr self, const cluster_peer& p, bool up = true);
/// This node's hello: name, incarnation, address, members, interest.
peer_hello make_hello(self_ptr self, bool reply);

/// Dials `address` unless a dial is running or a peer there is up.
void dial(self_ptr self, const std::string& address);
/// Dials `address` again after the next backoff step (with jitter).
void schedule_redial(self_ptr self, const std::string& address);
/// Adds `address` to the addresses this node keeps dialling (`seed`: from the config).
void want(self_ptr self, const std::string& address, bool seed);

/// A peer's hello: refuses a foreign cluster or a duplicate name, else makes or updates
/// the peer, answers, and sends it the presences it now needs.
void on_hello(self_ptr self, peer_hello& h);
/// Forgets a peer (interest, queue, presences) and re-dials its address.
void drop_peer(self_ptr self, const std::string& name, const std::string& why);
/// This node's presences on `topics` that live here too, to the peer `peer`.
void send_presence_snapshots(self_ptr self, const std::string& peer, std::uint64_t incarnation,
                             const std::vector<std::string>& topics);

} // namespace chorus::detail::cluster_membership
