// libFuzzer target: the client frame reader. The first byte picks the size cap and how the
// rest is split into reads; the events must not depend on the split, and what comes out
// must respect the rules the reader enforces (cap, UTF-8, control frame size).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/utf8.hpp"
#include "protocol/ws_frame_reader.hpp"

namespace {
using chorus::protocol::ws_frame_reader;
using chorus::protocol::ws_read_event;

void require(bool ok) {
  if (!ok) std::abort();
}

// Every event as text: kind, then what it carries.
std::vector<std::string> run(std::string_view input, std::size_t step, std::size_t cap) {
  ws_frame_reader reader{cap};
  std::vector<std::string> events;
  while (!input.empty()) {
    auto chunk = input.substr(0, step);
    input.remove_prefix(chunk.size());
    for (;;) {
      auto ev = reader.next(chunk);
      if (ev.what == ws_read_event::kind::need_more) {
        require(chunk.empty());
        break;
      }
      std::string out(1, static_cast<char>('0' + static_cast<int>(ev.what)));
      switch (ev.what) {
        case ws_read_event::kind::message: {
          auto m = reader.take_message();
          require(m.size() <= cap);
          require(ev.binary || chorus::protocol::is_valid_utf8(m));
          out += m;
          break;
        }
        case ws_read_event::kind::ping:
        case ws_read_event::kind::pong:
          require(ev.payload.size() <= 125);
          out += ev.payload;
          break;
        case ws_read_event::kind::close:
          require(chorus::protocol::is_valid_utf8(ev.payload));
          out += std::to_string(ev.code);
          out += ev.payload;
          break;
        case ws_read_event::kind::refused:
          require(ev.code == 1002 || ev.code == 1007 || ev.code == 1009);
          out += std::to_string(ev.code);
          out += ev.reason;
          break;
        case ws_read_event::kind::need_more: break;
      }
      events.push_back(std::move(out));
    }
  }
  require(events.empty() || !reader.finished() || events.back()[0] == '0' + static_cast<int>(ws_read_event::kind::close) ||
          events.back()[0] == '0' + static_cast<int>(ws_read_event::kind::refused));
  return events;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::size_t step = 1 + data[0] % 17;
  std::size_t cap = (data[0] & 0x80) ? 64 : 1 << 16;
  std::string_view input{reinterpret_cast<const char*>(data + 1), size - 1};
  auto whole = run(input, input.size() + 1, cap);
  require(run(input, step, cap) == whole);
  return 0;
}
