// libFuzzer target: the V2 array decoder; it must agree with decoding the whole text as a
// document (accepted message, or error kind), accepted messages must round-trip exactly,
// and every reply/push/broadcast built from them must encode.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "json_fuzz.hpp"
#include "protocol/field_checks.hpp"
#include "protocol/frames.hpp"
#include "protocol/text_parse.hpp"
#include "protocol/v2_serializer.hpp"

namespace {

/// What decode_v2 must give, by its general path: the whole text as a document, then its
/// shape and fields (decode_v2 reads the common shape without the document).
chorus::protocol::result<chorus::protocol::message> by_document(std::string_view text) {
  using namespace chorus::protocol;
  auto doc = parse_json(text);
  if (!doc) return doc.error();
  if (!doc->is_array()) return protocol_error{error_kind::wrong_shape, ""};
  if (doc->size() < 5) return protocol_error{error_kind::wrong_shape, ""};
  message msg;
  if (auto err = detail::take_fields(msg, (*doc)[0], (*doc)[1], (*doc)[2], (*doc)[3], (*doc)[4])) return *err;
  return msg;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chorus::protocol;
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto msg = decode_v2(text);
  auto expected = by_document(text);
  if (bool(msg) != bool(expected)) std::abort();
  if (!msg) {
    if (msg.error().kind != expected.error().kind) std::abort();
    return 0;
  }
  if (!(*msg == *expected)) std::abort();
  // The envelope is level 1: whatever is accepted nests at most the default limit.
  if (const auto* body = std::get_if<json>(&msg->body);
      body && 1 + chorus::fuzz::depth_of(*body) > default_max_json_depth)
    std::abort();
  auto again = decode_v2(encode_v2(*msg));
  if (!again || !(*again == *msg)) std::abort();
  if (!encode_reply(serializer::v2, msg->join_ref, msg->ref, msg->topic, "ok", msg->body)) std::abort();
  if (!encode_push(serializer::v1, msg->join_ref, msg->topic, msg->event, msg->body)) std::abort();
  (void)encode_broadcast(serializer::v2, msg->topic, msg->event, msg->body);
  return 0;
}
