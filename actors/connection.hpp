#pragma once
// The seam between actors/ and net/: everything the actors may do to a client
// connection. net/ implements it over Beast; tests implement it with a recording fake.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "protocol/frames.hpp"

namespace chorus {

/// A complete WebSocket message as it goes on the wire (header + body). Server frames
/// are unmasked, so one outbound_frame is valid on every connection: a broadcast is
/// built once and the same immutable bytes are shared by all subscribers.
struct outbound_frame {
  std::string bytes;
  std::uint8_t header_size = 0;
  bool binary = false;
  std::string_view body() const noexcept { return std::string_view{bytes}.substr(header_size); }
};
using shared_frame = std::shared_ptr<const outbound_frame>;

/// Frames one encoded message for the wire.
shared_frame make_shared_frame(const protocol::encoded_frame& frame);

class connection {
public:
  virtual ~connection() = default;
  /// Queues a frame. Thread-safe; frames reach the client in call order. A frame sent
  /// after close() is dropped.
  virtual void send(shared_frame frame) = 0;
  /// Sends a close frame with this code and reason, then ends the connection.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};
using connection_ptr = std::shared_ptr<connection>;

} // namespace chorus
