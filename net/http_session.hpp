#pragma once
// A TCP connection until it is a WebSocket: the TLS handshake, the HTTP request (read
// by Beast's parser), plain HTTP answers (static files, /stats, /metrics, refusals) and
// the upgrade checks. A valid upgrade hands the transport to a ws_session, which owns
// the connection from then on; this object ends there.
#include <memory>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "actors/log.hpp"
#include "net/corking_stream.hpp"
#include "net/io_loop.hpp"
#include "net/server_context.hpp"

namespace chorus::net_detail {

class http_session : public flushable, public std::enable_shared_from_this<http_session> {
public:
  http_session(asio::ip::tcp::socket socket, io_loop& loop, server_context& server);
  ~http_session() override;

  void start();

  void flush() override;  // a response is queued: write it, then close

private:
  using request = boost::beast::http::request<boost::beast::http::empty_body>;
  void read_request();
  void on_request(boost::beast::error_code ec);
  void serve_http(const request& req);
  void start_upgrade(const request& req);
  void respond(unsigned status, std::string body, std::string_view content_type, std::string_view extra_headers = {});
  void refuse(unsigned status, http_refusal kind, std::string_view why, std::string_view extra_headers = {});
  void hard_close();
  void log(log_level level, std::string_view text) const;  // with peer and conn id

  std::unique_ptr<corking_stream> stream_;  // handed to the ws_session on upgrade
  io_loop& loop_;
  server_context& server_;
  boost::beast::flat_buffer buffer_;
  std::unique_ptr<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser_;
  asio::steady_timer timer_;  // the handshake deadline
  std::uint64_t conn_id_;  // names this connection in log lines (peer ports are reused)
  std::string peer_;
  bool responded_ = false;  // a response is queued: close once it is written
  bool waiting_writable_ = false;
  bool done_ = false;
};

} // namespace chorus::net_detail
