#pragma once
// The channel supervisor: knows every socket actor of the node, monitors them, owns
// idle expiry (one sweep for all sockets, not a timer per socket) and shutdown. It is
// not on any per-message path: socket actors report activity at most about twice per
// heartbeat window.
#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/socket_messages.hpp"
#include "actors/supervisor_messages.hpp"

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
  /// A shutdown in progress: who is still to be told, in batches.
  struct drain {
    std::uint16_t code = 1001;
    std::string reason;
    std::vector<caf::actor> pending;
    std::size_t next = 0;
    std::size_t batch = 0;
    std::chrono::milliseconds interval{0};
    std::uint64_t generation = 0;  // a newer shutdown makes older batch timers moot
  };
  std::optional<drain> draining;
  static inline const char* name = "chorus.supervisor";
};

supervisor_actor::behavior_type channel_supervisor(supervisor_actor::stateful_pointer<supervisor_state> self,
                                                   std::chrono::seconds heartbeat_timeout);

/// Sweep period: a silent socket is closed between `timeout` and `timeout + period`.
std::chrono::milliseconds sweep_period(std::chrono::seconds timeout);

} // namespace chorus::detail
