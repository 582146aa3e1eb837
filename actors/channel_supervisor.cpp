#include "actors/channel_supervisor.hpp"

#include <algorithm>

#include <caf/send.hpp>

#include "actors/log.hpp"

namespace chorus::detail {

// A statically typed actor may send() only to statically typed actors (CAF 0.17), and
// socket actors are dynamically typed: what goes to them is sent anonymously (they never
// answer the supervisor).

namespace {
using self_ptr = supervisor_actor::stateful_pointer<supervisor_state>;

void arm_sweep(self_ptr self) {
  if (self->state.sweeping || self->state.sockets.empty()) return;
  self->state.sweeping = true;
  self->delayed_send(self, sweep_period(self->state.timeout), sweep_tick{});
}

void tell_shutdown(self_ptr self, const caf::actor& socket) {
  const auto& d = *self->state.draining;
  caf::anon_send(socket, close_socket{d.code, d.reason});
}

/// Tells the next batch of a drain; arms the timer for the one after.
void drain_batch(self_ptr self) {
  auto& d = *self->state.draining;
  std::size_t told = 0;
  while (d.next < d.pending.size() && told < d.batch) {
    const auto& socket = d.pending[d.next++];
    if (!self->state.sockets.count(socket.address())) continue;  // gone meanwhile
    tell_shutdown(self, socket);
    ++told;
  }
  if (d.next < d.pending.size()) self->delayed_send(self, d.interval, drain_next{d.generation});
  else d.pending = {};
}
} // namespace

std::chrono::milliseconds sweep_period(std::chrono::seconds timeout) {
  auto quarter = std::chrono::duration_cast<std::chrono::milliseconds>(timeout) / 4;
  return std::max(quarter, std::chrono::milliseconds{250});
}

supervisor_actor::behavior_type channel_supervisor(self_ptr self, std::chrono::seconds heartbeat_timeout) {
  self->state.timeout = heartbeat_timeout;
  // An error message must not stop the supervisor (CAF's default error handler would).
  self->set_error_handler([self](caf::error& err) {
    log_line(log_level::warn, "supervisor", "ignored an error: " + self->system().render(err));
  });
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto it = st.sockets.find(dm.source);
    if (it == st.sockets.end()) return;
    if (auto ids = st.ids.find(it->second.id); ids != st.ids.end()) {
      auto& members = ids->second;
      members.erase(std::remove(members.begin(), members.end(), it->second.socket), members.end());
      if (members.empty()) st.ids.erase(ids);
    }
    st.sockets.erase(it);
  });
  return {
    [self](register_socket& msg) {
      auto& socket = msg.socket;
      const auto& id = msg.id;
      self->monitor(socket);
      self->state.sockets[socket.address()] = {socket, self->clock().now(), id};
      if (!id.empty()) self->state.ids[id].push_back(socket);
      if (self->state.draining) tell_shutdown(self, socket);  // connected just as the drain began
      arm_sweep(self);
    },
    [self](const disconnect_socket_id& msg) {
      if (auto it = self->state.ids.find(msg.id); it != self->state.ids.end())
        for (auto& socket : it->second) caf::anon_send(socket, close_socket{1001, "disconnect"});
    },
    [self](socket_activity) {
      auto from = caf::actor_cast<caf::actor_addr>(self->current_sender());
      if (auto it = self->state.sockets.find(from); it != self->state.sockets.end())
        it->second.last_report = self->clock().now();
    },
    [self](sweep_tick) {
      auto& st = self->state;
      st.sweeping = false;
      auto now = self->clock().now();
      // Suspects only: the socket knows its true last activity and decides itself.
      for (auto& [_, e] : st.sockets)
        if (now - e.last_report >= st.timeout) caf::anon_send(e.socket, idle_check{});
      arm_sweep(self);
    },
    [self](const drain_request& req) {
      auto batch = req.batch;
      auto interval_ms = req.interval_ms;
      auto spread_ms = req.spread_ms;
      auto& st = self->state;
      auto generation = st.draining ? st.draining->generation + 1 : 0;
      st.draining.emplace();
      auto& d = *st.draining;
      d.code = req.code;
      d.reason = req.reason;
      d.generation = generation;
      d.interval = std::chrono::milliseconds{std::max<std::int64_t>(interval_ms, 0)};
      d.pending.reserve(st.sockets.size());
      for (auto& [_, e] : st.sockets) d.pending.push_back(e.socket);
      auto n = d.pending.size();
      d.batch = batch == 0 || d.interval.count() == 0 ? n : static_cast<std::size_t>(batch);
      if (spread_ms > 0 && d.interval.count() > 0) {
        // enough per batch that the last one goes out within the spread
        auto rounds = static_cast<std::size_t>(std::max<std::int64_t>(spread_ms / d.interval.count(), 1));
        d.batch = std::max(d.batch, (n + rounds - 1) / rounds);
      }
      d.batch = std::max<std::size_t>(d.batch, 1);
      drain_batch(self);
    },
    [self](drain_next next) {
      auto& st = self->state;
      if (st.draining && st.draining->generation == next.generation) drain_batch(self);
    },
    [self](socket_count_request) -> std::size_t { return self->state.sockets.size(); },
  };
}

} // namespace chorus::detail
