#include "net/http_session.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/http_response.hpp"
#include "net/metrics_page.hpp"
#include "net/prometheus_text.hpp"
#include "net/ws_session.hpp"
#include "protocol/origin.hpp"
#include "protocol/query_string.hpp"
#include "protocol/vsn.hpp"

namespace chorus::net_detail {

namespace http = boost::beast::http;

namespace {
constexpr std::size_t max_request_header = 8 * 1024;

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
} // namespace

http_session::http_session(asio::ip::tcp::socket socket, io_loop& loop, server_context& server)
  : stream_(std::make_unique<corking_stream>(std::move(socket), &loop.queued_bytes, server.tls.get())), loop_(loop),
    server_(server), timer_(loop.context()), conn_id_(server.next_conn_id.fetch_add(1, std::memory_order_relaxed)) {
  server_.sessions.fetch_add(1);
}

http_session::~http_session() {
  if (stream_) server_.sessions.fetch_sub(1);  // (handed over: the ws_session counts it now)
}

void http_session::start() {
  boost::beast::error_code ec;
  auto& sock = stream_->socket();
  sock.native_non_blocking(true, ec);
  sock.set_option(asio::ip::tcp::no_delay(true), ec);
  auto ep = sock.remote_endpoint(ec);
  peer_ = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
  timer_.expires_after(server_.options.handshake_timeout);
  timer_.async_wait([self = shared_from_this()](boost::beast::error_code ec) {
    if (!ec && !self->done_) {
      self->server_.handshake_timeouts.fetch_add(1, std::memory_order_relaxed);
      self->log(log_level::info, "handshake timeout");
      self->hard_close();
    }
  });
  if (!stream_->is_tls()) return read_request();
  stream_->async_tls_handshake([self = shared_from_this()](boost::beast::error_code ec) {
    if (self->done_) return;  // (timed out meanwhile)
    if (!ec) return self->read_request();
    self->server_.tls_failures.fetch_add(1, std::memory_order_relaxed);
    self->log(log_level::info, "TLS handshake failed: " + ec.message());
    self->hard_close();
  });
}

void http_session::read_request() {
  parser_ = std::make_unique<http::request_parser<http::empty_body>>();
  parser_->header_limit(max_request_header);
  http::async_read(*stream_, buffer_, *parser_,
                   [self = shared_from_this()](boost::beast::error_code ec, std::size_t) { self->on_request(ec); });
}

void http_session::on_request(boost::beast::error_code ec) {
  if (done_) return;
  if (ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted) return hard_close();
    log(log_level::info, "bad HTTP request: " + ec.message());
    if (ec == http::error::header_limit) return refuse(431, http_refusal::header_too_large, "request header too large");
    return refuse(400, http_refusal::bad_request, "bad request");
  }
  const auto& req = parser_->get();
  if (boost::beast::websocket::is_upgrade(req)) start_upgrade(req);
  else serve_http(req);
}

void http_session::serve_http(const request& req) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) return refuse(405, http_refusal::method_not_allowed, "method not allowed");
  auto target = protocol::split_target(req.target());
  if (target.path == "/stats") {
    auto stats = server_.endpoint.stats().to_json();
    stats["net"] = {{"tcp_connections", server_.sessions.load()}, {"websockets", server_.websockets.load()},
                    {"slow_consumers", server_.slow_consumers.load()}, {"http_refusals", server_.http_refusals.load()},
                    {"paused_reads", server_.paused_reads.load()}, {"queued_bytes_peak", server_.queued_bytes_peak.load()},
                    {"dropped_frames", server_.dropped_frames.load()}, {"tls_failures", server_.tls_failures.load()},
                    {"queued_bytes", server_.queued_bytes()},
                    {"max_outbound_bytes", server_.options.max_outbound_bytes}};
    return respond(200, stats.dump(), "application/json");
  }
  if (target.path == "/metrics")
    return respond(200, render_metrics(server_, server_.endpoint.stats()), prometheus_text::content_type);
  if (auto file = server_.files.find(target.path)) return respond(200, std::move(file->body), file->content_type);
  respond(404, "not found\n", "text/plain");
}

void http_session::start_upgrade(const request& req) {
  switch (protocol::check_handshake(req[http::field::sec_websocket_version], req[http::field::sec_websocket_key])) {
    case protocol::handshake_check::ok: break;
    case protocol::handshake_check::unsupported_version:
      return refuse(426, http_refusal::bad_handshake, "Sec-WebSocket-Version is not 13", "Sec-WebSocket-Version: 13\r\n");
    case protocol::handshake_check::bad_key:
      return refuse(400, http_refusal::bad_handshake, "Sec-WebSocket-Key is not 16 bytes in base64");
  }
  auto target = protocol::split_target(req.target());
  auto route = server_.mount.match(target.path);
  if (!route) return refuse(404, http_refusal::no_socket_path, "no socket at this path");
  auto origin = req.find(http::field::origin);
  if (!protocol::origin_allowed(origin == req.end() ? std::nullopt : std::optional<std::string_view>{origin->value()},
                                req[http::field::host], server_.options.check_origin, server_.options.allowed_origins))
    return refuse(403, http_refusal::origin_not_allowed, "origin not allowed");
  auto params = protocol::parse_query(target.query);
  if (!params) return refuse(400, http_refusal::bad_query, params.error().detail);
  std::optional<std::string_view> vsn;
  if (params->contains("vsn")) {
    const auto& v = (*params)["vsn"];
    if (!v.is_string()) return refuse(403, http_refusal::unsupported_vsn, "unsupported vsn");
    vsn = v.get_ref<const std::string&>();
  }
  auto ser = protocol::negotiate_vsn(vsn);
  if (!ser) return refuse(403, http_refusal::unsupported_vsn, ser.error().detail);
  auto offer = protocol::parse_subprotocols(req[http::field::sec_websocket_protocol]);
  if (!offer) return refuse(400, http_refusal::bad_subprotocol, offer.error().detail);
  if (server_.websockets.load() >= server_.options.max_connections) return refuse(503, http_refusal::too_many_connections, "too many connections");

  connect_info info;
  info.params = std::move(*params);
  info.route_params = std::move(*route);
  for (auto& field : req) info.headers[lower(field.name_string())] = std::string{field.value()};
  info.auth_token = offer->auth_token;
  info.peer = peer_;
  info.conn_id = conn_id_;
  auto handshake = switching_protocols(req[http::field::sec_websocket_key], offer->answer());
  // Bytes the client sent after its request (frames it did not wait to send) go along.
  auto early = boost::beast::buffers_to_string(buffer_.data());
  done_ = true;
  timer_.cancel();
  auto ws = std::make_shared<ws_session>(std::move(stream_), loop_, server_, conn_id_, std::move(peer_));
  ws->start(std::move(info), *ser, std::move(handshake), std::move(early));
}

void http_session::respond(unsigned status, std::string body, std::string_view content_type,
                           std::string_view extra_headers) {
  stream_->queue().push(http_response(status, body, content_type, extra_headers));
  responded_ = true;
  if (!dirty) loop_.mark_dirty(shared_from_this());
}

void http_session::refuse(unsigned status, http_refusal kind, std::string_view why, std::string_view extra_headers) {
  server_.http_refusals.fetch_add(1);
  server_.count(kind);
  log(log_level::info, "HTTP " + std::to_string(status) + ": " + std::string{why});
  respond(status, "", "text/plain", extra_headers);
}

void http_session::flush() {
  if (!stream_ || done_) return;
  switch (stream_->flush()) {
    case corking_stream::flush_result::done:
      if (responded_) hard_close();
      break;
    case corking_stream::flush_result::blocked:
      if (!waiting_writable_) {
        waiting_writable_ = true;
        stream_->socket().async_wait(asio::ip::tcp::socket::wait_write,
                                     [self = shared_from_this()](boost::beast::error_code ec) {
                                       self->waiting_writable_ = false;
                                       if (!ec && !self->dirty) self->loop_.mark_dirty(self);
                                     });
      }
      break;
    case corking_stream::flush_result::error:
      hard_close();
      break;
  }
}

void http_session::hard_close() {
  if (done_ || !stream_) return;
  done_ = true;
  stream_->abort();
  timer_.cancel();
}

void http_session::log(log_level level, std::string_view text) const {
  log_line(level, "net", text, {{"peer", peer_}, {"conn", conn_id_}});
}

} // namespace chorus::net_detail
