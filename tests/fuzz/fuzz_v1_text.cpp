// libFuzzer target: the V1 object decoder. Whatever it accepts must re-encode and
// decode to the same message without join_ref (V1 output never carries it).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "json_fuzz.hpp"
#include "protocol/frames.hpp"
#include "protocol/v1_serializer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chorus::protocol;
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto msg = decode_v1(text);
  if (!msg) return 0;
  // The envelope is level 1: whatever is accepted nests at most the default limit.
  if (const auto* body = std::get_if<json>(&msg->body);
      body && 1 + chorus::fuzz::depth_of(*body) > default_max_json_depth)
    std::abort();
  (void)validate_inbound(*msg);
  auto again = decode_v1(encode_v1(*msg));
  if (!again) std::abort();
  auto expected = *msg;
  expected.join_ref = nullptr;
  if (!(*again == expected)) std::abort();
  return 0;
}
