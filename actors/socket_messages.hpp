#pragma once
// What a socket actor (one per connection) is told. Each message is one struct; those
// made of plain values can be serialized (inspect), the two that carry closures are
// local-only.
#include <cstdint>
#include <functional>
#include <string>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/connect.hpp"

namespace chorus {
struct socket_actor_state;
}

namespace chorus::detail {

/// runtime → socket: run the connect callback.
struct start_socket {};
/// net → socket: one complete WebSocket message.
struct inbound_frame {
  std::string data;
  bool binary = false;
};
/// net → socket: the TCP connection is gone (leave callbacks run, the actor stops).
struct transport_closed {};
/// supervisor → socket: you may be idle; close if you really are.
struct idle_check {};
/// supervisor → socket: run the leave callbacks and close with this code (drain,
/// socket-id "disconnect").
struct close_socket {
  std::uint16_t code = 1001;
  std::string reason;
};
/// socket handle (another actor or thread) → socket: run this inside the actor.
struct socket_call {
  std::function<void(socket_actor_state&)> fn;
};
/// a deferred connect's resolver → socket.
struct connect_resolution {
  connect_result result;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, start_socket&) {
  return f(caf::meta::type_name("chorus.start_socket"));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_frame& x) {
  return f(caf::meta::type_name("chorus.inbound_frame"), x.data, x.binary);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transport_closed&) {
  return f(caf::meta::type_name("chorus.transport_closed"));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, idle_check&) {
  return f(caf::meta::type_name("chorus.idle_check"));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, close_socket& x) {
  return f(caf::meta::type_name("chorus.close_socket"), x.code, x.reason);
}

} // namespace chorus::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::socket_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chorus::detail::connect_resolution)
