#include "actors/connection.hpp"

#include "protocol/ws_frame_header.hpp"

namespace chorus {

shared_frame make_shared_frame(const protocol::encoded_frame& frame) {
  using protocol::ws_opcode;
  auto header = protocol::make_ws_frame_header(frame.binary ? ws_opcode::binary : ws_opcode::text,
                                               frame.data.size());
  auto out = std::make_shared<outbound_frame>();
  out->bytes.reserve(header.size + frame.data.size());
  out->bytes.append(header.view());
  out->bytes.append(frame.data);
  out->header_size = header.size;
  out->binary = frame.binary;
  return out;
}

} // namespace chorus
