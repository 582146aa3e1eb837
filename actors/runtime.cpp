#include "actors/runtime.hpp"

#include <random>
#include <stdexcept>

#include "actors/channel_supervisor.hpp"
#include "actors/cluster_actor.hpp"
#include "actors/io_thread_runner.hpp"
#include "actors/registry_actor.hpp"
#include "actors/socket_actor.hpp"
#include "protocol/topic_pattern.hpp"

namespace chorus {

namespace {
void validate(const channel_def& def) {
  if (def.topic_pattern.empty() || !protocol::is_valid_topic_pattern(def.topic_pattern))
    throw std::invalid_argument("invalid topic pattern \"" + def.topic_pattern +
                                "\": use an exact topic or a prefix ending in '*'");
}

void validate(const channel_config& cfg) {
  for (auto& def : cfg.channels) validate(def);
  if (cfg.heartbeat_timeout_s <= 0) throw std::invalid_argument("heartbeat_timeout_s must be positive");
  if (cfg.max_json_depth < 2) throw std::invalid_argument("max_json_depth must be at least 2 (envelope and payload)");
  auto& c = cfg.cluster;
  if (c.enabled()) {
    if (c.heartbeat.count() <= 0 || c.timeout <= c.heartbeat)
      throw std::invalid_argument("cluster timeout must be above the cluster heartbeat (both positive)");
    if (c.max_batch_items == 0 || c.max_batch_bytes == 0 || c.max_queued_bytes == 0)
      throw std::invalid_argument("cluster batch and queue limits must be positive");
  }
}
} // namespace

runtime::runtime(caf::actor_system& sys, channel_config config)
  : sys_(sys), stats_(std::make_shared<runtime_stats>()) {
  validate(config);
  config_ = std::make_shared<channel_config>(std::move(config));
  supervisor_ = sys_.spawn(detail::channel_supervisor, config_->heartbeat_timeout());
  if (auto& c = config_->cluster; c.enabled()) {
    node_name_ = c.node_name.empty() ? c.bind : c.node_name;
    std::random_device entropy;
    incarnation_ = (std::uint64_t{entropy()} << 32) | entropy();
    cluster_ = sys_.spawn(detail::cluster, c, node_name_, incarnation_, config_->max_json_depth, supervisor_, stats_);
  }
  detail::topic_limits limits{config_->max_subscribers, std::chrono::milliseconds{config_->presence_batch_ms},
                              config_->max_presences_per_subscriber};
  registry_ = sys_.spawn(detail::registry, config_->max_topics, limits, stats_,
                         supervisor_, cluster_);
}

runtime::~runtime() { stop(); }

void runtime::add_channel(channel_def def) {
  if (opened_.load()) throw std::logic_error("add_channel after the first connection");
  validate(def);
  config_->channels.push_back(std::move(def));
}

void runtime::set_connect(connect_callback connect) {
  if (opened_.load()) throw std::logic_error("set_connect after the first connection");
  config_->connect = std::move(connect);
}

caf::actor runtime::open(connection_ptr conn, connect_info info, protocol::serializer ser,
                         connected_callback done) {
  opened_.store(true);  // (the config is shared with socket actors from here on)
  auto ctx = std::make_shared<detail::socket_context>();
  ctx->conn = std::move(conn);
  ctx->ser = ser;
  ctx->info = std::move(info);
  ctx->config = config_;
  ctx->registry = registry_;
  ctx->stats = stats_;
  auto actor = sys_.spawn<socket_actor>(std::move(ctx), supervisor_, std::move(done));
  caf::anon_send(actor, detail::start_socket{});
  return actor;
}

struct socket_link::impl {
  caf::actor actor;
};

void socket_link::deliver(std::string data, bool binary, actor_runner* here) const {
  // What anon_send does, with this thread's execution unit as the context: if the message
  // wakes the actor, CAF gives it to that unit (exec_later) rather than to a worker; with
  // none, to the scheduler. Every runner comes from runtime::make_runner (static_cast).
  caf::execution_unit* unit = here ? static_cast<detail::io_thread_runner*>(here) : nullptr;
  caf::actor_cast<caf::abstract_actor*>(impl_->actor)
    ->enqueue(caf::make_mailbox_element(nullptr, caf::make_message_id(), {},
                                        detail::inbound_frame{std::move(data), binary}),
              unit);
}

std::unique_ptr<actor_runner> runtime::make_runner() { return std::make_unique<detail::io_thread_runner>(sys_); }

void socket_link::transport_closed() const { caf::anon_send(impl_->actor, detail::transport_closed{}); }

socket_link runtime::open_socket(connection_ptr conn, connect_info info, protocol::serializer ser,
                                 connected_callback done) {
  return socket_link{std::make_shared<socket_link::impl>(
    socket_link::impl{open(std::move(conn), std::move(info), ser, std::move(done))})};
}

void runtime::close_all(std::uint16_t code, const std::string& reason, drain_pacing pacing) {
  caf::anon_send(supervisor_, detail::drain_request{code, reason, static_cast<std::uint64_t>(pacing.batch),
                                                    static_cast<std::int64_t>(pacing.interval.count()),
                                                    static_cast<std::int64_t>(pacing.spread.count())});
}

void runtime::stop() {
  if (supervisor_) caf::anon_send_exit(supervisor_, caf::exit_reason::user_shutdown);
  if (registry_) caf::anon_send_exit(registry_, caf::exit_reason::user_shutdown);
  if (cluster_) caf::anon_send_exit(cluster_, caf::exit_reason::user_shutdown);
  supervisor_ = nullptr;
  registry_ = nullptr;
  cluster_ = nullptr;
}

} // namespace chorus
