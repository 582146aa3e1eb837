#include "protocol/ws_frame_header.hpp"

namespace chorus::protocol {

ws_frame_header make_ws_frame_header(ws_opcode op, std::uint64_t n) noexcept {
  ws_frame_header h;
  h.bytes[0] = 0x80 | static_cast<unsigned char>(op);  // FIN + opcode
  if (n < 126) {
    h.bytes[1] = static_cast<unsigned char>(n);
    h.size = 2;
  } else if (n <= 0xFFFF) {
    h.bytes[1] = 126;
    h.bytes[2] = static_cast<unsigned char>(n >> 8);
    h.bytes[3] = static_cast<unsigned char>(n);
    h.size = 4;
  } else {
    h.bytes[1] = 127;
    for (int i = 0; i < 8; ++i) h.bytes[2 + i] = static_cast<unsigned char>(n >> (56 - 8 * i));
    h.size = 10;
  }
  return h;
}

std::string frame_ws_message(ws_opcode op, std::string_view payload) {
  auto h = make_ws_frame_header(op, payload.size());
  std::string out;
  out.reserve(h.size + payload.size());
  out.append(h.view());
  out.append(payload);
  return out;
}

std::string ws_close_payload(std::uint16_t code, std::string_view reason) {
  constexpr size_t max_reason = 123;  // control frame payloads are at most 125 bytes
  std::string out;
  out += char(code >> 8);
  out += char(code & 0xFF);
  out.append(reason.substr(0, max_reason));
  return out;
}

} // namespace chorus::protocol
