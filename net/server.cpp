#include "net/server.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <optional>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>

#include "actors/caf_types.hpp"
#include "actors/cluster_node.hpp"
#include "actors/log.hpp"
#include "actors/runtime.hpp"
#include "net/listener.hpp"

namespace chorus {

namespace {

/// SIGINT/SIGTERM reach run() through this pipe: a handler may run on any thread, and
/// writing one byte is all it may safely do.
int signal_pipe_write = -1;

extern "C" void on_stop_signal(int sig) {
  int saved = errno;
  auto byte = static_cast<unsigned char>(sig);
  if (signal_pipe_write >= 0) (void)!::write(signal_pipe_write, &byte, 1);
  errno = saved;
}

void apply_sched_batch() {
  sched_param param{};
  if (sched_setscheduler(0, SCHED_BATCH, &param) != 0)
    log_line(log_level::warn, "server", std::string{"SCHED_BATCH not available: "} + std::strerror(errno));
}

caf::actor_system_config& system_config(caf::actor_system_config& cfg, const server_options& o,
                                        const channel_config& channels) {
  register_chorus_types(cfg);
  if (channels.cluster.enabled()) enable_cluster(cfg, channels.cluster);
  cfg.set("scheduler.max-threads", std::max(1u, o.workers));
  cfg.set("scheduler.policy", o.scheduler == server_options::scheduler_policy::sharing ? caf::atom("sharing")
                                                                                      : caf::atom("stealing"));
  cfg.set("scheduler.max-throughput", 300);  // a busy socket cannot hold a worker forever
  return cfg;
}

} // namespace

struct server::impl {
  impl(caf::actor_system* app_system, server_options opts, channel_config channels) : options(std::move(opts)) {
    // Before any thread starts: every thread of the server inherits the policy.
    if (options.sched_batch) apply_sched_batch();
    set_log_format(options.log_style);
    if (options.log_threshold) set_log_level(*options.log_threshold);
    set_log_rate(options.log_rate);
    if (!app_system) {
      own_system.emplace(system_config(own_config, options, channels));
      app_system = &*own_system;
    }
    clustered = channels.cluster.enabled();
    system = app_system;
    rt = std::make_unique<runtime>(*system, std::move(channels));
    if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0)
      throw std::runtime_error(std::string{"pipe: "} + std::strerror(errno));
  }

  ~impl() {
    edge.reset();
    rt->stop();
    rt.reset();
    if (own_system) {
      own_system->await_all_actors_done();
      // CAF 0.17's middleman joins its I/O thread on destruction, which waits for bytes
      // still queued to a peer: behind a frozen peer, forever. The drain is over by
      // now; past a short grace the process ends rather than hang (docs/cluster.md).
      std::mutex m;
      std::condition_variable cv;
      bool done = false;
      std::thread watchdog;
      if (clustered && exit_watchdog.count() > 0)
        watchdog = std::thread{[&, grace = exit_watchdog] {
          std::unique_lock<std::mutex> lock{m};
          if (cv.wait_for(lock, grace, [&] { return done; })) return;
          log_line(log_level::warn, "cluster", "shutdown waits on a peer that does not read: exiting now");
          std::fflush(stdout);
          std::_Exit(0);
        }};
      own_system.reset();
      {
        std::lock_guard<std::mutex> lock{m};
        done = true;
      }
      cv.notify_all();
      if (watchdog.joinable()) watchdog.join();
    }
    ::close(wake[0]);
    ::close(wake[1]);
  }

  server_options options;
  bool clustered = false;
  std::chrono::milliseconds exit_watchdog{2000};
  caf::actor_system_config own_config;
  std::optional<caf::actor_system> own_system;  // (declared after its config: destroyed first)
  caf::actor_system* system = nullptr;
  std::unique_ptr<runtime> rt;
  std::unique_ptr<listener> edge;
  std::mutex stop_mutex;
  bool stopped = false;
  int wake[2] = {-1, -1};  // run() waits on [0]; signals and stop() write to [1]
};

server::server(server_options options, channel_config channels)
  : impl_(std::make_unique<impl>(nullptr, std::move(options), std::move(channels))) {}

server::server(caf::actor_system& system, server_options options, channel_config channels)
  : impl_(std::make_unique<impl>(&system, std::move(options), std::move(channels))) {}

server::~server() {
  stop();
  impl_.reset();
}

caf::actor_system& server::system() noexcept { return *impl_->system; }
pubsub server::bus() const { return impl_->rt->bus(); }
runtime& server::channels() noexcept { return *impl_->rt; }
runtime_stats& server::stats() noexcept { return impl_->rt->stats(); }
const server_options& server::options() const noexcept { return impl_->options; }
void server::add_channel(channel_def def) { impl_->rt->add_channel(std::move(def)); }
void server::set_connect(connect_callback connect) { impl_->rt->set_connect(std::move(connect)); }

std::uint16_t server::start() {
  auto& d = *impl_;
  if (d.edge) throw std::logic_error("server already started");
  auto fds = raise_open_file_limit();
  presize_descriptor_table(fds);
  log_line(log_level::info, "server", "open-file limit " + std::to_string(fds));
  // The cluster port first: a node that cannot join its cluster must not take clients.
  if (d.clustered) start_cluster(*d.system, *d.rt);
  d.edge = std::make_unique<listener>(*d.rt, d.options);
  return d.edge->start();
}

void server::stop(std::uint16_t code, const std::string& reason) {
  auto& d = *impl_;
  {
    std::lock_guard<std::mutex> lock{d.stop_mutex};
    if (!d.edge || d.stopped) return;
    d.stopped = true;
  }
  d.edge->stop(code, reason);
  char byte = 0;
  (void)!::write(d.wake[1], &byte, 1);  // wakes run() if it waits
}

int server::run(bool handle_signals) {
  auto& d = *impl_;
  struct sigaction old_int{}, old_term{};
  if (handle_signals) {
    signal_pipe_write = d.wake[1];
    struct sigaction act{};
    act.sa_handler = on_stop_signal;
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_RESTART;
    sigaction(SIGINT, &act, &old_int);
    sigaction(SIGTERM, &act, &old_term);
  }
  int code = 0;
  try {
    auto port = start();
    std::printf("listening on %s:%u%s\n", d.options.host.c_str(), unsigned(port),
                d.options.tls_cert_file.empty() ? "" : " (TLS)");
    std::fflush(stdout);
    unsigned char byte = 0;
    for (;;) {
      pollfd p{d.wake[0], POLLIN, 0};
      if (::poll(&p, 1, -1) < 0 && errno == EINTR) continue;
      if (::read(d.wake[0], &byte, 1) == 1) break;
    }
    if (byte != 0)
      log_line(log_level::info, "server", std::string{"signal "} + strsignal(byte) + ": draining");
    stop();
  } catch (const std::exception& e) {
    log_line(log_level::error, "server", e.what());
    code = 1;
  }
  if (handle_signals) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    signal_pipe_write = -1;
  }
  return code;
}

} // namespace chorus
