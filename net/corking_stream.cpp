#include "net/corking_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <string>

#include <sys/socket.h>
#include <unistd.h>

namespace chorus::net_detail {

corking_stream::flush_result corking_stream::flush() noexcept {
  if (failed_) return flush_result::error;
  if (tls_) return flush_tls();
  constexpr std::size_t max_iov = 1024;
  iovec iov[max_iov];
  int fd = fd_;
  while (!queue_.empty()) {
    std::size_t count = queue_.gather(iov, max_iov);
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    // sendmsg rather than writev: MSG_NOSIGNAL, so a vanished peer is an error, not SIGPIPE.
    ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return flush_result::blocked;
      fail();
      return flush_result::error;
    }
    queue_.consume(static_cast<std::size_t>(n));
  }
  return flush_result::done;
}

corking_stream::flush_result corking_stream::flush_tls() noexcept {
  // One record (16 KiB) per write: many small frames share a record instead of each
  // paying its own header, MAC and syscall. The plaintext is gathered into a scratch
  // buffer of this io thread; only a record the kernel would not take is kept per
  // connection (OpenSSL wants the same bytes again), and it leaves the queue then, so a
  // slow-consumer cut (drop_unstarted) never touches it.
  constexpr std::size_t record_bytes = 16 * 1024;
  constexpr std::size_t max_iov = 64;
  thread_local std::string scratch;
  if (!usable()) return flush_result::error;
  for (;;) {
    const char* data;
    std::size_t len;
    if (!tls_retry_.empty()) {
      data = tls_retry_.data();
      len = tls_retry_.size();
    } else {
      if (queue_.empty()) return flush_result::done;
      iovec iov[max_iov];
      std::size_t count = queue_.gather(iov, max_iov);
      scratch.clear();
      for (std::size_t i = 0; i < count && scratch.size() < record_bytes; ++i)
        scratch.append(static_cast<const char*>(iov[i].iov_base), std::min(iov[i].iov_len, record_bytes - scratch.size()));
      data = scratch.data();
      len = scratch.size();
    }
    std::size_t n = 0;
    boost::beast::error_code ec;
    switch (tls_->write(data, len, n, ec)) {
      case tls_connection::status::ok:
        if (!tls_retry_.empty()) {
          set_tls_retry(tls_retry_.substr(std::min(n, tls_retry_.size())));  // (rare: the memory goes back)
        } else {
          queue_.consume(n);
        }
        continue;
      case tls_connection::status::want_write:
      case tls_connection::status::want_read:
        if (tls_retry_.empty()) {
          set_tls_retry(std::string{data, len});
          queue_.consume(len);
        }
        return flush_result::blocked;
      case tls_connection::status::closed:
      case tls_connection::status::error:
        fail();
        return flush_result::error;
    }
  }
}

corking_stream::read_status corking_stream::read_some(char* out, std::size_t len, std::size_t& n,
                                                     boost::beast::error_code& ec) noexcept {
  n = 0;
  if (!usable()) {
    ec = asio::error::bad_descriptor;
    return read_status::error;
  }
  if (tls_) {
    switch (tls_->read(out, len, n, ec)) {
      case tls_connection::status::ok: return read_status::ok;
      case tls_connection::status::want_read: return read_status::want_read;
      case tls_connection::status::want_write: return read_status::want_write;
      case tls_connection::status::closed: return read_status::closed;
      case tls_connection::status::error: return read_status::error;
    }
  }
  for (;;) {
    ssize_t got = ::recv(fd_, out, len, 0);
    if (got > 0) {
      n = static_cast<std::size_t>(got);
      return read_status::ok;
    }
    if (got == 0) return read_status::closed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return read_status::want_read;
    ec = boost::beast::error_code{errno, boost::system::system_category()};
    return read_status::error;
  }
}

void corking_stream::shutdown(bool both) noexcept {
  if (fd_ >= 0) ::shutdown(fd_, both ? SHUT_RDWR : SHUT_WR);
}

void corking_stream::close() noexcept {
  if (fd_ < 0) return;
  if (socket_.is_open()) {
    boost::system::error_code ec;
    socket_.close(ec);  // (asio still has it: it forgets it too)
  } else {
    ::close(fd_);
  }
  fd_ = -1;
}

void corking_stream::fail() noexcept {
  failed_ = true;
  queue_.consume(queue_.bytes());
  set_tls_retry({});
}

} // namespace chorus::net_detail
