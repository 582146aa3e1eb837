#pragma once
// What net/ sees of the channel layer: open a socket for a new connection, hand it
// frames, tell it the transport ended. CAF-free on purpose, so the Beast translation
// units do not also compile CAF's headers (docs/building.md: keep heavy TUs apart).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/connect.hpp"
#include "actors/connection.hpp"
#include "actors/runtime_stats.hpp"

namespace chorus {

/// How a shutdown spreads its closes: `batch` sockets every `interval`, so clients
/// that reconnect at once do not all land on the next node in the same instant. The
/// batch grows when needed to tell every socket within `spread` (the bound on how long
/// a drain takes). batch 0 = all at once.
struct drain_pacing {
  std::size_t batch = 0;
  std::chrono::milliseconds interval{0};
  std::chrono::milliseconds spread{0};
};

/// Called once when the connect callback has decided: accepted, or the HTTP status.
using connected_callback = std::function<void(bool accepted, unsigned http_status)>;

/// Runs socket actors on the thread that reads their connections, so a request and its
/// reply need no thread hop (docs/architecture.md, "Where socket actors run"). One per io
/// thread, used by that thread only; made by channel_endpoint::make_runner().
class actor_runner {
public:
  virtual ~actor_runner() = default;
  /// Socket actors are waiting for this thread.
  virtual bool has_work() const noexcept = 0;
  /// Resumes waiting socket actors, at most `budget` resumes (the thread's io waits meanwhile).
  virtual void run(std::size_t budget) = 0;
  /// The thread stops: whatever waits here is handed to the actor scheduler.
  virtual void hand_over() noexcept = 0;
};

/// A handle to one connection's socket actor; holding it keeps the actor reachable.
class socket_link {
public:
  struct impl;
  socket_link() = default;
  explicit socket_link(std::shared_ptr<impl> p) : impl_(std::move(p)) {}
  /// One complete inbound WebSocket message. With the calling thread's runner (from
  /// the same endpoint), the socket actor then runs on this thread.
  void deliver(std::string data, bool binary, actor_runner* here = nullptr) const;
  /// The TCP connection is gone; the socket runs its leave callbacks and stops.
  void transport_closed() const;
  explicit operator bool() const noexcept { return impl_ != nullptr; }

private:
  std::shared_ptr<impl> impl_;
};

class channel_endpoint {
public:
  virtual ~channel_endpoint() = default;
  virtual socket_link open_socket(connection_ptr conn, connect_info info, protocol::serializer ser,
                                  connected_callback done) = 0;
  /// Asks every socket to run its leave callbacks and close with this code.
  virtual void close_all(std::uint16_t code, const std::string& reason, drain_pacing pacing = {}) = 0;
  virtual runtime_stats& stats() noexcept = 0;
  /// A runner for one io thread, or null when socket actors run on the actor scheduler only.
  virtual std::unique_ptr<actor_runner> make_runner() { return nullptr; }
};

} // namespace chorus
