#pragma once
// An upgraded connection: from the app's connect decision to the TCP close. It writes
// the 101 (or the refusal), reads frames with chorus's own frame reader out of its io
// thread's shared read buffer, hands messages to the socket actor with inbound flow
// control, answers pings, applies the slow-consumer policy to what the actors send, and
// runs the close handshake. Beast and asio's reactor are not involved after the HTTP
// request: readiness comes from the io thread's ready_set, and an idle connection holds
// its transport, a frame reader with empty buffers, and its registration.
#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "actors/log.hpp"
#include "net/corking_stream.hpp"
#include "net/io_loop.hpp"
#include "net/ready_set.hpp"
#include "net/server_context.hpp"
#include "net/session_connection.hpp"
#include "protocol/ws_frame_reader.hpp"

namespace chorus::net_detail {

class ws_session : public loop_client, public ready_set::client, public std::enable_shared_from_this<ws_session> {
public:
  /// Takes over the connection from the HTTP session (which counted it in `sessions`).
  ws_session(std::unique_ptr<corking_stream> stream, io_loop& loop, server_context& server, std::uint64_t conn_id,
             std::string peer);
  ~ws_session() override;

  /// Asks the app whether to connect; `handshake`: the 101 to send if it agrees;
  /// `early`: bytes the client sent after its request.
  void start(connect_info info, protocol::serializer ser, std::string handshake, std::string early);

  // loop_client: called on this session's io thread
  void send_frame(shared_frame frame) override;
  void close_with(std::uint16_t code, std::string reason) override;
  void flush() override;
  void resume_reading() override;
  // ready_set::client
  void on_ready(bool readable, bool writable) override;

private:
  // connecting: the app decides; open: frames flow; closing: our close frame is queued
  // (reads are discarded); draining: it is written and our side shut down, waiting for
  // the peer to close (closing with unread data would make the kernel send a reset, and
  // the peer could lose the close frame); closed.
  enum class phase : std::uint8_t { connecting, open, closing, draining, closed };

  void on_connect_decided(bool accepted, unsigned status, std::string handshake, std::string early);
  void start_deadline(std::chrono::milliseconds after, bool handshake);
  void read_ready();
  bool consume(std::string_view bytes);  // false: stop reading (closing or paused)
  void deliver_message(bool binary);
  void send_close(std::uint16_t code, std::string_view reason);
  void start_drain();
  void on_read_error(boost::beast::error_code ec);
  void hard_close();
  void notify_closed();
  void mark_dirty();
  void log(log_level level, std::string_view text) const;  // with peer and conn id

  std::unique_ptr<corking_stream> stream_;
  io_loop& loop_;
  server_context& server_;
  // The handshake deadline, then the close deadline; an open connection holds none.
  std::unique_ptr<asio::steady_timer> timer_;
  socket_link link_;
  std::shared_ptr<session_connection> conn_;  // what the actors hold; detached when we end
  protocol::ws_frame_reader reader_;
  std::uint64_t conn_id_;
  std::string peer_;
  phase phase_ = phase::connecting;
  bool told_socket_ = false;
  bool counted_open_ = false;
  std::uint64_t ready_token_ = 0;  // our registration in the io thread's ready_set (it keeps us alive)
  bool reading_paused_ = false;
  bool read_wants_write_ = false;  // TLS: the read resumes once the socket is writable
  bool waiting_writable_ = false;
  bool warned_slow_ = false;  // the drop policy logs once per connection
};

} // namespace chorus::net_detail
