#pragma once
// Shared by the text-frame fuzz targets: a depth check on what the decoders accept, and
// (in libFuzzer builds) a mutation that nests. Byte-level mutations almost never build
// 10^5 balanced brackets, which is how a depth bomb once went unnoticed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "protocol/message.hpp"

namespace chorus::fuzz {

/// Nesting of `value` (a scalar is 0, `[]` is 1), walked with an explicit stack: this
/// check must not recurse either.
inline std::size_t depth_of(const protocol::json& value) {
  std::size_t deepest = 0;
  std::vector<std::pair<const protocol::json*, std::size_t>> todo{{&value, 0}};
  while (!todo.empty()) {
    auto [v, d] = todo.back();
    todo.pop_back();
    if (!v->is_structured()) continue;
    deepest = std::max(deepest, d + 1);
    for (const auto& child : *v) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

} // namespace chorus::fuzz

#ifdef CHORUS_LIBFUZZER
extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

/// One input in eight: wrap a random slice in n levels of `[`…`]` or `{"a":`…`}`, n
/// anywhere from 1 to what fits (so 10^5-level bombs appear once -max_len allows
/// them); otherwise libFuzzer's own mutations.
extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                              unsigned int seed) {
  std::srand(seed);
  if (std::rand() % 8 != 0 || size == 0) return LLVMFuzzerMutate(data, size, max_size);
  bool objects = std::rand() % 2;
  const char* open = objects ? "{\"a\":" : "[";
  std::size_t open_len = objects ? 5 : 1;
  std::size_t room = max_size > size ? max_size - size : 0;
  std::size_t fit = room / (open_len + 1);
  if (fit == 0) return LLVMFuzzerMutate(data, size, max_size);
  // Mostly counts near the limit; one in 64 the most that fits (a bomb of up to 10^6
  // levels once the length limit has grown: rare, since each costs a megabyte).
  std::size_t n = std::rand() % 64 == 0 ? fit : 1 + std::rand() % std::min<std::size_t>(fit, 300);
  std::size_t from = std::rand() % size;
  std::size_t to = from + std::rand() % (size - from + 1);
  std::vector<std::uint8_t> out;
  out.reserve(size + n * (open_len + 1));
  out.insert(out.end(), data, data + from);
  for (std::size_t i = 0; i < n; ++i) out.insert(out.end(), open, open + open_len);
  out.insert(out.end(), data + from, data + to);
  out.insert(out.end(), n, objects ? '}' : ']');
  out.insert(out.end(), data + to, data + size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
#endif
