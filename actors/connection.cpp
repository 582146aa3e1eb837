#include "actors/connection.hpp"

#include "protocol/ws_frame_header.hpp"

namespace chorus {

shared_frame make_shared_frame(protocol::encoded_frame frame) {
  using protocol::ws_opcode;
  auto body_size = frame.buffer.size() - frame.body_offset;
  auto header = protocol::make_ws_frame_header(frame.binary ? ws_opcode::binary : ws_opcode::text, body_size);
  auto out = std::make_shared<outbound_frame>();
  if (frame.body_offset >= header.size) {
    out->start = frame.body_offset - header.size;
    frame.buffer.replace(out->start, header.size, header.view());
    out->bytes = std::move(frame.buffer);
  } else {
    out->bytes = protocol::frame_ws_message(frame.binary ? ws_opcode::binary : ws_opcode::text, frame.body());
  }
  out->header_size = header.size;
  out->binary = frame.binary;
  return out;
}

} // namespace chorus
