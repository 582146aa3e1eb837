#pragma once
// What an actor subscribed through pubsub receives for each broadcast on its topic.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/sec.hpp>

#include "protocol/message.hpp"
#include "protocol/text_parse.hpp"

namespace chorus {

struct pubsub_message {
  std::string topic;
  std::string event;
  protocol::payload body;  // JSON, or bytes (a V2 binary broadcast)
};

namespace detail {

/// Inspects a message whose fields are `fields...` followed by a payload: JSON crosses
/// as its text, bytes as bytes; text is parsed back with the wire's depth limit (what
/// arrives from another node is as untrusted as what arrives from a client).
template <class Inspector, class... Fields>
typename Inspector::result_type inspect_with_payload(Inspector& f, const char* type_name, protocol::payload& body,
                                                     Fields&... fields) {
  std::uint8_t is_bytes = 0;
  std::string data;
  std::string user_event;
  if constexpr (Inspector::reads_state) {
    if (auto* bytes = std::get_if<protocol::binary>(&body)) {
      is_bytes = 1;
      data = bytes->bytes;
      user_event = bytes->user_event;
    } else {
      data = std::get<protocol::json>(body).dump();
    }
  }
  auto rebuild = caf::meta::load_callback([&]() -> caf::error {
    if (is_bytes) {
      body = protocol::binary{std::move(data), std::move(user_event)};
      return caf::none;
    }
    auto parsed = protocol::parse_json(data);
    if (!parsed) return caf::make_error(caf::sec::invalid_argument, parsed.error().detail);
    body = std::move(*parsed);
    return caf::none;
  });
  return f(caf::meta::type_name(type_name), fields..., is_bytes, data, user_event, rebuild);
}

} // namespace detail

/// CAF serialization (to another node, or any CAF serializer).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pubsub_message& x) {
  return detail::inspect_with_payload(f, "chorus.pubsub_message", x.body, x.topic, x.event);
}

} // namespace chorus
