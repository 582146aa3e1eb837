#pragma once
// Shared checks on decoded JSON fields (used by both text serializers).
#include <optional>

#include "protocol/message.hpp"
#include "protocol/protocol_error.hpp"

namespace chorus::protocol::detail {

inline bool is_ref_value(const json& v) noexcept {
  return v.is_null() || v.is_string() || v.is_number_integer() || v.is_number_unsigned();
}

/// Fills msg from the five values, or says which one has the wrong type.
inline std::optional<protocol_error> take_fields(message& msg, json& join_ref, json& ref,
                                                 json& topic, json& event, json& body) {
  if (!topic.is_string())
    return protocol_error{error_kind::bad_field_type, "topic must be a string"};
  if (!event.is_string())
    return protocol_error{error_kind::bad_field_type, "event must be a string"};
  if (!is_ref_value(join_ref))
    return protocol_error{error_kind::bad_field_type, "join_ref must be a string or null"};
  if (!is_ref_value(ref))
    return protocol_error{error_kind::bad_field_type, "ref must be a string or null"};
  msg.join_ref = std::move(join_ref);
  msg.ref = std::move(ref);
  msg.topic = topic.get_ref<std::string&>();
  msg.event = event.get_ref<std::string&>();
  msg.body = std::move(body);
  return std::nullopt;
}

} // namespace chorus::protocol::detail
