#pragma once
// One TCP connection: reads the HTTP request, answers plain HTTP (static files,
// /stats, refusals) or upgrades to a WebSocket whose frames go to the socket actor.
// Outbound bytes are queued in the corking layer and flushed by the io loop.
#include <memory>
#include <optional>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "actors/log.hpp"
#include "net/corking_stream.hpp"
#include "net/io_loop.hpp"
#include "net/server_context.hpp"
#include "net/session_connection.hpp"

namespace chorus::net_detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

class ws_session : public loop_client, public std::enable_shared_from_this<ws_session> {
public:
  ws_session(asio::ip::tcp::socket socket, io_loop& loop, server_context& server);
  ~ws_session() override;

  void start();

  // loop_client: called on this session's io thread
  void send_frame(shared_frame frame) override;
  void close_with(std::uint16_t code, std::string reason) override;
  void flush() override;
  void resume_reading() override;

private:
  enum class phase { http, connecting, handshaking, open, closing, closed };

  void read_request();
  void on_request(beast::error_code ec);
  void serve_http(const http::request<http::empty_body>& req);
  void start_upgrade(const http::request<http::empty_body>& req);
  void on_connect_decided(bool accepted, unsigned status);
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec);
  void respond(unsigned status, std::string body, std::string content_type);
  void refuse(unsigned status, http_refusal kind, std::string_view why);
  void start_close(std::uint16_t code, std::string reason);
  void fail(beast::error_code ec, const char* step);
  void hard_close();
  void notify_closed();
  void mark_dirty();
  void log(log_level level, std::string_view text) const;  // with peer and conn id

  websocket::stream<corking_stream> ws_;
  io_loop& loop_;
  server_context& server_;
  beast::flat_buffer buffer_;
  std::unique_ptr<http::request_parser<http::empty_body>> parser_;  // only until the upgrade
  asio::steady_timer timer_;
  socket_link link_;
  std::shared_ptr<session_connection> conn_;  // what the actors hold; detached when we end
  std::uint64_t conn_id_;  // names this connection in log lines (peer ports are reused)
  std::string peer_;
  std::string answer_protocol_;  // Sec-WebSocket-Protocol answer ("phoenix" when offered)
  phase phase_ = phase::http;
  bool close_after_flush_ = false;
  bool waiting_writable_ = false;
  bool told_socket_ = false;
  bool counted_open_ = false;
  bool reading_paused_ = false;
  bool warned_slow_ = false;  // the drop policy logs once per connection
  std::shared_ptr<ws_session> paused_self_;  // no read is pending while paused: keeps us alive
};

} // namespace chorus::net_detail
