// libFuzzer target: the V2 binary (kind 0) decoder; accepted pushes must be answerable
// with a binary reply (kind 1) when every field fits, and as V1 base64 otherwise.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/frames.hpp"
#include "protocol/v2_binary.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chorus::protocol;
  std::string_view bytes{reinterpret_cast<const char*>(data), size};
  auto msg = decode_frame(serializer::v2, true, bytes);
  if (!msg) return 0;
  if (!std::holds_alternative<binary>(msg->body)) std::abort();
  if (!encode_reply(serializer::v2, msg->join_ref, msg->ref, msg->topic, "ok", msg->body)) std::abort();
  if (!encode_reply(serializer::v1, msg->join_ref, msg->ref, msg->topic, "ok", msg->body)) std::abort();
  return 0;
}
