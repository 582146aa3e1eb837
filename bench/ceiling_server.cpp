// ceiling_server: the most this machine gives for chorus_bench's workloads — a minimal,
// single-threaded epoll server for the chat subset of the Phoenix protocol (V2 text
// frames only). It is an instrument, not a server: no limits, no robustness, no JSON
// parsing beyond the envelope. bench/compare_with_ceiling.py runs it next to chorus.
//
//   phoenix heartbeat      -> phx_reply ok {}
//   phx_join on any topic  -> phx_reply ok {}      phx_leave -> phx_reply ok {}
//   ping                   -> phx_reply ok <payload>
//   new_msg                -> [null,null,topic,"new_msg",<payload>] to every member,
//                             framed once, the same bytes queued on every connection
// Every connection's output is flushed with one writev per loop iteration, the shape
// chorus's write path copies (docs/architecture.md, "The write path").
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

using bytes = std::shared_ptr<const std::string>;

std::string base64(const unsigned char* p, std::size_t n) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < n; i += 3) {
    std::uint32_t v = std::uint32_t(p[i]) << 16 | (i + 1 < n ? std::uint32_t(p[i + 1]) << 8 : 0) |
                      (i + 2 < n ? p[i + 2] : 0);
    out += abc[v >> 18 & 63];
    out += abc[v >> 12 & 63];
    out += i + 1 < n ? abc[v >> 6 & 63] : '=';
    out += i + 2 < n ? abc[v & 63] : '=';
  }
  return out;
}

/// One unmasked server frame (FIN, text or the given opcode) around a payload.
std::string frame(std::string_view payload, unsigned char opcode = 0x1) {
  std::string f;
  f += char(0x80 | opcode);
  auto n = payload.size();
  if (n < 126) {
    f += char(n);
  } else if (n < 65536) {
    f += char(126);
    f += char(n >> 8);
    f += char(n & 0xff);
  } else {
    f += char(127);
    for (int i = 7; i >= 0; --i) f += char(n >> (8 * i) & 0xff);
  }
  f.append(payload);
  return f;
}

/// The V2 envelope: four JSON scalars (string or null) and the payload's text.
struct envelope {
  std::string_view join_ref, ref, topic, event, payload;  // refs keep their quotes / null
};

bool scalar(std::string_view s, std::size_t& i, std::string_view& out) {
  while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
  auto start = i;
  if (s.compare(i, 4, "null") == 0) {
    i += 4;
  } else if (i < s.size() && s[i] == '"') {
    for (++i; i < s.size() && s[i] != '"'; ++i)
      if (s[i] == '\\') ++i;
    if (i >= s.size()) return false;
    ++i;
  } else {
    return false;
  }
  out = s.substr(start, i - start);
  return true;
}

bool parse(std::string_view s, envelope& e) {
  if (s.size() < 2 || s.front() != '[' || s.back() != ']') return false;
  std::size_t i = 1;
  if (!scalar(s, i, e.join_ref) || !scalar(s, i, e.ref) || !scalar(s, i, e.topic) || !scalar(s, i, e.event))
    return false;
  while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
  e.payload = s.substr(i, s.size() - 1 - i);
  return true;
}

struct connection {
  int fd;
  bool upgraded = false;
  bool dirty = false;
  bool closing = false;
  std::string in;
  std::vector<bytes> out;   // frames not yet written
  std::size_t out_offset = 0;  // into out.front()
  std::vector<std::string> topics;
  SSL* ssl = nullptr;        // --tls-cert/--tls-key: this connection speaks TLS
  bool handshaking = false;  // (TLS handshake not finished)
  std::string tls_pending;   // plaintext SSL_write has not taken yet (≤ one 16 KiB record)
};

struct server {
  int ep = -1;
  SSL_CTX* tls = nullptr;
  std::unordered_map<connection*, std::unique_ptr<connection>> conns;
  std::vector<connection*> closed;  // freed after the loop iteration that closed them
  std::unordered_map<std::string, std::vector<connection*>> topics;
  std::vector<connection*> dirty;

  void queue(connection& c, bytes b) {
    c.out.push_back(std::move(b));
    if (!c.dirty) {
      c.dirty = true;
      dirty.push_back(&c);
    }
  }

  void reply(connection& c, const envelope& e, std::string_view response) {
    std::string text = "[" + std::string{e.join_ref} + "," + std::string{e.ref} + "," + std::string{e.topic} +
                       ",\"phx_reply\",{\"response\":" + std::string{response} + ",\"status\":\"ok\"}]";
    queue(c, std::make_shared<const std::string>(frame(text)));
  }

  void on_message(connection& c, std::string_view text) {
    envelope e;
    if (!parse(text, e)) return;
    std::string topic{e.topic.substr(1, e.topic.size() - 2)};
    if (e.event == "\"phx_join\"") {
      if (std::find(c.topics.begin(), c.topics.end(), topic) == c.topics.end()) {
        c.topics.push_back(topic);
        topics[topic].push_back(&c);
      }
      reply(c, e, "{}");
    } else if (e.event == "\"new_msg\"") {
      auto shared = std::make_shared<const std::string>(
        frame("[null,null," + std::string{e.topic} + ",\"new_msg\"," + std::string{e.payload} + "]"));
      for (auto* member : topics[topic]) queue(*member, shared);
    } else if (e.event == "\"ping\"") {
      reply(c, e, e.payload);
    } else {  // heartbeat, phx_leave, anything else
      if (e.event == "\"phx_leave\"") leave(c, topic);
      reply(c, e, "{}");
    }
  }

  void leave(connection& c, const std::string& topic) {
    auto& members = topics[topic];
    members.erase(std::remove(members.begin(), members.end(), &c), members.end());
    c.topics.erase(std::remove(c.topics.begin(), c.topics.end(), topic), c.topics.end());
  }

  /// Frames in c.in: client frames are masked; text handled, ping answered, close echoed.
  void on_frames(connection& c) {
    std::size_t pos = 0;
    for (;;) {
      auto* p = reinterpret_cast<const unsigned char*>(c.in.data()) + pos;
      std::size_t avail = c.in.size() - pos;
      if (avail < 2) break;
      unsigned opcode = p[0] & 0x0f;
      std::uint64_t n = p[1] & 0x7f;
      std::size_t head = 2;
      if (n == 126) {
        if (avail < 4) break;
        n = std::uint64_t(p[2]) << 8 | p[3];
        head = 4;
      } else if (n == 127) {
        if (avail < 10) break;
        n = 0;
        for (int i = 0; i < 8; ++i) n = n << 8 | p[2 + i];
        head = 10;
      }
      bool masked = p[1] & 0x80;
      std::size_t total = head + (masked ? 4 : 0) + n;
      if (avail < total) break;
      std::string payload(reinterpret_cast<const char*>(p) + head + (masked ? 4 : 0), n);
      if (masked)
        for (std::size_t i = 0; i < n; ++i) payload[i] ^= char(p[head + i % 4]);
      pos += total;
      if (opcode == 0x1) on_message(c, payload);
      else if (opcode == 0x9) queue(c, std::make_shared<const std::string>(frame(payload, 0xA)));
      else if (opcode == 0x8) {
        queue(c, std::make_shared<const std::string>(frame(payload.substr(0, 2), 0x8)));
        c.closing = true;
        break;
      }
    }
    c.in.erase(0, pos);
  }

  void on_http(connection& c) {
    auto end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) return;
    std::string request = c.in.substr(0, end);
    c.in.erase(0, end + 4);
    std::string key;
    for (std::size_t at = 0; at < request.size();) {
      auto eol = request.find("\r\n", at);
      auto line = request.substr(at, eol == std::string::npos ? std::string::npos : eol - at);
      at = eol == std::string::npos ? request.size() : eol + 2;
      if (strncasecmp(line.c_str(), "sec-websocket-key:", 18) == 0) {
        key = line.substr(18);
        key.erase(0, key.find_first_not_of(' '));
      }
    }
    if (key.empty()) {
      queue(c, std::make_shared<const std::string>("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
      c.closing = true;
      return;
    }
    key += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
    queue(c, std::make_shared<const std::string>(
               "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Accept: " + base64(digest, sizeof digest) + "\r\n\r\n"));
    c.upgraded = true;
    on_frames(c);
  }

  void close(connection& c) {
    for (auto& t : std::vector<std::string>{c.topics}) leave(c, t);
    if (c.ssl) SSL_free(c.ssl);
    c.ssl = nullptr;
    ::close(c.fd);
    c.fd = -1;
    closed.push_back(&c);
  }

  void want_writable(connection& c) {
    epoll_event ev{EPOLLIN | EPOLLOUT | EPOLLET, {.ptr = &c}};
    epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
  }

  /// TLS: finishes the handshake, then reads records until OpenSSL has no more.
  void on_readable_tls(connection& c) {
    if (c.handshaking) {
      int rc = SSL_do_handshake(c.ssl);
      if (rc != 1) {
        int e = SSL_get_error(c.ssl, rc);
        if (e == SSL_ERROR_WANT_WRITE) want_writable(c);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) close(c);
        return;
      }
      c.handshaking = false;
    }
    char buf[65536];
    for (;;) {
      int n = SSL_read(c.ssl, buf, sizeof buf);
      if (n > 0) {
        c.in.append(buf, std::size_t(n));
        continue;
      }
      int e = SSL_get_error(c.ssl, n);
      if (e == SSL_ERROR_WANT_READ) break;
      if (e == SSL_ERROR_WANT_WRITE) {
        want_writable(c);
        break;
      }
      return close(c);
    }
    if (c.upgraded) on_frames(c);
    else on_http(c);
  }

  /// TLS: the queue's front frames copied into one record-sized buffer per SSL_write (the
  /// gather write's counterpart: encryption copies anyway).
  void flush_tls(connection& c) {
    if (c.handshaking) return on_readable_tls(c);
    for (;;) {
      std::size_t taken = 0;
      for (; taken < c.out.size() && c.tls_pending.size() < 16384; ++taken) {
        c.tls_pending.append(*c.out[taken], c.out_offset);
        c.out_offset = 0;
      }
      c.out.erase(c.out.begin(), c.out.begin() + std::ptrdiff_t(taken));  // (once, not per frame)
      if (c.tls_pending.empty()) break;
      int w = SSL_write(c.ssl, c.tls_pending.data(), int(c.tls_pending.size()));
      if (w > 0) {
        c.tls_pending.erase(0, std::size_t(w));
        continue;
      }
      int e = SSL_get_error(c.ssl, w);
      if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) return want_writable(c);
      return close(c);
    }
    if (c.closing) close(c);
  }

  void on_readable(connection& c) {
    if (c.ssl) return on_readable_tls(c);
    char buf[65536];
    for (;;) {
      auto n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, std::size_t(n));
        if (std::size_t(n) < sizeof buf) break;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      return close(c);  // EOF or error
    }
    if (c.upgraded) on_frames(c);
    else on_http(c);
  }

  void flush(connection& c) {
    c.dirty = false;
    if (c.fd < 0) return;
    if (c.ssl) return flush_tls(c);
    while (!c.out.empty()) {
      iovec iov[512];
      int count = 0;
      for (std::size_t i = 0; i < c.out.size() && count < 512; ++i, ++count) {
        auto& s = *c.out[i];
        std::size_t skip = i == 0 ? c.out_offset : 0;
        iov[count] = {const_cast<char*>(s.data()) + skip, s.size() - skip};
      }
      auto n = ::writev(c.fd, iov, count);
      if (n < 0) {
        if (errno == EAGAIN) {
          epoll_event ev{EPOLLIN | EPOLLOUT | EPOLLET, {.ptr = &c}};
          epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
          return;
        }
        return close(c);
      }
      std::size_t left = std::size_t(n);
      std::size_t done = 0;
      while (done < c.out.size()) {
        auto rest = c.out[done]->size() - c.out_offset;
        if (left < rest) {
          c.out_offset += left;
          break;
        }
        left -= rest;
        c.out_offset = 0;
        ++done;
      }
      c.out.erase(c.out.begin(), c.out.begin() + std::ptrdiff_t(done));
    }
    if (c.closing) close(c);
  }
};

} // namespace

int main(int argc, char** argv) {
  int port = 4100;
  const char *cert = nullptr, *key = nullptr;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--tls-cert") == 0) cert = argv[i + 1];
    if (std::strcmp(argv[i], "--tls-key") == 0) key = argv[i + 1];
  }
  if (argc > 1 && std::strcmp(argv[1], "--help") == 0) {
    std::puts("usage: ceiling_server [--port 4100] [--tls-cert PEM --tls-key PEM]   (127.0.0.1; see the top of the source)");
    return 0;
  }
  signal(SIGPIPE, SIG_IGN);
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(std::uint16_t(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(lfd, 4096) != 0) {
    std::perror("ceiling_server: bind");
    return 1;
  }
  server s;
  s.ep = epoll_create1(0);
  if (cert && key) {
    s.tls = SSL_CTX_new(TLS_server_method());
    // (release: an idle connection keeps no 16 KiB record buffers, as chorus does)
    SSL_CTX_set_mode(s.tls, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (SSL_CTX_use_certificate_chain_file(s.tls, cert) != 1 || SSL_CTX_use_PrivateKey_file(s.tls, key, SSL_FILETYPE_PEM) != 1) {
      std::fprintf(stderr, "ceiling_server: cannot load %s / %s\n", cert, key);
      return 1;
    }
  }
  epoll_event lev{EPOLLIN, {.ptr = nullptr}};
  epoll_ctl(s.ep, EPOLL_CTL_ADD, lfd, &lev);
  std::printf("listening on 127.0.0.1:%d%s\n", port, s.tls ? " (TLS)" : "");
  std::fflush(stdout);
  std::vector<epoll_event> events(1024);
  for (;;) {
    int n = epoll_wait(s.ep, events.data(), int(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      auto* c = static_cast<connection*>(events[i].data.ptr);
      if (!c) {
        for (;;) {
          int fd = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK);
          if (fd < 0) break;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          auto conn = std::make_unique<connection>();
          conn->fd = fd;
          if (s.tls) {
            conn->ssl = SSL_new(s.tls);
            SSL_set_fd(conn->ssl, fd);
            SSL_set_accept_state(conn->ssl);
            conn->handshaking = true;
          }
          epoll_event ev{EPOLLIN | EPOLLET, {.ptr = conn.get()}};
          epoll_ctl(s.ep, EPOLL_CTL_ADD, fd, &ev);
          auto* key = conn.get();
          s.conns.emplace(key, std::move(conn));
        }
        continue;
      }
      if (c->fd < 0) continue;
      if (events[i].events & EPOLLOUT) {
        epoll_event ev{EPOLLIN | EPOLLET, {.ptr = c}};
        epoll_ctl(s.ep, EPOLL_CTL_MOD, c->fd, &ev);
        if (!c->dirty) {
          c->dirty = true;
          s.dirty.push_back(c);
        }
      }
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) s.on_readable(*c);
    }
    std::vector<connection*> flushing;
    flushing.swap(s.dirty);
    for (auto* c : flushing) s.flush(*c);
    for (auto* c : s.closed) s.conns.erase(c);  // no list refers to them any more
    s.closed.clear();
  }
}
