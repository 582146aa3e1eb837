#pragma once
// The channel runtime of one node: the registry and supervisor actors plus the config.
// net/ (or a test) opens one socket actor per connection through it; apps use bus().
#include <atomic>
#include <memory>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/channel_config.hpp"
#include "actors/cluster_messages.hpp"
#include "actors/connection.hpp"
#include "actors/endpoint.hpp"
#include "actors/pubsub.hpp"
#include "actors/runtime_stats.hpp"
#include "actors/registry_messages.hpp"
#include "actors/supervisor_messages.hpp"

namespace chorus {

class runtime : public channel_endpoint {
public:
  /// Throws std::invalid_argument for a malformed config (e.g. a bad topic pattern).
  runtime(caf::actor_system& sys, channel_config config);
  ~runtime() override;
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  /// Spawns the socket actor for a new connection and runs the connect callback;
  /// `done` is called once from an actor thread. Then deliver frames with
  /// anon_send(actor, detail::inbound_frame{...}) and the transport's end with
  /// anon_send(actor, detail::transport_closed{}). Keep the returned handle while the
  /// connection lives: an actor nobody references is stopped by CAF.
  caf::actor open(connection_ptr conn, connect_info info, protocol::serializer ser, connected_callback done);

  /// open() for net/, without CAF types in the interface.
  socket_link open_socket(connection_ptr conn, connect_info info, protocol::serializer ser,
                          connected_callback done) override;

  /// Asks every socket to run its leave callbacks and close with this code, in
  /// batches when `pacing` says so.
  void close_all(std::uint16_t code, const std::string& reason, drain_pacing pacing = {}) override;
  /// Stops the registry, topics and supervisor (sockets should be closed first).
  void stop();

  /// Until the first connection opens, channels and the connect callback may still be
  /// added: an app spawns its actors once the system and bus() exist, then hands them
  /// to the channels that use them. Afterwards these throw std::logic_error.
  void add_channel(channel_def def);
  void set_connect(connect_callback connect);

  pubsub bus() const { return pubsub{caf::actor_cast<caf::actor>(registry_)}; }
  runtime_stats& stats() noexcept override { return *stats_; }
  /// An io thread's runner for socket actors (actors/io_thread_runner.hpp).
  std::unique_ptr<actor_runner> make_runner() override;
  const channel_config& config() const noexcept { return *config_; }
  const detail::supervisor_actor& supervisor() const noexcept { return supervisor_; }
  const detail::registry_actor& registry() const noexcept { return registry_; }
  /// Null unless config.cluster is enabled.
  const detail::cluster_actor& cluster() const noexcept { return cluster_; }
  /// Clustered: this node's name and incarnation (random per runtime).
  const std::string& node_name() const noexcept { return node_name_; }
  std::uint64_t incarnation() const noexcept { return incarnation_; }

private:
  caf::actor_system& sys_;
  std::shared_ptr<channel_config> config_;  // read-only once `opened_`
  std::atomic<bool> opened_{false};
  std::shared_ptr<runtime_stats> stats_;  // shared with every actor, which may outlive us
  detail::registry_actor registry_;
  detail::supervisor_actor supervisor_;
  detail::cluster_actor cluster_;
  std::string node_name_;
  std::uint64_t incarnation_ = 0;
};

} // namespace chorus
