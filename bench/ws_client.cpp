#include "ws_client.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bench {

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::uint64_t(ts.tv_sec) * 1000000000u + std::uint64_t(ts.tv_nsec);
}

ws_client::~ws_client() {
  if (ssl_) SSL_free(ssl_);
}

bool ws_client::start(const sockaddr_in& addr, std::string host, std::string path, SSL_CTX* tls) {
  tls_ctx_ = tls;
  host_ = std::move(host);
  path_ = std::move(path);
  fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  started_ns = now_ns();
  int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  if (rc < 0 && errno != EINPROGRESS) return false;
  st = state::connecting;
  return true;
}

void ws_client::send_text(std::string_view payload) {
  if (st != state::open) return;
  unsigned char header[14];
  std::size_t h = 0, n = payload.size();
  header[h++] = 0x81;
  if (n < 126) {
    header[h++] = 0x80 | static_cast<unsigned char>(n);
  } else if (n <= 0xFFFF) {
    header[h++] = 0x80 | 126;
    header[h++] = static_cast<unsigned char>(n >> 8);
    header[h++] = static_cast<unsigned char>(n);
  } else {
    header[h++] = 0x80 | 127;
    for (int i = 7; i >= 0; --i) header[h++] = static_cast<unsigned char>(n >> (8 * i));
  }
  mask_seed_ = mask_seed_ * 1664525u + 1013904223u;  // masks need not be strong here
  unsigned char mask[4];
  std::memcpy(mask, &mask_seed_, 4);
  std::memcpy(header + h, mask, 4);
  h += 4;
  out_.append(reinterpret_cast<char*>(header), h);
  std::size_t base = out_.size();
  out_.append(payload);
  for (std::size_t i = 0; i < n; ++i) out_[base + i] = static_cast<char>(out_[base + i] ^ mask[i & 3]);
  if (!write_list) {
    flush();
  } else if (!listed_) {
    listed_ = true;
    write_list->push_back(this);
  }
}

bool ws_client::write_queued() {
  listed_ = false;
  return st == state::closed || flush();
}

bool ws_client::flush() {
  if (st == state::tls_handshake) return true;  // (the upgrade request waits for TLS)
  while (!out_.empty()) {
    ssize_t n;
    if (ssl_) {
      // Partial writes are enabled (chorus_bench.cpp): n may be less than asked.
      int w = SSL_write(ssl_, out_.data(), int(std::min<std::size_t>(out_.size(), 1 << 20)));
      if (w <= 0) {
        int e = SSL_get_error(ssl_, w);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) return true;
        close("TLS write failed");
        return false;
      }
      n = w;
    } else {
      n = ::send(fd, out_.data(), out_.size(), MSG_NOSIGNAL);
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return true;
      close(std::strerror(errno));
      return false;
    }
    out_.erase(0, std::size_t(n));
  }
  return true;
}

bool ws_client::on_writable() {
  if (st == state::connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      close(std::strerror(err));
      return false;
    }
    st = state::upgrading;
    key_ = "dGhlIHNhbXBsZSBub25jZQ==";  // any 16-byte base64 nonce; the server only echoes its hash
    out_ = "GET " + path_ + " HTTP/1.1\r\nHost: " + host_ +
           "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key_ +
           "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    if (tls_ctx_) {
      ssl_ = SSL_new(tls_ctx_);
      SSL_set_fd(ssl_, fd);
      SSL_set_connect_state(ssl_);
      st = state::tls_handshake;
    }
  }
  if (st == state::tls_handshake) return tls_step();
  return flush();
}

bool ws_client::tls_step() {
  int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    st = state::upgrading;
    return flush();
  }
  int e = SSL_get_error(ssl_, rc);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
  close("TLS handshake failed");
  return false;
}

long ws_client::receive(char* buf, std::size_t size) {
  if (!ssl_) return long(::recv(fd, buf, size, 0));
  int n = SSL_read(ssl_, buf, int(std::min<std::size_t>(size, 1 << 30)));
  if (n > 0) return n;
  switch (SSL_get_error(ssl_, n)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE: errno = EAGAIN; return -1;
    case SSL_ERROR_ZERO_RETURN: return 0;
    default: errno = EIO; return -1;
  }
}

bool ws_client::on_readable() {
  // One read per readiness unless the buffer filled: a short read on a stream socket
  // means the kernel had no more (edge-triggered epoll reports the next arrival), so the
  // usual speculative read that returns EAGAIN is skipped. Frames are parsed straight from
  // the read buffer; only an incomplete tail is kept per connection.
  static char buf[256 * 1024];
  if (st == state::tls_handshake && (!tls_step() || st == state::tls_handshake)) return st != state::closed;
  while (true) {
    long n = receive(buf, sizeof buf);
    if (n == 0) {
      close("closed by server");
      return false;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return true;
      close(std::strerror(errno));
      return false;
    }
    read_ns = now_ns();
    bool alive;
    if (in_.empty()) {
      std::string_view data{buf, std::size_t(n)};
      alive = consume(data);
      if (alive && !data.empty()) in_.assign(data);
    } else {
      in_.append(buf, std::size_t(n));
      std::string_view data{in_};
      alive = consume(data);
      if (alive) in_.erase(0, in_.size() - data.size());
    }
    if (!alive) return false;
    // (TLS hands over one record per read: read until it says there is no more)
    if (!ssl_ && std::size_t(n) < sizeof buf) return true;
  }
}

bool ws_client::consume(std::string_view& data) {
  if (st == state::upgrading) {
    if (!parse_handshake(data)) return st != state::closed;
  }
  return st == state::open ? parse_frames(data) : true;
}

bool ws_client::parse_handshake(std::string_view& data) {
  auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) return false;
  if (data.substr(0, 12) != "HTTP/1.1 101") {
    close("upgrade refused: " + std::string(data.substr(0, data.find("\r\n"))));
    return false;
  }
  data.remove_prefix(end + 4);
  st = state::open;
  opened_ns = read_ns;
  if (on_open) on_open(*this);
  return st == state::open;
}

bool ws_client::parse_frames(std::string_view& data) {
  std::size_t pos = 0;
  while (st == state::open) {
    if (data.size() - pos < 2) break;
    auto b0 = static_cast<unsigned char>(data[pos]), b1 = static_cast<unsigned char>(data[pos + 1]);
    std::size_t h = 2;
    std::uint64_t len = b1 & 0x7F;
    if (len == 126) {
      if (data.size() - pos < 4) break;
      len = (std::uint64_t(static_cast<unsigned char>(data[pos + 2])) << 8) | static_cast<unsigned char>(data[pos + 3]);
      h = 4;
    } else if (len == 127) {
      if (data.size() - pos < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<unsigned char>(data[pos + 2 + i]);
      h = 10;
    }
    if (data.size() - pos < h + len) break;
    std::string_view payload{data.data() + pos + h, std::size_t(len)};
    unsigned op = b0 & 0x0F;
    bool fin = b0 & 0x80;
    pos += h + len;
    if (op == 0x8) {
      close("server closed with " + std::to_string(len >= 2 ? (static_cast<unsigned char>(payload[0]) << 8 |
                                                               static_cast<unsigned char>(payload[1])) : 1005));
      return false;
    }
    if (op == 0x9) continue;  // pings are answered by nobody here; chorus does not send them
    if (op == 0x0 || !fin) {
      fragments_.append(payload);
      if (!fin) continue;
      payload = fragments_;
    }
    if (on_message) on_message(*this, payload, op == 0x2);
    fragments_.clear();
  }
  data.remove_prefix(std::min(pos, data.size()));
  return st == state::open;
}

void ws_client::close(std::string_view why) {
  if (st == state::closed) return;
  st = state::closed;
  if (fd >= 0) ::close(fd);
  fd = -1;
  if (on_close) on_close(*this, why);
}

} // namespace bench
