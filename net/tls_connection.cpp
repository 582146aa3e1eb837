#include "net/tls_connection.hpp"

#include <cerrno>
#include <cstdint>
#include <new>

#include <sys/socket.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace chorus::net_detail {

namespace {

// A BIO over the socket that sends with MSG_NOSIGNAL: OpenSSL's own socket BIO uses
// write(), and a peer that vanished would raise SIGPIPE in the whole server.
int socket_of(BIO* bio) { return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio))); }

bool would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

int bio_write(BIO* bio, const char* data, int len) {
  BIO_clear_retry_flags(bio);
  ssize_t n = ::send(socket_of(bio), data, static_cast<std::size_t>(len), MSG_NOSIGNAL);
  if (n < 0 && would_block(errno)) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int bio_read(BIO* bio, char* out, int len) {
  BIO_clear_retry_flags(bio);
  ssize_t n = ::recv(socket_of(bio), out, static_cast<std::size_t>(len), 0);
  if (n < 0 && would_block(errno)) BIO_set_retry_read(bio);
  return static_cast<int>(n);
}

long bio_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* socket_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "chorus socket");
    if (!m) throw std::bad_alloc{};
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    return m;
  }();
  return method;
}

} // namespace

tls_connection::tls_connection(SSL_CTX* ctx, int fd) : ssl_(SSL_new(ctx)) {
  BIO* bio = ssl_ ? BIO_new(socket_method()) : nullptr;
  if (!bio) {
    SSL_free(ssl_);
    throw std::bad_alloc{};
  }
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)));
  SSL_set_bio(ssl_, bio, bio);  // the SSL owns the BIO; the socket stays ours
  SSL_set_accept_state(ssl_);
}

tls_connection::~tls_connection() { SSL_free(ssl_); }

tls_connection::status tls_connection::result(int ret, boost::system::error_code& ec) {
  int err = SSL_get_error(ssl_, ret);
  switch (err) {
    case SSL_ERROR_WANT_READ: return status::want_read;
    case SSL_ERROR_WANT_WRITE: return status::want_write;
    case SSL_ERROR_ZERO_RETURN: return status::closed;
    case SSL_ERROR_SYSCALL:
      if (errno == 0) return status::closed;  // (TCP closed under TLS)
      ec.assign(errno, boost::system::system_category());
      return status::error;
    default: {
      auto code = ERR_get_error();
      ec.assign(code ? static_cast<int>(code) : SSL_R_UNINITIALIZED, boost::asio::error::get_ssl_category());
      return status::error;
    }
  }
}

tls_connection::status tls_connection::handshake(boost::system::error_code& ec) {
  ERR_clear_error();
  errno = 0;
  int ret = SSL_do_handshake(ssl_);
  return ret == 1 ? status::ok : result(ret, ec);
}

tls_connection::status tls_connection::read(void* out, std::size_t len, std::size_t& n,
                                            boost::system::error_code& ec) {
  ERR_clear_error();
  errno = 0;
  n = 0;
  int ret = SSL_read_ex(ssl_, out, len, &n);
  return ret == 1 ? status::ok : result(ret, ec);
}

tls_connection::status tls_connection::write(const void* data, std::size_t len, std::size_t& n,
                                             boost::system::error_code& ec) {
  ERR_clear_error();
  errno = 0;
  n = 0;
  int ret = SSL_write_ex(ssl_, data, len, &n);
  return ret == 1 ? status::ok : result(ret, ec);
}

void tls_connection::send_close_notify() {
  ERR_clear_error();
  SSL_shutdown(ssl_);  // (0 = sent, the peer's answer is not awaited; <0 = could not send)
  ERR_clear_error();
}

} // namespace chorus::net_detail
