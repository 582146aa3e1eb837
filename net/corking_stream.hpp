#pragma once
// The layer under Beast's websocket::stream. Reads pass straight to the TCP socket (or
// through TLS); writes (Beast's handshake response, pongs, close frames) are copied into
// the connection's output queue, where broadcast frames are appended by reference, so one
// ordered byte stream leaves through one writev per loop pass (or one TLS write per
// record's worth). Completion is always posted, never inline: Beast's composed
// operations would otherwise re-enter.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>

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
  /// Called when the queue gained bytes (the owner schedules a flush for this pass).
  using dirty_hook = std::function<void()>;

  /// `tls` null: plain TCP. Otherwise the connection speaks TLS with this context and
  /// must complete async_tls_handshake before anything else.
  /// `queued_total`: the io thread's sum of queued bytes (see output_queue).
  corking_stream(asio::ip::tcp::socket socket, dirty_hook on_dirty, std::atomic<std::int64_t>* queued_total,
                 asio::ssl::context* tls = nullptr)
    : socket_(std::move(socket)), on_dirty_(std::move(on_dirty)), queue_(queued_total), queued_total_(queued_total) {
    if (tls) tls_ = std::make_unique<tls_connection>(tls->native_handle(), socket_.native_handle());
  }
  ~corking_stream() { set_tls_retry({}); }
  corking_stream(const corking_stream&) = delete;  // tls_ uses socket_'s descriptor
  corking_stream& operator=(const corking_stream&) = delete;

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  asio::ip::tcp::socket& socket() noexcept { return socket_; }
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

  template <class ConstBufferSequence, class WriteToken>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
    return asio::async_initiate<WriteToken, void(boost::beast::error_code, std::size_t)>(
      [this](auto handler, const ConstBufferSequence& bufs) {
        boost::beast::error_code ec;
        std::size_t n = 0;
        if (failed_) {
          ec = asio::error::broken_pipe;
        } else {
          auto frame = std::make_shared<outbound_frame>();
          frame->bytes = boost::beast::buffers_to_string(bufs);
          n = frame->bytes.size();
          queue_.push(std::move(frame));
          on_dirty_();
        }
        auto ex = asio::get_associated_executor(handler, get_executor());
        asio::post(ex, boost::beast::bind_handler(std::move(handler), ec, n));
      },
      token, buffers);
  }

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
  bool usable() const noexcept { return !failed_ && socket_.is_open(); }

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
  std::unique_ptr<tls_connection> tls_;
  dirty_hook on_dirty_;
  output_queue queue_;
  std::atomic<std::int64_t>* queued_total_;
  std::string tls_retry_;  // a record OpenSSL could not send yet: the same bytes go again
  bool failed_ = false;
};

/// Beast's teardown for this layer (found by ADL): push out what is queued (the close
/// frame is among it), then end the TCP connection.
void teardown(boost::beast::role_type role, corking_stream& stream, boost::beast::error_code& ec);

/// Beast closes the layer this way on a failed handshake or timeout (found by ADL).
void beast_close_socket(corking_stream& stream);

/// The asynchronous teardown Beast uses after a close handshake or a protocol error:
/// queued bytes (the close frame) go out, our side is shut down, then what the peer
/// still sends is read and discarded until it closes (or `linger` passes). Closing
/// with unread data would make the kernel send a reset, and the peer could lose the
/// close frame and see 1006 instead of the code we sent. With TLS, close_notify is sent
/// before the TCP shutdown, and what the peer sends is discarded undecrypted.
template <class Handler>
class drain_op : public std::enable_shared_from_this<drain_op<Handler>> {
public:
  drain_op(corking_stream& stream, Handler handler)
    : stream_(stream), handler_(std::move(handler)), timer_(stream.get_executor()) {}

  void start(std::chrono::milliseconds linger) {
    timer_.expires_after(linger);
    timer_.async_wait([self = this->shared_from_this()](boost::beast::error_code e) {
      if (!e) self->finish();
    });
    stream_.flush();
    stream_.send_close_notify();
    boost::beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    read();
  }

private:
  void read() {
    stream_.socket().async_read_some(asio::buffer(scratch_),
                                     [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
                                       if (ec) self->finish();
                                       else self->read();
                                     });
  }
  void finish() {
    if (done_) return;
    done_ = true;
    timer_.cancel();
    boost::beast::error_code ec;
    stream_.socket().close(ec);
    stream_.fail();
    asio::post(stream_.get_executor(), boost::beast::bind_handler(std::move(handler_), boost::beast::error_code{}));
  }

  corking_stream& stream_;
  Handler handler_;
  asio::steady_timer timer_;
  std::array<char, 512> scratch_;
  bool done_ = false;
};

template <class TeardownHandler>
void async_teardown(boost::beast::role_type, corking_stream& stream, TeardownHandler&& handler) {
  using op = drain_op<std::decay_t<TeardownHandler>>;
  std::make_shared<op>(stream, std::forward<TeardownHandler>(handler))->start(std::chrono::seconds{2});
}

} // namespace chorus::net_detail
