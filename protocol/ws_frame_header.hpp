#pragma once
// RFC 6455 server-to-client frame header. Server frames are unmasked, so one framed
// broadcast is byte-for-byte valid on every connection: frame once, share the bytes.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace chorus::protocol {

enum class ws_opcode : std::uint8_t { text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA };

struct ws_frame_header {
  std::array<unsigned char, 10> bytes{};
  std::uint8_t size = 0;
  std::string_view view() const noexcept { return {reinterpret_cast<const char*>(bytes.data()), size}; }
};

/// Header of a single final (FIN) unmasked frame carrying payload_size bytes.
ws_frame_header make_ws_frame_header(ws_opcode op, std::uint64_t payload_size) noexcept;

/// Header + payload in one buffer: the immutable bytes a broadcast shares.
std::string frame_ws_message(ws_opcode op, std::string_view payload);

/// A close frame body: 2-byte code (network order) + reason (truncated to fit 123 bytes).
std::string ws_close_payload(std::uint16_t code, std::string_view reason);

} // namespace chorus::protocol
