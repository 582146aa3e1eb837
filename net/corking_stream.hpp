#pragma once
// One connection's transport: the TCP socket (or TLS over it) and its output queue.
// Every outbound byte (HTTP responses, the 101, frames, pongs, close frames) goes into the
// queue, where broadcast frames are appended by reference, so one ordered byte stream
// leaves through one writev per loop pass (or one TLS write per record's worth).
// Reading is non-blocking (read_some) for the WebSocket session; the HTTP session reads
// its request through Beast's parser (async_read_some, completion always posted).
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>

#include "net/output_queue.hpp"
#include "net/tls_connection.hpp"

namespace chorus::net_detail {

namespace asio = boost::asio;

/// How queued bytes reach the peer: a strategy over the lowest layer. Plain TCP uses
/// sendmsg on the socket; TLS copies the queue's front into one record-sized batch and
/// writes it through OpenSSL (the frames are still built once; only the encryption,
/// which copies anyway, is per connection).
class corking_stream {
public:
  using executor_type = asio::any_io_executor;
  /// `tls` null: plain TCP. Otherwise the connection speaks TLS with this context and
  /// must complete async_tls_handshake before anything else.
  /// `queued_total`: the io thread's sum of queued bytes (see output_queue).
  corking_stream(asio::ip::tcp::socket socket, std::atomic<std::int64_t>* queued_total, asio::ssl::context* tls = nullptr)
    : socket_(std::move(socket)), fd_(socket_.native_handle()), queue_(queued_total), queued_total_(queued_total) {
    if (tls) tls_ = std::make_unique<tls_connection>(tls->native_handle(), fd_);
  }
  ~corking_stream() {
    set_tls_retry({});
    tls_.reset();  // (before the descriptor it names is closed)
    close();
  }
  corking_stream(const corking_stream&) = delete;  // tls_ uses socket_'s descriptor
  corking_stream& operator=(const corking_stream&) = delete;

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  /// Until release_from_asio(): the socket asio drives (TLS handshake, HTTP request).
  asio::ip::tcp::socket& socket() noexcept { return socket_; }
  int native_handle() const noexcept { return fd_; }
  /// Takes the descriptor out of asio's reactor: from now on its readiness comes from the
  /// io thread's ready_set, and only read_some, flush, shutdown and close are used.
  void release_from_asio() {
    boost::system::error_code ec;
    fd_ = socket_.release(ec);
  }
  /// Ends one direction (or both) of the TCP connection; errors are ignored (the peer may be gone).
  void shutdown(bool both) noexcept;
  /// Closes the descriptor (idempotent).
  void close() noexcept;
  output_queue& queue() noexcept { return queue_; }
  bool failed() const noexcept { return failed_; }
  bool is_tls() const noexcept { return tls_ != nullptr; }
  /// Outbound bytes not yet handed to the kernel: the queue plus a TLS record that
  /// waits to be sent again.
  std::size_t queued_bytes() const noexcept { return queue_.bytes() + tls_retry_.size(); }

  /// TLS: the server side of the handshake, then `handler(error_code)`.
  template <class Handler>
  void async_tls_handshake(Handler handler) {
    boost::beast::error_code ec;
    if (!usable()) return complete(std::move(handler), asio::error::bad_descriptor);
    switch (auto st = tls_->handshake(ec)) {
      case tls_connection::status::ok: return complete(std::move(handler), ec);
      case tls_connection::status::want_read:
      case tls_connection::status::want_write:
        return when_ready(st == tls_connection::status::want_write,
                          [this, h = std::move(handler)](boost::beast::error_code e) mutable {
                            if (e) return complete(std::move(h), e);
                            async_tls_handshake(std::move(h));
                          });
      case tls_connection::status::closed: return complete(std::move(handler), asio::error::eof);
      case tls_connection::status::error: return complete(std::move(handler), ec);
    }
  }

  template <class MutableBufferSequence, class ReadToken>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
    if (!tls_) return socket_.async_read_some(buffers, std::forward<ReadToken>(token));
    return asio::async_initiate<ReadToken, void(boost::beast::error_code, std::size_t)>(
      [this](auto handler, const MutableBufferSequence& bufs) { tls_read(bufs, std::move(handler)); }, token, buffers);
  }

  enum class read_status { ok, want_read, want_write, closed, error };
  /// Reads what is there now, without blocking: ok with n > 0, or what the socket must
  /// become before trying again, or closed (the peer's FIN or TLS close_notify).
  read_status read_some(char* out, std::size_t len, std::size_t& n, boost::beast::error_code& ec) noexcept;

  enum class flush_result { done, blocked, error };
  /// Writes as much of the queue as the kernel takes now (one gather write per 1024 chunks;
  /// asio's own gather write stops at 16 buffers; with TLS, one record per write).
  /// blocked: wait until the socket is writable, then flush again.
  flush_result flush() noexcept;
  /// TLS: sends close_notify if the socket takes it now.
  void send_close_notify() noexcept {
    if (tls_ && usable()) tls_->send_close_notify();
  }
  /// Marks the stream dead: later writes fail, queued bytes are dropped.
  void fail() noexcept;
  /// Ends the connection now: fail(), both directions shut down, the descriptor closed.
  void abort() noexcept {
    fail();
    shutdown(true);
    close();
  }

private:
  flush_result flush_tls() noexcept;
  /// Replaces the kept TLS record, keeping the io thread's queued-bytes sum true.
  void set_tls_retry(std::string bytes) noexcept {
    auto delta = static_cast<std::int64_t>(bytes.size()) - static_cast<std::int64_t>(tls_retry_.size());
    tls_retry_ = std::move(bytes);
    if (queued_total_)
      queued_total_->store(queued_total_->load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
  }
  // After a close the descriptor number may already belong to a new connection: OpenSSL,
  // which writes to the number, must not be called then.
  bool usable() const noexcept { return !failed_ && fd_ >= 0; }

  template <class Handler>
  void complete(Handler handler, boost::beast::error_code ec, std::size_t n) {
    auto ex = asio::get_associated_executor(handler, get_executor());
    asio::post(ex, boost::beast::bind_handler(std::move(handler), ec, n));
  }
  template <class Handler>
  void complete(Handler handler, boost::beast::error_code ec) {
    auto ex = asio::get_associated_executor(handler, get_executor());
    asio::post(ex, boost::beast::bind_handler(std::move(handler), ec));
  }
  /// Waits until the socket is readable (or writable); asio re-arms epoll for a wait, so
  /// data that is already there counts.
  template <class Handler>
  void when_ready(bool writable, Handler&& handler) {
    socket_.async_wait(writable ? asio::ip::tcp::socket::wait_write : asio::ip::tcp::socket::wait_read,
                       std::forward<Handler>(handler));
  }

  template <class MutableBufferSequence, class Handler>
  void tls_read(const MutableBufferSequence& buffers, Handler handler) {
    if (!usable()) return complete(std::move(handler), asio::error::bad_descriptor, 0);
    asio::mutable_buffer out;
    for (auto b : boost::beast::buffers_range_ref(buffers))
      if (b.size() > 0) {
        out = b;
        break;
      }
    std::size_t n = 0;
    boost::beast::error_code ec;
    switch (auto st = tls_->read(out.data(), out.size(), n, ec)) {
      case tls_connection::status::ok: return complete(std::move(handler), ec, n);
      case tls_connection::status::want_read:
      case tls_connection::status::want_write:
        return when_ready(st == tls_connection::status::want_write,
                          [this, buffers, h = std::move(handler)](boost::beast::error_code e) mutable {
                            if (e) return complete(std::move(h), e, 0);
                            tls_read(buffers, std::move(h));
                          });
      case tls_connection::status::closed: return complete(std::move(handler), asio::error::eof, 0);
      case tls_connection::status::error: return complete(std::move(handler), ec, 0);
    }
  }

  asio::ip::tcp::socket socket_;
  int fd_;  // socket_'s descriptor, and still ours after release_from_asio(); -1 once closed
  std::unique_ptr<tls_connection> tls_;
  output_queue queue_;
  std::atomic<std::int64_t>* queued_total_;
  std::string tls_retry_;  // a record OpenSSL could not send yet: the same bytes go again
  bool failed_ = false;
};

} // namespace chorus::net_detail
