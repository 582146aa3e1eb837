#include "net/corking_stream.hpp"

#include <algorithm>
#include <cerrno>

#include <boost/asio/write.hpp>

#include <sys/socket.h>

namespace chorus::net_detail {

corking_stream::flush_result corking_stream::flush() noexcept {
  if (failed_) return flush_result::error;
  if (tls_) return flush_tls();
  constexpr std::size_t max_iov = 1024;
  iovec iov[max_iov];
  int fd = socket_.native_handle();
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
  if (tls_writing_) return flush_result::pending;
  if (queue_.empty()) {
    tls_flushed();
    return flush_result::done;
  }
  try {
    write_tls_batch(keepalive());
  } catch (const std::exception&) {  // (allocation)
    fail();
    return flush_result::error;
  }
  return flush_result::pending;
}

void corking_stream::write_tls_batch(std::shared_ptr<void> keepalive) {
  // One TLS record's worth (16 KiB) per write: many small frames share a record
  // instead of each paying its own record header, MAC and syscall. The bytes leave the
  // queue now, so a slow-consumer cut (drop_unstarted) never touches what is in flight.
  constexpr std::size_t batch_bytes = 16 * 1024;
  constexpr std::size_t max_iov = 64;
  iovec iov[max_iov];
  std::size_t count = queue_.gather(iov, max_iov);
  tls_batch_.clear();
  for (std::size_t i = 0; i < count && tls_batch_.size() < batch_bytes; ++i) {
    auto take = std::min(iov[i].iov_len, batch_bytes - tls_batch_.size());
    tls_batch_.append(static_cast<const char*>(iov[i].iov_base), take);
  }
  queue_.consume(tls_batch_.size());
  tls_writing_ = true;
  asio::async_write(*tls_, asio::buffer(tls_batch_),
                    [this, keepalive = std::move(keepalive)](boost::beast::error_code ec, std::size_t) mutable {
                      tls_writing_ = false;
                      tls_batch_.clear();
                      if (ec) fail();
                      else if (!queue_.empty() && !failed_) return write_tls_batch(std::move(keepalive));
                      if (failed_ || queue_.empty()) tls_flushed();
                      on_dirty_();  // the owner flushes again: sees done, or the error
                    });
}

void corking_stream::tls_flushed() {
  if (auto done = std::move(on_flushed_)) {
    on_flushed_ = nullptr;
    done();
  }
}

void corking_stream::fail() noexcept {
  failed_ = true;
  queue_.consume(queue_.bytes());
  if (tls_ && !tls_writing_) tls_flushed();  // (a write in flight reports when it ends)
}

void teardown(boost::beast::role_type, corking_stream& stream, boost::beast::error_code& ec) {
  stream.flush();
  auto& s = stream.socket();
  s.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  s.close(ec);
  stream.fail();
  ec = {};
}

} // namespace chorus::net_detail

namespace chorus::net_detail {

void beast_close_socket(corking_stream& stream) {
  boost::beast::error_code ec;
  stream.socket().close(ec);
  stream.fail();
}

} // namespace chorus::net_detail
