#include "serve.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <sched.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>

#include "actors/log.hpp"
#include "actors/runtime.hpp"
#include "net/server.hpp"

namespace chorus::examples {

namespace {

using setter = std::function<void(const std::string&)>;
struct flag {
  const char* help;
  setter set;
};

template <class T>
setter number(T& out) {
  return [&out](const std::string& v) {
    char* end = nullptr;
    auto n = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0') throw std::invalid_argument("not a number: \"" + v + "\"");
    out = static_cast<T>(n);
  };
}

setter text(std::string& out) {
  return [&out](const std::string& v) { out = v; };
}

template <class Rep, class Period>
setter millis(std::chrono::duration<Rep, Period>& out) {
  return [&out](const std::string& v) {
    std::size_t ms = 0;
    number(ms)(v);
    out = std::chrono::milliseconds{ms};
  };
}

} // namespace

int serve(int argc, char** argv, serve_defaults defaults, const std::function<void(channel_config&)>& define) {
  channel_config channels;
  server_options net;
  net.static_dirs = std::move(defaults.static_dirs);
  std::size_t workers = available_cores();
  std::string origins;
  std::string sched_batch = "on";
  std::string policy = "sharing";
  std::string slow = "close";

  std::map<std::string, flag> flags{
    {"--host", {"address to listen on (127.0.0.1)", text(net.host)}},
    {"--port", {"port; 0 picks a free one (4000)", number(net.port)}},
    {"--mount", {"socket path; \":name\" segments are route params (/socket)", text(net.mount)}},
    {"--heartbeat-timeout", {"seconds of client silence before close 1001 (60)", number(channels.heartbeat_timeout_s)}},
    {"--max-channels-per-socket", {"channels one connection may join (16)", number(channels.max_channels_per_socket)}},
    {"--max-topics", {"live topics on this node (64)", number(channels.max_topics)}},
    {"--max-subscribers", {"subscribers per topic (256)", number(channels.max_subscribers)}},
    {"--max-outbound-bytes", {"bytes queued per connection before close 1013 (1048576)", number(net.max_outbound_bytes)}},
    {"--slow-consumer", {"at the outbound cap: close (1013) | drop (count and discard) (close)", text(slow)}},
    {"--max-json-depth", {"arrays/objects an inbound frame may nest before close 1007 (128)", number(channels.max_json_depth)}},
    {"--max-frame-bytes", {"largest inbound message before close 1009 (1048576)", number(net.max_frame_bytes)}},
    {"--max-connections", {"open WebSockets before HTTP 503 (100000)", number(net.max_connections)}},
    {"--handshake-timeout-ms", {"time to finish the upgrade (10000)", millis(net.handshake_timeout)}},
    {"--close-timeout-ms", {"time for a peer to answer a close before the TCP reset (2000)", millis(net.close_timeout)}},
    {"--drain-timeout-ms", {"time for clean closes on shutdown (5000)", millis(net.drain_timeout)}},
    {"--drain-batch", {"connections told to close per drain step (500)", number(net.drain_batch)}},
    {"--drain-interval-ms", {"time between drain steps (50)", millis(net.drain_interval)}},
    {"--tls-cert", {"PEM certificate chain: serve https/wss (off)", text(net.tls_cert_file)}},
    {"--tls-key", {"PEM private key for --tls-cert", text(net.tls_key_file)}},
    {"--check-origin", {"same-host | off | a comma-separated allow-list (same-host)", text(origins)}},
    {"--rate-limit", {"inbound messages per second per connection; 0 = off (0)", number(channels.rate_limit_per_s)}},
    {"--rate-burst", {"messages a connection may send at once (50)", number(channels.rate_limit_burst)}},
    {"--io-threads", {"io threads (one per core)", number(net.io_threads)}},
    {"--workers", {"CAF scheduler threads (one per core)", number(workers)}},
    {"--scheduler", {"CAF scheduler policy: sharing | stealing (sharing)", text(policy)}},
    {"--sched-batch", {"run every thread under SCHED_BATCH: on | off (on)", text(sched_batch)}},
  };
  for (std::size_t i = 0; i < net.static_dirs.size(); ++i) {
    auto& [prefix, dir] = net.static_dirs[i];
    flags.emplace("--static" + (prefix == "/" ? std::string{} : "-" + prefix.substr(1)),
                  flag{"directory served at this URL prefix", text(dir)});
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << "usage: " << defaults.name << " [flags]\n";
      for (auto& [name, f] : flags) std::printf("  %-26s %s\n", name.c_str(), f.help);
      return 0;
    }
    std::string value;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    }
    try {
      auto it = flags.find(arg);
      if (it == flags.end()) throw std::invalid_argument("unknown flag " + arg + " (see --help)");
      it->second.set(value);
    } catch (const std::exception& e) {
      std::cerr << defaults.name << ": " << e.what() << "\n";
      return 2;
    }
  }
  if (slow != "close" && slow != "drop") {
    std::cerr << defaults.name << ": --slow-consumer must be close or drop\n";
    return 2;
  }
  if (slow == "drop") net.on_slow_consumer = server_options::slow_consumer_policy::drop;
  if (origins == "off") net.check_origin = protocol::origin_policy::off;
  else if (!origins.empty() && origins != "same-host") {
    net.check_origin = protocol::origin_policy::allow_list;
    for (std::size_t pos = 0; pos <= origins.size();) {
      auto comma = origins.find(',', pos);
      net.allowed_origins.push_back(origins.substr(pos, comma - pos));
      pos = comma == std::string::npos ? origins.size() + 1 : comma + 1;
    }
  }
  define(channels);

  // Signals are taken by sigwait below, never by an arbitrary thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // SCHED_BATCH (inherited by every thread started below): a woken thread does not
  // preempt the running one, so the io thread finishes its pass (reading many frames)
  // before the actor worker runs, and the worker handles all of them before the io
  // thread flushes. On a shared core this turns a context switch per message into one
  // per batch (measured: 3.6 M → 5.3 M broadcast frames/s, README "Performance"). An
  // idle CPU still runs a woken thread at once, so quiet-time latency is unchanged.
  if (sched_batch == "on") {
    sched_param param{};
    if (sched_setscheduler(0, SCHED_BATCH, &param) != 0)
      log_line(log_level::warn, defaults.name, std::string{"SCHED_BATCH not available: "} + std::strerror(errno));
  }
  auto fds = raise_open_file_limit();
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", workers);
  // "sharing": idle workers block on a condition variable. CAF's work stealing polls
  // with short sleeps instead, which on a busy shared core costs a context switch
  // every 50 us per idle worker.
  if (policy != "sharing" && policy != "stealing") {
    std::cerr << defaults.name << ": --scheduler must be sharing or stealing\n";
    return 2;
  }
  cfg.set("scheduler.policy", policy == "sharing" ? caf::atom("sharing") : caf::atom("stealing"));
  cfg.set("scheduler.max-throughput", 300);  // a busy socket cannot hold a worker forever
  int code = 0;
  {
    caf::actor_system sys{cfg};
    std::unique_ptr<runtime> rt;
    std::unique_ptr<server> srv;
    try {
      rt = std::make_unique<runtime>(sys, std::move(channels));
      srv = std::make_unique<server>(*rt, net);
      auto port = srv->start();
      log_line(log_level::info, defaults.name, "open-file limit " + std::to_string(fds));
      std::printf("listening on %s:%u%s\n", net.host.c_str(), unsigned(port), net.tls_cert_file.empty() ? "" : " (TLS)");
      std::fflush(stdout);
      int sig = 0;
      sigwait(&stop_signals, &sig);
      log_line(log_level::info, defaults.name, std::string{"signal "} + strsignal(sig) + ": draining");
      srv->stop(1012, "server restart");
    } catch (const std::exception& e) {
      std::cerr << defaults.name << ": " << e.what() << "\n";
      code = 1;
    }
    srv.reset();
    if (rt) rt->stop();
    rt.reset();
    sys.await_all_actors_done();
  }
  return code;
}

} // namespace chorus::examples
