// chorus_bench: a load generator for any Phoenix Channels server (V2 serializer).
//   fanout  S subscribers + 1 publisher on one topic; the publisher pushes "new_msg"
//           {"n":seq,"t":send_ns,"pad":...}; every subscriber checks order (lost/extra)
//           and latency. Window mode keeps at most W un-echoed messages in flight
//           (the publisher's own copy is the ack); rate mode sends R msgs/s open loop.
//   rpc     C clients send "ping" in a closed loop (one outstanding each).
//   conns   N connections join room:c<i%T>, idle with heartbeats; join latency and
//           the server's RSS per connection.
// One JSON object on stdout; a summary on stderr. Single-threaded epoll.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ws_client.hpp"

using namespace bench;

namespace {

struct options {
  std::string mode;
  std::string url = "ws://127.0.0.1:4000/socket";
  std::string topic = "room:bench";
  double duration = 10, warmup = 1, drain = 3, hold = 10, hb_interval = 30;
  std::size_t subs = 256, window = 32, payload = 64, clients = 50, conns = 1000, topics = 10, rate = 0;
  std::size_t fanout_topics = 1;  // fanout: subscribers spread over this many topics
  std::size_t conn_rate = 2000, max_pending = 256;
  std::string server_pid = "auto";
  /// fanout across a cluster: subscribers spread round-robin over --url and these (the
  /// publisher stays on --url).
  std::vector<std::string> sub_urls;
  /// fanout window: "echo" counts a message done when the publisher's own copy returns;
  /// "all" when every subscriber has it (what a window must wait for across nodes).
  std::string ack = "echo";
  /// With --sub-urls: no subscriber on --url (only the publisher), so --url's node does
  /// nothing but read, echo and forward (the cost of a forwarded broadcast).
  bool remote_subs_only = false;
};

/// Latency histogram: 1 us buckets to 10 ms, then 100 us buckets to 10 s.
class histogram {
public:
  void add(std::uint64_t ns) {
    auto us = ns / 1000;
    std::size_t b = us < 10000 ? us : std::min<std::size_t>(10000 + (us - 10000) / 100, buckets_.size() - 1);
    ++buckets_[b];
    ++count_;
    sum_us_ += double(us);
  }
  double percentile(double p) const {
    if (count_ == 0) return 0;
    auto target = std::uint64_t(std::ceil(p * double(count_)));
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < buckets_.size(); ++b) {
      seen += buckets_[b];
      if (seen >= target) return b < 10000 ? double(b) : 10000.0 + double(b - 10000) * 100;
    }
    return 0;
  }
  std::uint64_t count() const { return count_; }
  double mean() const { return count_ ? sum_us_ / double(count_) : 0; }

private:
  std::vector<std::uint64_t> buckets_ = std::vector<std::uint64_t>(10000 + 100000, 0);
  std::uint64_t count_ = 0;
  double sum_us_ = 0;
};

struct target {
  sockaddr_in addr{};
  std::string host, path;
  std::uint16_t port = 0;
  bool tls = false;  // wss://
};

target parse_url(const std::string& url) {
  target t;
  t.tls = url.rfind("wss://", 0) == 0;
  std::string rest = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  t.path = slash == std::string::npos ? "/socket" : rest.substr(slash);
  auto colon = hostport.rfind(':');
  t.host = hostport;
  std::string ip = colon == std::string::npos ? hostport : hostport.substr(0, colon);
  t.port = colon == std::string::npos ? (t.tls ? 443 : 80) : std::uint16_t(std::stoi(hostport.substr(colon + 1)));
  if (ip == "localhost") ip = "127.0.0.1";
  t.addr.sin_family = AF_INET;
  t.addr.sin_port = htons(t.port);
  inet_pton(AF_INET, ip.c_str(), &t.addr.sin_addr);
  auto q = t.path.find('?');
  std::string p = t.path.substr(0, q);
  if (p.size() < 10 || p.compare(p.size() - 10, 10, "/websocket") != 0) p += "/websocket";
  t.path = p + (q == std::string::npos ? "?vsn=2.0.0" : t.path.substr(q) + "&vsn=2.0.0");
  return t;
}

/// The process listening on `port` (via /proc/net/tcp and /proc/*/fd), or -1.
long find_listener(std::uint16_t port) {
  std::ifstream tcp{"/proc/net/tcp"};
  std::string line, inode;
  std::getline(tcp, line);
  char want[8];
  std::snprintf(want, sizeof want, ":%04X", port);
  while (std::getline(tcp, line)) {
    std::istringstream in{line};
    std::string sl, local, remote, st, q, tm, retr, uid, timeout, ino;
    in >> sl >> local >> remote >> st >> q >> tm >> retr >> uid >> timeout >> ino;
    if (st == "0A" && local.size() >= 5 && local.substr(local.size() - 5) == want) inode = ino;
  }
  if (inode.empty()) return -1;
  std::string needle = "socket:[" + inode + "]";
  DIR* proc = opendir("/proc");
  long found = -1;
  while (auto* e = proc ? readdir(proc) : nullptr) {
    long pid = std::atol(e->d_name);
    if (pid <= 0) continue;
    std::string fddir = "/proc/" + std::string{e->d_name} + "/fd";
    DIR* fds = opendir(fddir.c_str());
    while (auto* f = fds ? readdir(fds) : nullptr) {
      char link[256];
      auto n = readlink((fddir + "/" + f->d_name).c_str(), link, sizeof link - 1);
      if (n > 0 && std::string_view{link, std::size_t(n)} == needle) found = pid;
    }
    if (fds) closedir(fds);
    if (found > 0) break;
  }
  if (proc) closedir(proc);
  return found;
}

long rss_kb(long pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string key;
  long value = -1;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> value;
      break;
    }
  }
  return value;
}

double cpu_seconds(long pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string s((std::istreambuf_iterator<char>(in)), {});
  auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest{s.substr(close + 2)};
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoul(field);
    if (i == 15) stime = std::stoul(field);
  }
  return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

/// Reads "n" and "t" from a broadcast's payload (the load generator does not parse JSON
/// in full: it knows what it sent; servers may reorder keys, as Phoenix and chorus do).
bool seq_and_time(std::string_view frame, std::uint64_t& n, std::uint64_t& t) {
  auto brace = frame.find('{');
  if (brace == std::string_view::npos) return false;
  auto number_after = [&](std::string_view key, std::uint64_t& out) {
    auto k = frame.find(key, brace);
    if (k == std::string_view::npos) return false;
    out = 0;
    auto i = k + key.size();
    auto start = i;
    for (; i < frame.size() && frame[i] >= '0' && frame[i] <= '9'; ++i) out = out * 10 + std::uint64_t(frame[i] - '0');
    return i > start;
  };
  return number_after("\"n\":", n) && number_after("\"t\":", t);
}

class runner {
public:
  explicit runner(options o) : opt_(std::move(o)), tgt_(parse_url(opt_.url)) {
    for (auto& u : opt_.sub_urls) sub_tgts_.push_back(parse_url(u));
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    pid_ = opt_.server_pid == "auto" ? find_listener(tgt_.port) : std::atol(opt_.server_pid.c_str());
  }

  ws_client& open(std::size_t index, const target* where = nullptr) {
    clients_.push_back(std::make_unique<ws_client>());
    auto& c = *clients_.back();
    c.index = index;
    c.write_list = &write_list_;
    if (!where) where = &tgt_;
    if (where->tls && !tls_) {
      // A load generator against test servers: self-signed certificates are expected, so
      // nothing is verified.
      tls_ = SSL_CTX_new(TLS_client_method());
      SSL_CTX_set_verify(tls_, SSL_VERIFY_NONE, nullptr);
      SSL_CTX_set_mode(tls_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    }
    if (!c.start(where->addr, where->host, where->path, where->tls ? tls_ : nullptr)) {
      ++connect_fail_;
      c.st = ws_client::state::closed;
      return c;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP;
    ev.data.ptr = &c;
    epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    return c;
  }

  /// Runs the loop until `done()` or the deadline; `tick` runs about every millisecond.
  template <class Done, class Tick>
  void run(std::uint64_t deadline_ns, Done done, Tick tick) {
    std::array<epoll_event, 1024> events;
    while (!done() && now_ns() < deadline_ns) {
      int n = epoll_wait(ep_, events.data(), int(events.size()), 1);
      for (int i = 0; i < n; ++i) {
        auto* c = static_cast<ws_client*>(events[i].data.ptr);
        if (c->st == ws_client::state::closed) continue;
        if (events[i].events & EPOLLOUT) c->on_writable();
        if (c->st != ws_client::state::closed && (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)))
          c->on_readable();
      }
      tick();
      // every frame queued in this pass leaves now, one write per connection
      for (std::size_t i = 0; i < write_list_.size(); ++i) write_list_[i]->write_queued();
      write_list_.clear();
    }
  }

  std::string join_frame(const std::string& topic) { return "[\"1\",\"1\",\"" + topic + "\",\"phx_join\",{}]"; }
  static bool is_join_ok(std::string_view f) {
    return f.rfind("[\"1\",\"1\",", 0) == 0 && f.find("\"status\":\"ok\"") != std::string_view::npos;
  }

  int fanout();
  int rpc();
  int conns();

  void server_stats_begin() {
    if (pid_ > 0) {
      rss_before_ = rss_kb(pid_);
      cpu_before_ = cpu_seconds(pid_);
    }
  }

  options opt_;
  target tgt_;
  std::vector<target> sub_tgts_;
  int ep_ = -1;
  long pid_ = -1;
  long rss_before_ = -1;
  double cpu_before_ = 0;
  std::vector<std::unique_ptr<ws_client>> clients_;
  std::vector<ws_client*> write_list_;  // clients with frames queued in this loop pass
  SSL_CTX* tls_ = nullptr;              // for wss:// targets (shared by their clients)
  std::size_t connect_fail_ = 0, closed_ = 0, joined_ = 0, join_fail_ = 0;
};

std::string latency_json(const histogram& h) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "{\"samples\":%llu,\"p50_us\":%.0f,\"p90_us\":%.0f,\"p99_us\":%.0f,\"p999_us\":%.0f,\"mean_us\":%.1f}",
                (unsigned long long)h.count(), h.percentile(0.5), h.percentile(0.9), h.percentile(0.99), h.percentile(0.999), h.mean());
  return buf;
}

int runner::fanout() {
  struct sub_state {
    std::uint64_t expected = 0, received = 0, lost = 0, extra = 0;
  };
  std::vector<sub_state> subs(opt_.subs + 1);
  // Subscriber i is on topic i mod T; the publisher (index subs) is on every topic and
  // publishes to them in turn, each topic with its own sequence numbers.
  const std::size_t topics = std::max<std::size_t>(1, opt_.fanout_topics);
  auto topic_name = [&](std::size_t t) { return topics == 1 ? opt_.topic : opt_.topic + ":" + std::to_string(t); };
  auto is_publisher = [&](std::size_t i) { return i == opt_.subs; };
  std::vector<std::uint64_t> published_in(topics, 0);
  // What member i should have received by now (the publisher: every echo) and still waits for.
  std::uint64_t published = 0;
  auto due = [&](std::size_t i) { return is_publisher(i) ? published : published_in[i % topics]; };
  auto missing = [&](std::size_t i) { return due(i) - std::min(due(i), subs[i].expected); };
  histogram lat;
  std::uint64_t echoed = 0, measure_from = 0, measure_to = UINT64_MAX, delivered_in_window = 0;
  std::uint64_t last_frame_ns = 0;  // when any member last read a frame
  bool measuring = false, publishing = false;
  std::string pad(opt_.payload, 'x');
  for (std::size_t i = 0; i <= opt_.subs; ++i) {
    // Subscriber i on node i mod (1 + sub URLs); the publisher (the last) on --url.
    auto nodes = 1 + sub_tgts_.size();
    auto node = i == opt_.subs ? 0
                : opt_.remote_subs_only && !sub_tgts_.empty() ? 1 + i % sub_tgts_.size()
                                                               : i % nodes;
    auto& c = open(i, node == 0 ? &tgt_ : &sub_tgts_[node - 1]);
    c.on_open = [&, i](ws_client& cl) {
      if (!is_publisher(i)) return cl.send_text(join_frame(topic_name(i % topics)));
      for (std::size_t t = 0; t < topics; ++t) cl.send_text(join_frame(topic_name(t)));
    };
    c.on_close = [this](ws_client&, std::string_view why) {
      if (++closed_ <= 3) std::fprintf(stderr, "connection closed: %.*s\n", int(why.size()), why.data());
    };
    c.on_message = [&](ws_client& cl, std::string_view f, bool) {
      last_frame_ns = cl.read_ns;
      // a broadcast, or a push of the same (a channel that intercepts new_msg: handle_out)
      if (f.rfind("[null,null,", 0) == 0 || f.substr(0, 160).find("\",\"new_msg\",{") != std::string_view::npos) {
        std::uint64_t n = 0, t = 0;
        if (!seq_and_time(f, n, t)) return;
        auto& s = subs[cl.index];
        if (is_publisher(cl.index) && topics > 1) ++s.expected;  // (interleaved sequences: counted, not ordered)
        else if (n == s.expected) ++s.expected;
        else if (n > s.expected) { s.lost += n - s.expected; s.expected = n + 1; }
        else ++s.extra;
        ++s.received;
        auto now = cl.read_ns;
        if (now >= measure_from && now < measure_to) {
          ++delivered_in_window;
          lat.add(now - t);
        }
        if (cl.index == opt_.subs) ++echoed;
      } else if (is_join_ok(f)) {
        ++joined_;
      } else if (f.rfind("[\"1\",\"1\",", 0) == 0) {
        ++join_fail_;
      }
    };
  }
  auto setup_deadline = now_ns() + std::uint64_t(30e9);
  const std::size_t joins = subs.size() + topics - 1;  // the publisher joins every topic
  run(setup_deadline, [&] { return joined_ + join_fail_ + connect_fail_ + closed_ >= joins; }, [] {});
  if (joined_ < joins) {
    std::fprintf(stderr, "setup: only %zu of %zu joined\n", joined_, joins);
    return 1;
  }
  // Settle: what the joins caused is read before publishing starts (with n subscribers the
  // chat example's presence lists are n² bytes: 1 GB at 4 096, still being written seconds
  // after the last join reply).
  auto settle_deadline = now_ns() + std::uint64_t(60e9);
  run(settle_deadline, [&] { return now_ns() - last_frame_ns > std::uint64_t(300e6); }, [] {});
  server_stats_begin();
  auto& pub = *clients_.back();
  auto start = now_ns();
  measure_from = start + std::uint64_t(opt_.warmup * 1e9);
  measure_to = measure_from + std::uint64_t(opt_.duration * 1e9);
  publishing = true;
  std::uint64_t next_hb = start + std::uint64_t(opt_.hb_interval * 1e9), hb_ref = 0;
  auto publish = [&] {
    char head[96];
    std::snprintf(head, sizeof head, "[\"1\",\"%llu\",\"", (unsigned long long)published + 2);
    auto topic = published % topics;
    std::string frame = head + topic_name(topic) + "\",\"new_msg\",{\"n\":" + std::to_string(published_in[topic]++) +
                        ",\"t\":" + std::to_string(now_ns()) + ",\"pad\":\"" + pad + "\"}]";
    pub.send_text(frame);
    ++published;
  };
  auto tick = [&] {
    auto now = now_ns();
    if (now >= measure_from && !measuring) measuring = true;
    if (now >= measure_to) publishing = false;
    if (publishing) {
      if (opt_.rate > 0) {
        auto due = std::uint64_t(double(now - start) * 1e-9 * double(opt_.rate));
        while (published < due) publish();
      } else if (opt_.ack == "all") {
        std::uint64_t behind = 0;  // the most any member still waits for
        for (std::size_t i = 0; i < subs.size(); ++i) behind = std::max(behind, missing(i));
        for (; behind < opt_.window; ++behind) publish();
      } else {
        while (published - echoed < opt_.window) publish();
      }
    }
    if (opt_.hb_interval > 0 && now >= next_hb) {
      next_hb = now + std::uint64_t(opt_.hb_interval * 1e9);
      for (auto& c : clients_) c->send_text("[null,\"hb" + std::to_string(++hb_ref) + "\",\"phoenix\",\"heartbeat\",{}]");
    }
  };
  auto everyone_has_all = [&] {
    if (publishing) return false;
    for (std::size_t i = 0; i < subs.size(); ++i)
      if (missing(i) > 0) return false;
    return true;
  };
  // Window mode publishes inside the loop whenever an echo frees a slot.
  run(measure_to + std::uint64_t(opt_.drain * 1e9), everyone_has_all, tick);
  double cpu = pid_ > 0 ? cpu_seconds(pid_) - cpu_before_ : 0;
  std::uint64_t lost = 0, extra = 0, received = 0;
  for (std::size_t i = 0; i < subs.size(); ++i) {
    auto& s = subs[i];
    s.lost += missing(i);  // never arrived
    lost += s.lost;
    extra += s.extra;
    received += s.received;
  }
  double elapsed = double(now_ns() - start) * 1e-9;
  double rate = double(delivered_in_window) / opt_.duration;
  std::fprintf(stderr, "fanout: %zu subscribers, %zu B, %s: %.0f frames/s delivered, p50 %.0f us, p99 %.0f us, lost %llu, extra %llu, server cpu %.0f%%\n",
               opt_.subs, opt_.payload, opt_.rate ? ("rate " + std::to_string(opt_.rate)).c_str() : ("window " + std::to_string(opt_.window)).c_str(),
               rate, lat.percentile(0.5), lat.percentile(0.99), (unsigned long long)lost, (unsigned long long)extra,
               100.0 * cpu / elapsed);
  std::printf("{\"mode\":\"fanout\",\"topics\":%zu,\"subs\":%zu,\"payload\":%zu,\"window\":%zu,\"rate\":%zu,\"duration\":%.1f,"
              "\"published\":%llu,\"received\":%llu,\"delivered_per_sec\":%.0f,\"lost\":%llu,\"extra\":%llu,"
              "\"latency\":%s,\"server_pid\":%ld,\"server_cpu_pct\":%.1f,\"disconnects\":%zu}\n",
              topics, opt_.subs, opt_.payload, opt_.rate ? 0 : opt_.window, opt_.rate, opt_.duration, (unsigned long long)published,
              (unsigned long long)received, rate, (unsigned long long)lost, (unsigned long long)extra,
              latency_json(lat).c_str(), pid_, 100.0 * cpu / elapsed, closed_);
  return lost == 0 && extra == 0 && closed_ == 0 ? 0 : 3;
}

int runner::rpc() {
  histogram lat;
  std::vector<std::uint64_t> sent_at(opt_.clients, 0), refs(opt_.clients, 1);
  std::uint64_t replies = 0, measure_from = UINT64_MAX, measure_to = UINT64_MAX, errors = 0;
  bool running = false;
  std::string pad(opt_.payload, 'x');
  auto ping = [&](ws_client& c) {
    sent_at[c.index] = now_ns();
    c.send_text("[\"1\",\"" + std::to_string(++refs[c.index]) + "\",\"" + opt_.topic + "\",\"ping\",{\"pad\":\"" + pad + "\"}]");
  };
  for (std::size_t i = 0; i < opt_.clients; ++i) {
    auto& c = open(i);
    c.on_open = [this](ws_client& cl) { cl.send_text(join_frame(opt_.topic)); };
    c.on_close = [this](ws_client&, std::string_view why) {
      if (++closed_ <= 3) std::fprintf(stderr, "connection closed: %.*s\n", int(why.size()), why.data());
    };
    c.on_message = [&](ws_client& cl, std::string_view f, bool) {
      if (f.rfind("[\"1\",\"1\",", 0) == 0) {
        if (is_join_ok(f)) ++joined_;
        else ++join_fail_;
        return;
      }
      if (f.find("\"phx_reply\"") == std::string_view::npos) return;
      if (f.find("\"status\":\"ok\"") == std::string_view::npos) ++errors;
      auto now = now_ns();
      if (now >= measure_from && now < measure_to) {
        ++replies;
        lat.add(now - sent_at[cl.index]);
      }
      if (running) ping(cl);
    };
  }
  run(now_ns() + std::uint64_t(30e9), [&] { return joined_ + join_fail_ + connect_fail_ + closed_ >= opt_.clients; }, [] {});
  if (joined_ < opt_.clients) {
    std::fprintf(stderr, "setup: only %zu of %zu joined\n", joined_, opt_.clients);
    return 1;
  }
  server_stats_begin();
  auto start = now_ns();
  measure_from = start + std::uint64_t(opt_.warmup * 1e9);
  measure_to = measure_from + std::uint64_t(opt_.duration * 1e9);
  running = true;
  for (auto& c : clients_) ping(*c);
  run(measure_to, [] { return false; }, [] {});
  running = false;
  double elapsed = double(now_ns() - start) * 1e-9;
  double cpu = pid_ > 0 ? cpu_seconds(pid_) - cpu_before_ : 0;
  double rate = double(replies) / opt_.duration;
  std::fprintf(stderr, "rpc: %zu clients: %.0f replies/s, p50 %.0f us, p99 %.0f us, errors %llu, server cpu %.0f%%\n",
               opt_.clients, rate, lat.percentile(0.5), lat.percentile(0.99), (unsigned long long)errors, 100.0 * cpu / elapsed);
  std::printf("{\"mode\":\"rpc\",\"clients\":%zu,\"payload\":%zu,\"duration\":%.1f,\"replies_per_sec\":%.0f,\"errors\":%llu,"
              "\"latency\":%s,\"server_pid\":%ld,\"server_cpu_pct\":%.1f,\"disconnects\":%zu}\n",
              opt_.clients, opt_.payload, opt_.duration, rate, (unsigned long long)errors, latency_json(lat).c_str(), pid_,
              100.0 * cpu / elapsed, closed_);
  return errors == 0 && closed_ == 0 ? 0 : 3;
}

int runner::conns() {
  histogram join_lat, upgrade_lat;  // connect → join reply; connect → 101
  std::size_t opened = 0, pending = 0;
  server_stats_begin();
  auto start = now_ns();
  auto tick = [&] {
    auto due = std::min<std::size_t>(opt_.conns, std::size_t(double(now_ns() - start) * 1e-9 * double(opt_.conn_rate)) + 1);
    while (opened < due && pending < opt_.max_pending) {
      auto& c = open(opened);
      std::string topic = "room:c" + std::to_string(opened % opt_.topics);
      ++opened;
      ++pending;
      c.on_open = [this, topic](ws_client& cl) { cl.send_text(join_frame(topic)); };
      c.on_close = [this, &pending](ws_client& cl, std::string_view why) {
        if (++closed_ <= 3) std::fprintf(stderr, "connection %zu closed: %.*s\n", cl.index, int(why.size()), why.data());
        (void)pending;
      };
      c.on_message = [&](ws_client& cl, std::string_view f, bool) {
        if (f.rfind("[\"1\",\"1\",", 0) != 0) return;
        --pending;
        if (is_join_ok(f)) {
          ++joined_;
          join_lat.add(now_ns() - cl.started_ns);
          upgrade_lat.add(cl.opened_ns - cl.started_ns);
        } else {
          ++join_fail_;
        }
      };
      if (c.st == ws_client::state::closed) --pending;
    }
  };
  run(start + std::uint64_t((30.0 + double(opt_.conns) / double(opt_.conn_rate)) * 1e9),
      [&] { return opened == opt_.conns && joined_ + join_fail_ + connect_fail_ + closed_ >= opt_.conns; }, tick);
  double setup_s = double(now_ns() - start) * 1e-9;
  long rss_after = pid_ > 0 ? rss_kb(pid_) : -1;
  std::uint64_t hb_ref = 0, next_hb = now_ns() + std::uint64_t(opt_.hb_interval * 1e9);
  auto hold_until = now_ns() + std::uint64_t(opt_.hold * 1e9);
  run(hold_until, [] { return false; }, [&] {
    if (opt_.hb_interval > 0 && now_ns() >= next_hb) {
      next_hb = now_ns() + std::uint64_t(opt_.hb_interval * 1e9);
      for (auto& c : clients_) c->send_text("[null,\"hb" + std::to_string(++hb_ref) + "\",\"phoenix\",\"heartbeat\",{}]");
    }
  });
  long rss_end = pid_ > 0 ? rss_kb(pid_) : -1;
  std::size_t alive = 0;
  for (auto& c : clients_) alive += c->st == ws_client::state::open;
  double per_conn = rss_before_ > 0 && joined_ > 0 ? double(rss_after - rss_before_) * 1024.0 / double(joined_) : -1;
  std::size_t failures = opt_.conns - joined_ + (joined_ - std::min(joined_, alive));
  std::fprintf(stderr, "conns: %zu of %zu joined in %.1f s (join p50 %.0f us, p99 %.0f us); %zu still open after %.0f s; "
               "server RSS %ld -> %ld kB (%.0f bytes/connection)\n",
               joined_, opt_.conns, setup_s, join_lat.percentile(0.5), join_lat.percentile(0.99), alive, opt_.hold,
               rss_before_, rss_after, per_conn);
  std::printf("{\"mode\":\"conns\",\"conns\":%zu,\"topics\":%zu,\"joined\":%zu,\"join_fail\":%zu,\"connect_fail\":%zu,"
              "\"open_after_hold\":%zu,\"failures\":%zu,\"setup_s\":%.2f,\"join_latency\":%s,\"upgrade_latency\":%s,\"server_pid\":%ld,"
              "\"rss_before_kb\":%ld,\"rss_after_setup_kb\":%ld,\"rss_end_kb\":%ld,\"bytes_per_conn\":%.0f}\n",
              opt_.conns, opt_.topics, joined_, join_fail_, connect_fail_, alive, failures, setup_s,
              latency_json(join_lat).c_str(), latency_json(upgrade_lat).c_str(), pid_, rss_before_, rss_after, rss_end, per_conn);
  return failures == 0 ? 0 : 3;
}

const char* usage =
  "usage: chorus_bench fanout|rpc|conns [options]\n"
  "  --url ws://HOST:PORT/socket   server (\"/websocket?vsn=2.0.0\" is appended); wss:// for TLS\n"
  "  --duration S (10) --warmup S (1) --drain S (3) --topic NAME (room:bench)\n"
  "  --server-pid PID|auto (auto: the process listening on the URL's port)\n"
  "  --hb-interval S (30; 0 = none)\n"
  "fanout: --subs N (256) --payload BYTES (64) --window W (32) | --rate MSGS_PER_SEC\n"
  "        --sub-urls URL,... (subscribers spread over --url and these) --ack echo|all (echo)\n"
  "        --remote-subs-only on (with --sub-urls: none on --url)\n"
  "        --fanout-topics T (1): subscriber i joins topic NAME:(i mod T); the publisher joins\n"
  "        all T and publishes to them in turn\n"
  "rpc:    --clients N (50) --payload BYTES (64)\n"
  "conns:  --conns N (1000) --topics T (10) --conn-rate PER_S (2000) --max-pending N (256) --hold S (10)\n"
  "Exit code 0 when every message arrived once and in order (fanout), every reply was ok\n"
  "(rpc), every connection joined and stayed (conns); 3 otherwise; 1 if setup failed.\n";

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string{argv[1]} == "--help") {
    std::fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  options o;
  o.mode = argv[1];
  std::map<std::string, std::function<void(const std::string&)>> set{
    {"--url", [&](auto& v) { o.url = v; }},
    {"--topic", [&](auto& v) { o.topic = v; }},
    {"--server-pid", [&](auto& v) { o.server_pid = v; }},
    {"--duration", [&](auto& v) { o.duration = std::stod(v); }},
    {"--warmup", [&](auto& v) { o.warmup = std::stod(v); }},
    {"--drain", [&](auto& v) { o.drain = std::stod(v); }},
    {"--hold", [&](auto& v) { o.hold = std::stod(v); }},
    {"--hb-interval", [&](auto& v) { o.hb_interval = std::stod(v); }},
    {"--subs", [&](auto& v) { o.subs = std::stoul(v); }},
    {"--fanout-topics", [&](auto& v) { o.fanout_topics = std::stoul(v); }},
    {"--window", [&](auto& v) { o.window = std::stoul(v); }},
    {"--payload", [&](auto& v) { o.payload = std::stoul(v); }},
    {"--rate", [&](auto& v) { o.rate = std::stoul(v); }},
    {"--remote-subs-only", [&](auto& v) { o.remote_subs_only = v == "1" || v == "on" || v == "true"; }},
    {"--ack", [&](auto& v) {
       if (v != "echo" && v != "all") throw std::invalid_argument(v);
       o.ack = v;
     }},
    {"--sub-urls", [&](auto& v) {
       for (std::size_t pos = 0; pos < v.size();) {
         auto comma = v.find(',', pos);
         o.sub_urls.push_back(v.substr(pos, comma - pos));
         pos = comma == std::string::npos ? v.size() : comma + 1;
       }
     }},
    {"--clients", [&](auto& v) { o.clients = std::stoul(v); }},
    {"--conns", [&](auto& v) { o.conns = std::stoul(v); }},
    {"--topics", [&](auto& v) { o.topics = std::stoul(v); }},
    {"--conn-rate", [&](auto& v) { o.conn_rate = std::stoul(v); }},
    {"--max-pending", [&](auto& v) { o.max_pending = std::stoul(v); }},
  };
  for (int i = 2; i < argc; ++i) {
    auto it = set.find(argv[i]);
    if (it == set.end() || i + 1 >= argc) {
      std::fprintf(stderr, "chorus_bench: bad option %s\n%s", argv[i], usage);
      return 2;
    }
    try {
      it->second(argv[++i]);
    } catch (const std::exception&) {
      std::fprintf(stderr, "chorus_bench: bad value for %s\n", argv[i - 1]);
      return 2;
    }
  }
  runner r{o};
  if (o.mode == "fanout") return r.fanout();
  if (o.mode == "rpc") return r.rpc();
  if (o.mode == "conns") return r.conns();
  std::fputs(usage, stderr);
  return 2;
}
