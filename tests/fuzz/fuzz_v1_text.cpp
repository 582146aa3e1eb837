// libFuzzer target: the V1 object decoder. Whatever it accepts must re-encode and
// decode to the same message without join_ref (V1 output never carries it).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/frames.hpp"
#include "protocol/v1_serializer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chorus::protocol;
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto msg = decode_v1(text);
  if (!msg) return 0;
  (void)validate_inbound(*msg);
  auto again = decode_v1(encode_v1(*msg));
  if (!again) std::abort();
  auto expected = *msg;
  expected.join_ref = nullptr;
  if (!(*again == expected)) std::abort();
  return 0;
}
