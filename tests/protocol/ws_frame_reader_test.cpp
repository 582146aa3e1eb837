#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "protocol/ws_frame_reader.hpp"

using namespace chorus::protocol;
using kind = ws_read_event::kind;

namespace {

// A client frame: masked with a fixed key, the length in the shortest form unless forced.
std::string client_frame(unsigned char first, std::string_view payload, bool masked = true, int force_len_bytes = 0) {
  std::string out;
  out += static_cast<char>(first);
  unsigned char m = masked ? 0x80 : 0;
  auto n = payload.size();
  if (force_len_bytes == 8 || (force_len_bytes == 0 && n > 0xFFFF)) {
    out += static_cast<char>(m | 127);
    for (int i = 7; i >= 0; --i) out += static_cast<char>((std::uint64_t{n} >> (8 * i)) & 0xFF);
  } else if (force_len_bytes == 2 || n >= 126) {
    out += static_cast<char>(m | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(m | n);
  }
  const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
  if (masked) out.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(payload[i] ^ (masked ? key[i % 4] : 0));
  return out;
}
std::string text(std::string_view p, bool fin = true) { return client_frame(fin ? 0x81 : 0x01, p); }
std::string cont(std::string_view p, bool fin = true) { return client_frame(fin ? 0x80 : 0x00, p); }

struct outcome {
  std::vector<std::string> messages;
  std::vector<std::string> pings;
  int pongs = 0;
  std::optional<std::uint16_t> close_code;
  std::string close_reason;
  std::optional<std::uint16_t> refused;
  std::string why;
};

// Feeds `bytes` in pieces of `step` bytes, collecting every event.
outcome feed(const std::string& bytes, std::size_t step = 0, std::size_t max = 1 << 20) {
  ws_frame_reader reader{max};
  outcome out;
  std::size_t at = 0;
  if (step == 0) step = bytes.size() == 0 ? 1 : bytes.size();
  while (at < bytes.size()) {
    std::string_view in{bytes.data() + at, std::min(step, bytes.size() - at)};
    at += in.size();
    for (;;) {
      auto ev = reader.next(in);
      if (ev.what == kind::need_more) {
        REQUIRE(in.empty());
        break;
      }
      switch (ev.what) {
        case kind::message: out.messages.push_back(reader.take_message()); break;
        case kind::ping: out.pings.emplace_back(ev.payload); break;
        case kind::pong: ++out.pongs; break;
        case kind::close:
          out.close_code = ev.code;
          out.close_reason = std::string{ev.payload};
          break;
        case kind::refused:
          out.refused = ev.code;
          out.why = std::string{ev.reason};
          break;
        case kind::need_more: break;
      }
    }
  }
  return out;
}

} // namespace

TEST_CASE("whole masked frames come out unmasked, in order", "[ws_reader]") {
  auto out = feed(text("hello") + client_frame(0x82, std::string("\x00\x01\xff", 3)) + text(""));
  REQUIRE(out.messages == std::vector<std::string>{"hello", std::string("\x00\x01\xff", 3), ""});
  CHECK(!out.refused);
}

TEST_CASE("any split of the byte stream gives the same messages", "[ws_reader]") {
  std::string big(70000, 'x');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  auto stream = text("first") + text("frag", false) + client_frame(0x89, "mid") + cont("mented") +
                text(std::string(300, 'm')) + text(big);
  for (std::size_t step : {1u, 2u, 3u, 7u, 13u, 1000u}) {
    INFO("step " << step);
    auto out = feed(stream, step);
    REQUIRE(out.messages.size() == 4);
    CHECK(out.messages[0] == "first");
    CHECK(out.messages[1] == "fragmented");
    CHECK(out.messages[2] == std::string(300, 'm'));
    CHECK(out.messages[3] == big);
    CHECK(out.pings == std::vector<std::string>{"mid"});
    CHECK(!out.refused);
  }
}

TEST_CASE("pings carry their payload for the pong; pongs are reported", "[ws_reader]") {
  auto out = feed(client_frame(0x89, "abc") + client_frame(0x8A, "x") + client_frame(0x89, ""));
  CHECK(out.pings == std::vector<std::string>{"abc", ""});
  CHECK(out.pongs == 1);
}

TEST_CASE("a close frame gives its code and reason, and ends the reader", "[ws_reader]") {
  auto out = feed(client_frame(0x88, std::string("\x03\xe8", 2) + "bye") + text("after close"));
  CHECK(out.close_code == 1000);
  CHECK(out.close_reason == "bye");
  CHECK(out.messages.empty());
  auto empty = feed(client_frame(0x88, ""));
  CHECK(empty.close_code == 1005);  // no status in the frame
  CHECK(feed(client_frame(0x88, std::string("\x0f\xa0", 2))).close_code == 4000);
}

TEST_CASE("protocol violations are refused with 1002 and a reason", "[ws_reader]") {
  struct bad {
    const char* name;
    std::string bytes;
    const char* why;
  };
  std::vector<bad> cases = {
    {"unmasked", client_frame(0x81, "hi", false), "client frame not masked"},
    {"RSV1", client_frame(0xC1, "hi"), "reserved bits set (no extension was agreed)"},
    {"RSV3", client_frame(0x91, "hi"), "reserved bits set (no extension was agreed)"},
    {"opcode 3", client_frame(0x83, "hi"), "reserved opcode"},
    {"opcode 0xB", client_frame(0x8B, ""), "reserved opcode"},
    {"fragmented ping", client_frame(0x09, "p"), "fragmented control frame"},
    {"ping over 125", client_frame(0x89, std::string(126, 'p')), "control frame over 125 bytes"},
    {"stray continuation", cont("x"), "continuation frame without a message"},
    {"text inside a fragmented message", text("a", false) + text("b"), "new message inside a fragmented message"},
    {"16-bit length for 5 bytes", client_frame(0x81, "hello", true, 2), "length not minimally encoded"},
    {"64-bit length for 300 bytes", client_frame(0x81, std::string(300, 'x'), true, 8), "length not minimally encoded"},
    {"close with a 1-byte body", client_frame(0x88, "\x03"), "close frame with a 1-byte body"},
    {"close code 1005", client_frame(0x88, std::string("\x03\xed", 2)), "invalid close code"},
    {"close code 999", client_frame(0x88, std::string("\x03\xe7", 2)), "invalid close code"},
    {"close code 2000", client_frame(0x88, std::string("\x07\xd0", 2)), "invalid close code"},
  };
  for (auto& c : cases) {
    INFO(c.name);
    for (std::size_t step : {1u, 1000u}) {
      auto out = feed(c.bytes + text("never seen"), step);
      CHECK(out.refused == 1002);
      CHECK(out.why == c.why);
      CHECK(out.messages.empty());
    }
  }
}

TEST_CASE("a 64-bit length with the high bit set is refused from the header alone", "[ws_reader]") {
  std::string frame = "\x81\xff";
  frame += std::string("\x80\x00\x00\x00\x00\x00\x00\x00", 8);
  frame += "abcd";
  auto out = feed(frame);
  CHECK(out.refused == 1002);
  CHECK(out.why == "64-bit length with the high bit set");
}

TEST_CASE("text that is not UTF-8 is refused with 1007, also across fragments and in a close reason", "[ws_reader]") {
  CHECK(feed(text("\xc3\x28")).refused == 1007);
  CHECK(feed(text("\xed\xa0\x80")).refused == 1007);  // a surrogate
  // A character split across fragments is valid; the message is checked whole.
  auto split = feed(text("\xc3", false) + cont("\xa9"));
  REQUIRE(split.messages.size() == 1);
  CHECK(split.messages[0] == "\xc3\xa9");
  CHECK(feed(client_frame(0x82, "\xc3\x28")).messages.size() == 1);  // binary is not checked
  auto close = feed(client_frame(0x88, std::string("\x03\xe8", 2) + "\xff"));
  CHECK(close.refused == 1007);
  CHECK(!close.close_code);
}

TEST_CASE("the size cap counts the whole message and is checked from the header", "[ws_reader]") {
  CHECK(feed(text(std::string(100, 'x')), 0, 100).messages.size() == 1);
  auto over = feed(text(std::string(101, 'x')), 0, 100);
  CHECK(over.refused == 1009);
  CHECK(over.why == "message over max_frame_bytes");
  auto fragmented = feed(text(std::string(60, 'x'), false) + cont(std::string(41, 'x')), 0, 100);
  CHECK(fragmented.refused == 1009);
  // Only the header is needed: a declared 2^62-byte frame is refused at once.
  ws_frame_reader reader{100};
  std::string header = "\x81\xff";
  header += std::string("\x40\x00\x00\x00\x00\x00\x00\x00", 8);
  header += "mask";
  std::string_view in = header;
  auto ev = reader.next(in);
  CHECK(ev.what == kind::refused);
  CHECK(ev.code == 1009);
}

TEST_CASE("between messages the reader holds no message buffer", "[ws_reader]") {
  ws_frame_reader reader{1 << 20};
  auto bytes = text(std::string(5000, 'y'));
  std::string_view in = bytes;
  auto ev = reader.next(in);
  REQUIRE(ev.what == kind::message);
  CHECK(reader.take_message().size() == 5000);
  CHECK(reader.idle());
  auto half = text("abc").substr(0, 4);
  std::string_view part = half;
  CHECK(reader.next(part).what == kind::need_more);
  CHECK(!reader.idle());
}
