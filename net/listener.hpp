#pragma once
// chorus's network edge: listens, upgrades HTTP to WebSocket at the mount path, serves
// static files and /stats, and connects each WebSocket to the channel runtime. Apps use
// chorus::server (server.hpp), which runs one of these with the actor system and runtime.
#include <cstdint>
#include <memory>
#include <string>

#include "actors/endpoint.hpp"
#include "net/server_options.hpp"

namespace chorus {

class listener {
public:
  listener(channel_endpoint& endpoint, server_options options);
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  /// Binds, starts the io threads and accepts; returns the bound port. Throws
  /// std::runtime_error if the address cannot be bound.
  std::uint16_t start();
  /// Graceful stop: no new connections; every socket runs its leave callbacks and is
  /// closed with `code`; after options.drain_timeout the rest are cut; io threads end.
  void stop(std::uint16_t code = 1012, const std::string& reason = "server restart");

  /// Open WebSocket connections right now.
  std::size_t websocket_count() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Raises the open-file soft limit to the hard limit (each connection is one fd).
/// Returns the new soft limit.
std::uint64_t raise_open_file_limit();

/// Grows the process's descriptor table once, now, to hold `limit` descriptors (at most
/// 2^18), instead of by doubling while connections arrive: in a multi-threaded process
/// each doubling makes accept() wait for an RCU grace period (tens of milliseconds).
void presize_descriptor_table(std::uint64_t limit);

} // namespace chorus
