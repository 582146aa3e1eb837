// libFuzzer target: the V2 array decoder; accepted messages must round-trip exactly,
// and every reply/push/broadcast built from them must encode.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "json_fuzz.hpp"
#include "protocol/frames.hpp"
#include "protocol/v2_serializer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chorus::protocol;
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto msg = decode_v2(text);
  if (!msg) return 0;
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
