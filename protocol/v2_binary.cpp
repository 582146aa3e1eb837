#include "protocol/v2_binary.hpp"

#include <initializer_list>

#include "protocol/utf8.hpp"

namespace chorus::protocol {

namespace {

result<std::string> build(binary_kind kind, std::initializer_list<std::string_view> fields,
                          std::string_view data) {
  std::string out;
  size_t total = 1 + fields.size() + data.size();
  for (auto f : fields) {
    if (f.size() > max_binary_field)
      return protocol_error{error_kind::bad_binary_frame,
                            "binary frame field longer than 255 bytes"};
    total += f.size();
  }
  out.reserve(total);
  out += char(kind);
  for (auto f : fields) out += char(f.size());
  for (auto f : fields) out += f;
  out += data;
  return out;
}

json ref_or_null(std::string_view s) { return s.empty() ? json() : json(std::string{s}); }

} // namespace

result<std::string> encode_binary_push(std::string_view join_ref, std::string_view topic,
                                       std::string_view event, std::string_view data) {
  return build(binary_kind::push, {join_ref, topic, event}, data);
}

result<std::string> encode_binary_reply(std::string_view join_ref, std::string_view ref,
                                        std::string_view topic, std::string_view status,
                                        std::string_view data) {
  return build(binary_kind::reply, {join_ref, ref, topic, status}, data);
}

result<std::string> encode_binary_broadcast(std::string_view topic, std::string_view event,
                                            std::string_view data) {
  return build(binary_kind::broadcast, {topic, event}, data);
}

result<message> decode_binary(std::string_view frame) {
  if (frame.empty())
    return protocol_error{error_kind::bad_binary_frame, "empty binary frame"};
  if (frame[0] != char(binary_kind::push))
    return protocol_error{error_kind::bad_binary_frame,
                          "binary frame kind must be 0 (push), got " +
                            std::to_string((unsigned char)frame[0])};
  constexpr size_t header = 5;  // kind + four lengths
  if (frame.size() < header)
    return protocol_error{error_kind::bad_binary_frame, "binary frame header is truncated"};
  size_t len[4];
  size_t need = header;
  for (int i = 0; i < 4; ++i) need += len[i] = (unsigned char)frame[1 + i];
  if (frame.size() < need)
    return protocol_error{error_kind::bad_binary_frame, "binary frame field runs past the end"};
  std::string_view fields[4];
  size_t pos = header;
  for (int i = 0; i < 4; ++i) {
    fields[i] = frame.substr(pos, len[i]);
    pos += len[i];
  }
  for (auto f : fields)
    if (!is_valid_utf8(f))
      return protocol_error{error_kind::bad_binary_frame, "binary frame field is not valid UTF-8"};
  message msg;
  msg.join_ref = ref_or_null(fields[0]);
  msg.ref = ref_or_null(fields[1]);
  msg.topic = fields[2];
  msg.event = fields[3];
  msg.body = binary{std::string{frame.substr(pos)}};
  return msg;
}

} // namespace chorus::protocol
