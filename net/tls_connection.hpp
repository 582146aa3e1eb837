#pragma once
// One connection's TLS state: an OpenSSL session that reads and writes the non-blocking
// socket directly (no buffer pair in between). OpenSSL keeps record buffers only while
// a record is in flight (SSL_MODE_RELEASE_BUFFERS), so an idle TLS connection costs a
// few KB, not the four 17 KiB buffers of asio's ssl::stream. Calls never block: they
// report what the socket must become (readable, writable) before trying again.
#include <cstddef>

#include <boost/system/error_code.hpp>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace chorus::net_detail {

class tls_connection {
public:
  enum class status { ok, want_read, want_write, closed, error };

  tls_connection(SSL_CTX* ctx, int fd);
  ~tls_connection();
  tls_connection(const tls_connection&) = delete;
  tls_connection& operator=(const tls_connection&) = delete;

  /// Server side of the handshake; ok when done.
  status handshake(boost::system::error_code& ec);
  /// Decrypts up to `len` bytes into `out`. closed: the peer ended TLS (close_notify or
  /// a plain TCP close).
  status read(void* out, std::size_t len, std::size_t& n, boost::system::error_code& ec);
  /// Encrypts and sends one record of up to 16 KiB from `data`. After want_write the call
  /// must be repeated with the same bytes (OpenSSL holds the encrypted record).
  status write(const void* data, std::size_t len, std::size_t& n, boost::system::error_code& ec);
  /// Sends close_notify if the socket takes it now (best effort: the TCP close follows).
  void send_close_notify();

private:
  status result(int ret, boost::system::error_code& ec);
  SSL* ssl_;
};

} // namespace chorus::net_detail
