// The chat example: chorus serving the seed's chat room and a browser page on
// http://HOST:PORT/. Prints "listening on HOST:PORT" once it accepts connections.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>

#include "actors/log.hpp"
#include "actors/runtime.hpp"
#include "chat_channels.hpp"
#include "net/server.hpp"

namespace {

struct flag {
  const char* help;
  std::function<void(const std::string&)> set;
};

template <class T>
std::function<void(const std::string&)> number(T& out) {
  return [&out](const std::string& v) {
    char* end = nullptr;
    auto n = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0') throw std::invalid_argument("not a number: " + v);
    out = static_cast<T>(n);
  };
}

std::function<void(const std::string&)> text(std::string& out) {
  return [&out](const std::string& v) { out = v; };
}

} // namespace

int main(int argc, char** argv) {
  chorus::channel_config channels;
  chorus::server_options net;
  net.port = 4000;
  std::size_t workers = std::max(1u, std::thread::hardware_concurrency());
  std::string static_dir = CHORUS_CHAT_STATIC_DIR;
  std::string phoenix_dir = CHORUS_PHOENIX_JS_DIR;
  std::size_t handshake_ms = net.handshake_timeout.count(), drain_ms = net.drain_timeout.count();

  std::map<std::string, flag> flags{
    {"--host", {"address to listen on (127.0.0.1)", text(net.host)}},
    {"--port", {"port; 0 picks a free one (4000)", number(net.port)}},
    {"--mount", {"socket path (/socket; clients use /socket/websocket)", text(net.mount)}},
    {"--heartbeat-timeout", {"seconds of client silence before close 1001 (60)", number(channels.heartbeat_timeout_s)}},
    {"--max-channels-per-socket", {"channels one connection may join (16)", number(channels.max_channels_per_socket)}},
    {"--max-topics", {"live topics on this node (64)", number(channels.max_topics)}},
    {"--max-subscribers", {"subscribers per topic (256)", number(channels.max_subscribers)}},
    {"--max-outbound-bytes", {"bytes queued per connection before close 1013 (1048576)", number(net.max_outbound_bytes)}},
    {"--max-frame-bytes", {"largest inbound message before close 1009 (1048576)", number(net.max_frame_bytes)}},
    {"--max-connections", {"open WebSockets before HTTP 503 (100000)", number(net.max_connections)}},
    {"--handshake-timeout-ms", {"time to finish the upgrade (10000)", number(handshake_ms)}},
    {"--drain-timeout-ms", {"time for clean closes on shutdown (5000)", number(drain_ms)}},
    {"--io-threads", {"io threads (one per core)", number(net.io_threads)}},
    {"--workers", {"CAF scheduler threads (one per core)", number(workers)}},
    {"--static", {"directory served at / (the example page)", text(static_dir)}},
    {"--phoenix-js", {"directory of the npm phoenix client's priv/static, served at /vendor/", text(phoenix_dir)}},
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << "usage: chat_server [flags]\n";
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
    auto it = flags.find(arg);
    try {
      if (it == flags.end()) throw std::invalid_argument("unknown flag " + arg + " (see --help)");
      it->second.set(value);
    } catch (const std::exception& e) {
      std::cerr << "chat_server: " << e.what() << "\n";
      return 2;
    }
  }
  net.handshake_timeout = std::chrono::milliseconds{handshake_ms};
  net.drain_timeout = std::chrono::milliseconds{drain_ms};
  net.static_dirs = {{"/vendor", phoenix_dir}, {"/", static_dir}};
  channels.channels.push_back(chat::room_channel());

  // Signals are taken by sigwait below, never by an arbitrary thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto fds = chorus::raise_open_file_limit();
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", workers);
  cfg.set("scheduler.max-throughput", 300);  // one busy socket cannot hold a worker
  {
    caf::actor_system sys{cfg};
    std::unique_ptr<chorus::runtime> rt;
    std::unique_ptr<chorus::server> srv;
    try {
      rt = std::make_unique<chorus::runtime>(sys, std::move(channels));
      srv = std::make_unique<chorus::server>(*rt, net);
      auto port = srv->start();
      chorus::log_line(chorus::log_level::info, "chat", "open-file limit " + std::to_string(fds));
      std::printf("listening on %s:%u\n", net.host.c_str(), unsigned(port));
      std::fflush(stdout);
    } catch (const std::exception& e) {
      std::cerr << "chat_server: " << e.what() << "\n";
      if (rt) rt->stop();
      return 1;
    }
    int sig = 0;
    sigwait(&stop_signals, &sig);
    chorus::log_line(chorus::log_level::info, "chat", std::string{"signal "} + strsignal(sig) + ": draining");
    srv->stop(1012, "server restart");
    rt->stop();
    srv.reset();
    rt.reset();
    sys.await_all_actors_done();
  }
  return 0;
}
