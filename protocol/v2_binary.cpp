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

result<user_broadcast_push> decode_user_broadcast_push(std::string_view frame, std::size_t max_json_depth) {
  auto bad = [](std::string what) { return protocol_error{error_kind::bad_binary_frame, "user broadcast: " + std::move(what)}; };
  if (frame.empty() || frame[0] != char(binary_kind::user_broadcast_push))
    return bad("binary frame kind must be 3");
  constexpr size_t header = 7;  // kind, five lengths, encoding
  if (frame.size() < header) return bad("header is truncated");
  size_t len[5];
  size_t need = header;
  for (int i = 0; i < 5; ++i) need += len[i] = (unsigned char)frame[1 + i];
  auto encoding = (unsigned char)frame[6];
  if (encoding > 1) return bad("encoding byte must be 0 (bytes) or 1 (JSON), got " + std::to_string(encoding));
  if (frame.size() < need) return bad("field runs past the end");
  std::string_view fields[5];
  size_t pos = header;
  for (int i = 0; i < 5; ++i) {
    fields[i] = frame.substr(pos, len[i]);
    pos += len[i];
  }
  for (auto f : fields)
    if (!is_valid_utf8(f)) return bad("field is not valid UTF-8");
  user_broadcast_push out;
  out.join_ref = ref_or_null(fields[0]);
  out.ref = ref_or_null(fields[1]);
  out.topic = fields[2];
  out.broadcast.event = fields[3];
  out.broadcast.metadata = fields[4];
  out.broadcast.json_payload = encoding == 1;
  out.broadcast.payload = frame.substr(pos);
  if (!out.broadcast.metadata.empty()) {
    auto meta = parse_json(out.broadcast.metadata, max_json_depth);
    if (!meta) return bad("metadata is not JSON: " + meta.error().detail);
    out.metadata_json = std::move(*meta);
  }
  if (out.broadcast.json_payload) {
    if (!is_valid_utf8(out.broadcast.payload)) return bad("JSON payload is not valid UTF-8");
    auto body = parse_json(out.broadcast.payload, max_json_depth);
    if (!body) return bad("payload is not JSON: " + body.error().detail);
    out.payload_json = std::move(*body);
  }
  return out;
}

result<std::string> encode_user_broadcast(std::string_view topic, const user_broadcast& b) {
  for (auto f : {topic, std::string_view{b.event}, std::string_view{b.metadata}})
    if (f.size() > max_binary_field)
      return protocol_error{error_kind::bad_binary_frame, "binary frame field longer than 255 bytes"};
  std::string out;
  out.reserve(5 + topic.size() + b.event.size() + b.metadata.size() + b.payload.size());
  out += char(binary_kind::user_broadcast);
  out += char(topic.size());
  out += char(b.event.size());
  out += char(b.metadata.size());
  out += char(b.json_payload ? 1 : 0);
  out += topic;
  out += b.event;
  out += b.metadata;
  out += b.payload;
  return out;
}

} // namespace chorus::protocol
