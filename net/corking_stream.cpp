#include "net/corking_stream.hpp"

#include <cerrno>

#include <sys/socket.h>

namespace chorus::net_detail {

corking_stream::flush_result corking_stream::flush() noexcept {
  if (failed_) return flush_result::error;
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

void corking_stream::fail() noexcept {
  failed_ = true;
  queue_.consume(queue_.bytes());
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
