#pragma once
// What the channel supervisor (one per node) is told.
#include <cstdint>
#include <string>

#include <cstddef>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace chorus::detail {

/// socket → supervisor, once connected: monitor me; `id` is my socket id ("" = none).
struct register_socket {
  caf::actor socket;
  std::string id;
};
/// socket → supervisor: I am alive (at most about twice per heartbeat window).
struct socket_activity {};
/// supervisor → itself: time to look for idle sockets.
struct sweep_tick {};
/// runtime → supervisor: close every socket with `code`, `batch` sockets every
/// `interval_ms`, more per batch when needed to tell all within `spread_ms`.
struct drain_request {
  std::uint16_t code = 1012;
  std::string reason;
  std::uint64_t batch = 0;  // 0 = all at once
  std::int64_t interval_ms = 0;
  std::int64_t spread_ms = 0;
};
/// supervisor → itself: the next batch of drain number `generation`.
struct drain_next {
  std::uint64_t generation = 0;
};
/// registry → supervisor: a "disconnect" broadcast to this socket id.
struct disconnect_socket_id {
  std::string id;
};
/// How many sockets the node has (answered with a std::size_t).
struct socket_count_request {};

/// The supervisor's interface: what it takes and what it answers.
using supervisor_actor = caf::typed_actor<caf::reacts_to<register_socket>, caf::reacts_to<socket_activity>,
                                          caf::reacts_to<sweep_tick>, caf::reacts_to<drain_request>,
                                          caf::reacts_to<drain_next>, caf::reacts_to<disconnect_socket_id>,
                                          caf::replies_to<socket_count_request>::with<std::size_t>>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, register_socket& x) {
  return f(caf::meta::type_name("chorus.register_socket"), x.socket, x.id);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, socket_activity&) {
  return f(caf::meta::type_name("chorus.socket_activity"));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sweep_tick&) {
  return f(caf::meta::type_name("chorus.sweep_tick"));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, drain_request& x) {
  return f(caf::meta::type_name("chorus.drain_request"), x.code, x.reason, x.batch, x.interval_ms, x.spread_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, drain_next& x) {
  return f(caf::meta::type_name("chorus.drain_next"), x.generation);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disconnect_socket_id& x) {
  return f(caf::meta::type_name("chorus.disconnect_socket_id"), x.id);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, socket_count_request&) {
  return f(caf::meta::type_name("chorus.socket_count_request"));
}

} // namespace chorus::detail
