#include "net/command_line.hpp"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <stdexcept>

namespace chorus {

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
    if (v.empty() || *end != '\0' || v[0] == '-') throw std::invalid_argument("not a number: \"" + v + "\"");
    if (n > static_cast<unsigned long long>(std::numeric_limits<T>::max()))
      throw std::invalid_argument("out of range: \"" + v + "\"");
    out = static_cast<T>(n);
  };
}

setter decimal(double& out) {
  return [&out](const std::string& v) {
    char* end = nullptr;
    auto n = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || n < 0) throw std::invalid_argument("not a non-negative number: \"" + v + "\"");
    out = n;
  };
}

setter text(std::string& out) {
  return [&out](const std::string& v) { out = v; };
}

setter millis(std::chrono::milliseconds& out) {
  return [&out](const std::string& v) {
    std::size_t ms = 0;
    number(ms)(v);
    out = std::chrono::milliseconds{ms};
  };
}

template <class Enum>
setter choice(Enum& out, std::map<std::string, Enum> names) {
  return [&out, names = std::move(names)](const std::string& v) {
    auto it = names.find(v);
    if (it == names.end()) {
      std::string known;
      for (auto& [name, _] : names) known += (known.empty() ? "" : " | ") + name;
      throw std::invalid_argument("\"" + v + "\" is not one of " + known);
    }
    out = it->second;
  };
}

/// "host:port" with a port in range.
setter address(std::string& out) {
  return [&out](const std::string& v) {
    auto colon = v.rfind(':');
    std::uint16_t port = 0;
    if (colon == std::string::npos || colon == 0) throw std::invalid_argument("not HOST:PORT: \"" + v + "\"");
    number(port)(v.substr(colon + 1));
    out = v;
  };
}

setter addresses(std::vector<std::string>& out) {
  return [&out](const std::string& v) {
    out.clear();
    for (std::size_t pos = 0; pos < v.size();) {
      auto comma = v.find(',', pos);
      auto one = v.substr(pos, comma - pos);
      if (!one.empty()) {
        out.emplace_back();
        address(out.back())(one);
      }
      pos = comma == std::string::npos ? v.size() : comma + 1;
    }
  };
}

setter origins(server_options& o) {
  return [&o](const std::string& v) {
    o.allowed_origins.clear();
    if (v == "off") {
      o.check_origin = protocol::origin_policy::off;
    } else if (v == "same-host" || v.empty()) {
      o.check_origin = protocol::origin_policy::same_host;
    } else {
      o.check_origin = protocol::origin_policy::allow_list;
      for (std::size_t pos = 0; pos <= v.size();) {
        auto comma = v.find(',', pos);
        o.allowed_origins.push_back(v.substr(pos, comma - pos));
        pos = comma == std::string::npos ? v.size() + 1 : comma + 1;
      }
    }
  };
}

} // namespace

command_line parse_command_line(int argc, char** argv, std::string_view program,
                                std::vector<std::pair<std::string, std::string>> static_dirs,
                                command_line defaults) {
  command_line cl = std::move(defaults);
  auto& net = cl.options;
  auto& channels = cl.channels;
  if (!static_dirs.empty()) net.static_dirs = std::move(static_dirs);
  std::string slow_help = "at the outbound cap: close (1013) | drop (count and discard) (close)";
  bool sched_batch = net.sched_batch;

  std::map<std::string, flag> flags{
    {"--host", {"address to listen on (127.0.0.1)", text(net.host)}},
    {"--port", {"port; 0 picks a free one (4000)", number(net.port)}},
    {"--mount", {"socket path; \":name\" segments are route params (/socket)", text(net.mount)}},
    {"--heartbeat-timeout", {"seconds of client silence before close 1001 (60)", number(channels.heartbeat_timeout_s)}},
    {"--max-channels-per-socket", {"channels one connection may join (16)", number(channels.max_channels_per_socket)}},
    {"--max-topics", {"live topics on this node (64)", number(channels.max_topics)}},
    {"--max-subscribers", {"subscribers per topic (256)", number(channels.max_subscribers)}},
    {"--max-json-depth", {"arrays/objects an inbound frame may nest before close 1007 (128)", number(channels.max_json_depth)}},
    {"--max-outbound-bytes", {"bytes queued per connection before close 1013 (1048576)", number(net.max_outbound_bytes)}},
    {"--slow-consumer", {slow_help.c_str(), choice(net.on_slow_consumer, {{"close", server_options::slow_consumer_policy::close},
                                                                         {"drop", server_options::slow_consumer_policy::drop}})}},
    {"--max-frame-bytes", {"largest inbound message before close 1009 (1048576)", number(net.max_frame_bytes)}},
    {"--max-connections", {"open WebSockets before HTTP 503 (100000)", number(net.max_connections)}},
    {"--handshake-timeout-ms", {"time to finish the upgrade (10000)", millis(net.handshake_timeout)}},
    {"--close-timeout-ms", {"time for a peer to answer a close before the TCP reset (2000)", millis(net.close_timeout)}},
    {"--drain-timeout-ms", {"time for clean closes on shutdown (5000)", millis(net.drain_timeout)}},
    {"--drain-batch", {"connections told to close per drain step (500)", number(net.drain_batch)}},
    {"--drain-interval-ms", {"time between drain steps (50)", millis(net.drain_interval)}},
    {"--tls-cert", {"PEM certificate chain: serve https/wss (off)", text(net.tls_cert_file)}},
    {"--tls-key", {"PEM private key for --tls-cert", text(net.tls_key_file)}},
    {"--check-origin", {"same-host | off | a comma-separated allow-list (same-host)", origins(net)}},
    {"--rate-limit", {"inbound messages per second per connection; 0 = off (0)", decimal(channels.rate_limit_per_s)}},
    {"--rate-burst", {"messages a connection may send at once (50)", decimal(channels.rate_limit_burst)}},
    {"--io-threads", {"io threads (one per core)", number(net.io_threads)}},
    {"--workers", {"CAF scheduler threads (one per core)", number(net.workers)}},
    {"--scheduler", {"CAF scheduler policy: sharing | stealing (sharing)",
                     choice(net.scheduler, {{"sharing", server_options::scheduler_policy::sharing},
                                            {"stealing", server_options::scheduler_policy::stealing}})}},
    {"--node-name", {"this node's name in the cluster (the --cluster-bind address)", text(channels.cluster.node_name)}},
    {"--cluster-bind", {"HOST:PORT of this node's cluster link; empty = one node (empty)", address(channels.cluster.bind)}},
    {"--cluster-peers", {"seed nodes, HOST:PORT,... (none)", addresses(channels.cluster.peers)}},
    {"--cluster-name", {"nodes of another cluster are refused (chorus)", text(channels.cluster.cluster_name)}},
    {"--cluster-heartbeat-ms", {"heartbeat between nodes (1000)", millis(channels.cluster.heartbeat)}},
    {"--cluster-timeout-ms", {"silence after which a node is dropped; same on every node (5000)", millis(channels.cluster.timeout)}},
    {"--cluster-max-queued-bytes", {"bytes a peer may have queued or unacknowledged (8388608)", number(channels.cluster.max_queued_bytes)}},
    {"--cluster-on-overflow", {"at that cap: drop (count) | cut (drop the peer, redial) (drop)",
                               choice(channels.cluster.on_overflow, {{"drop", cluster_config::overflow_policy::drop},
                                                                    {"cut", cluster_config::overflow_policy::cut}})}},
    {"--log-format", {"operator log lines: text | logfmt | json (text)",
                      choice(net.log_style, {{"text", log_format::text}, {"logfmt", log_format::logfmt}, {"json", log_format::json}})}},
    {"--log-level", {"least severe line written: debug | info | warn | error (info, or CHORUS_LOG)",
                     [&net](const std::string& v) {
                       auto level = parse_log_level(v);
                       if (!level) throw std::invalid_argument("\"" + v + "\" is not one of debug | info | warn | error");
                       net.log_threshold = level;
                     }}},
    {"--log-rate", {"log lines per second per component below error; 0 = unlimited (100)", decimal(net.log_rate)}},
    {"--socket-actors", {"where socket actors run: io (the io thread of their connection) | workers (io)",
                         choice(net.socket_actors, {{"io", server_options::socket_actor_placement::io_threads},
                                                    {"workers", server_options::socket_actor_placement::workers}})}},
    {"--sched-batch", {"run every thread under SCHED_BATCH: on | off (on)", choice(sched_batch, {{"on", true}, {"off", false}})}},
  };
  for (auto& [prefix, dir] : net.static_dirs)
    flags.emplace("--static" + (prefix == "/" ? std::string{} : "-" + prefix.substr(1)),
                  flag{"directory served at this URL prefix", text(dir)});

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << "usage: " << program << " [flags]\n";
      for (auto& [name, f] : flags) std::printf("  %-26s %s\n", name.c_str(), f.help);
      std::fflush(stdout);
      cl.exit_code = 0;
      return cl;
    }
    std::string value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    } else if (i + 1 < argc) {
      value = argv[++i];
      has_value = true;
    }
    try {
      auto it = flags.find(arg);
      if (it == flags.end()) throw std::invalid_argument("unknown flag " + arg + " (see --help)");
      if (!has_value) throw std::invalid_argument(arg + " needs a value");
      it->second.set(value);
    } catch (const std::exception& e) {
      std::cerr << program << ": " << arg << ": " << e.what() << "\n";
      cl.exit_code = 2;
      return cl;
    }
  }
  net.sched_batch = sched_batch;
  return cl;
}

} // namespace chorus
