#pragma once
// The seam between actors/ and net/: everything the actors may do to a client
// connection. net/ implements it over Beast; tests implement it with a recording fake.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/frames.hpp"

namespace chorus {

/// A complete WebSocket message as it goes on the wire (header + body). Server frames
/// are unmasked, so one outbound_frame is valid on every connection: a broadcast is
/// built once and the same immutable bytes are shared by all subscribers.
struct outbound_frame {
  std::string bytes;          // the wire bytes start at `start` (room left by the encoder)
  std::size_t start = 0;
  std::uint8_t header_size = 0;
  bool binary = false;
  std::string_view wire() const noexcept { return std::string_view{bytes}.substr(start); }
  std::string_view body() const noexcept { return wire().substr(header_size); }
};
using shared_frame = std::shared_ptr<const outbound_frame>;

/// Frames one encoded message for the wire, writing the header into the room the
/// encoder left in front of the body (the buffer is taken over, not copied).
shared_frame make_shared_frame(protocol::encoded_frame frame);

class connection;
using connection_ptr = std::shared_ptr<connection>;

/// A set of connections served by one io thread. A broadcast hands its frame to each
/// group once, with the group's member list, instead of once per subscriber.
class delivery_group {
public:
  virtual ~delivery_group() = default;
  /// Thread-safe. Writes `frame` to every connection of `members` (all of this group)
  /// except `skip`. `members` must not change afterwards (copy on write).
  virtual void deliver(shared_frame frame, std::shared_ptr<const std::vector<connection_ptr>> members,
                       const connection* skip) = 0;
};

class connection {
public:
  virtual ~connection() = default;
  /// Queues a frame. Thread-safe; frames reach the client in call order. A frame sent
  /// after close() is dropped.
  virtual void send(shared_frame frame) = 0;
  /// Sends a close frame with this code and reason, then ends the connection.
  virtual void close(std::uint16_t code, std::string reason) = 0;
  /// The group this connection belongs to, or null (then broadcasts use send()).
  virtual delivery_group* group() const noexcept { return nullptr; }
  /// The socket actor has handled one inbound frame. Inbound is bounded: the transport
  /// stops reading while too many delivered frames are unhandled.
  virtual void frame_done() noexcept {}
};

} // namespace chorus
