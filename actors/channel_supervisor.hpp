#pragma once
// The channel supervisor: knows every socket actor of the node, monitors them, owns
// idle expiry (one sweep for all sockets, not a timer per socket) and shutdown. It is
// not on any per-message path: socket actors report activity at most about twice per
// heartbeat window.
#include <chrono>
#include <unordered_map>

#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"

namespace chorus::detail {

struct supervisor_state {
  using time_point = caf::actor_clock::time_point;
  struct entry {
    caf::actor socket;
    time_point last_report;
    std::string id;  // socket id ("" = none)
  };
  std::unordered_map<caf::actor_addr, entry> sockets;
  /// Socket id → its connections. Ids are their own index: not topics, no caps.
  std::unordered_map<std::string, std::vector<caf::actor>> ids;
  std::chrono::seconds timeout{60};
  bool sweeping = false;
  static inline const char* name = "chorus.supervisor";
};

caf::behavior channel_supervisor(caf::stateful_actor<supervisor_state>* self,
                                 std::chrono::seconds heartbeat_timeout);

/// Sweep period: a silent socket is closed between `timeout` and `timeout + period`.
std::chrono::milliseconds sweep_period(std::chrono::seconds timeout);

} // namespace chorus::detail
