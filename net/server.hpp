#pragma once
// chorus as a library: one object runs a node — the actor system (its own, or the
// app's), the channel runtime and the network edge. An app's main is a few lines:
//
//   auto cli = chorus::parse_command_line(argc, argv, "my_app");
//   if (cli.exit_code) return *cli.exit_code;        // --help, or a bad flag
//   chorus::server srv{cli.options, cli.channels};
//   auto ticker = srv.system().spawn(ticker_actor, srv.bus());   // app actors first,
//   srv.add_channel(room_channel(ticker));                       // then what uses them
//   return srv.run();   // "listening on HOST:PORT", SIGINT/SIGTERM drain, exit code
//
// Nothing is accepted before start()/run(), so channels never see a half-built app.
#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/channel_config.hpp"
#include "actors/pubsub.hpp"
#include "actors/runtime_stats.hpp"
#include "net/server_options.hpp"

namespace chorus {

class runtime;

class server {
public:
  /// Starts an actor system of its own (options.workers, options.scheduler) and the
  /// channel runtime. Throws std::invalid_argument for a malformed config.
  explicit server(server_options options, channel_config channels = {});
  /// The same on the app's actor system, which must outlive the server.
  server(caf::actor_system& system, server_options options, channel_config channels = {});
  /// Stops (drains) if running and stops chorus's actors; with its own system, waits
  /// for every actor of it (stop the app's actors first, or this waits for them).
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  caf::actor_system& system() noexcept;
  /// The node's pubsub: usable from here on, also before start().
  pubsub bus() const;
  runtime& channels() noexcept;
  runtime_stats& stats() noexcept;
  const server_options& options() const noexcept;

  /// Before start() only (std::logic_error afterwards): routes a topic pattern, in call
  /// order after the channels given to the constructor; sets the connect callback.
  void add_channel(channel_def def);
  void set_connect(connect_callback connect);

  /// Binds and accepts; returns the bound port (options.port 0 picks a free one).
  /// Throws std::runtime_error if the address cannot be bound.
  std::uint16_t start();
  /// Drains: stops accepting, every socket runs its leave callbacks and gets `code`
  /// (in batches, options.drain_*), the rest is cut after options.drain_timeout.
  void stop(std::uint16_t code = 1012, const std::string& reason = "server restart");
  /// start(), prints "listening on HOST:PORT" on stdout, waits for SIGINT or SIGTERM
  /// (when `handle_signals`; otherwise until stop() is called from another thread),
  /// drains. Returns 0, or 1 after logging why the server could not start.
  int run(bool handle_signals = true);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace chorus
