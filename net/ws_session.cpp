#include "net/ws_session.hpp"

#include <sstream>

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket.hpp>

#include "actors/log.hpp"
#include "net/metrics_page.hpp"
#include "net/prometheus_text.hpp"
#include "net/session_connection.hpp"
#include "protocol/origin.hpp"
#include "protocol/query_string.hpp"
#include "protocol/vsn.hpp"

namespace chorus::net_detail {

namespace {
constexpr std::size_t max_request_header = 8 * 1024;

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
} // namespace

ws_session::ws_session(asio::ip::tcp::socket socket, io_loop& loop, server_context& server)
  : ws_(std::move(socket), [this] { mark_dirty(); }, &loop.queued_bytes, server.tls.get()), loop_(loop), server_(server),
    timer_(ws_.get_executor()), conn_id_(server.next_conn_id.fetch_add(1, std::memory_order_relaxed)) {
  server_.sessions.fetch_add(1);
}

ws_session::~ws_session() {
  if (conn_) conn_->detach();
  if (counted_open_) server_.websockets.fetch_sub(1);
  server_.sessions.fetch_sub(1);
  notify_closed();
}

void ws_session::start() {
  beast::error_code ec;
  auto& sock = ws_.next_layer().socket();
  sock.native_non_blocking(true, ec);
  sock.set_option(asio::ip::tcp::no_delay(true), ec);
  auto ep = sock.remote_endpoint(ec);
  peer_ = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
  timer_.expires_after(server_.options.handshake_timeout);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && self->phase_ < phase::open) {
      self->server_.handshake_timeouts.fetch_add(1, std::memory_order_relaxed);
      self->log(log_level::info, "handshake timeout");
      self->hard_close();
    }
  });
  auto& stream = ws_.next_layer();
  if (!stream.is_tls()) return read_request();
  stream.async_tls_handshake([self = shared_from_this()](beast::error_code ec) {
    if (!ec) return self->read_request();
    if (self->phase_ == phase::closed) return;  // (timed out meanwhile)
    self->server_.tls_failures.fetch_add(1, std::memory_order_relaxed);
    self->log(log_level::info, "TLS handshake failed: " + ec.message());
    self->hard_close();
  });
}

void ws_session::read_request() {
  parser_ = std::make_unique<http::request_parser<http::empty_body>>();
  parser_->header_limit(max_request_header);
  http::async_read(ws_.next_layer(), buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
}

void ws_session::on_request(beast::error_code ec) {
  if (ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted) return hard_close();
    log(log_level::info, "bad HTTP request: " + ec.message());
    if (ec == http::error::header_limit) return refuse(431, http_refusal::header_too_large, "request header too large");
    return refuse(400, http_refusal::bad_request, "bad request");
  }
  const auto& req = parser_->get();
  if (websocket::is_upgrade(req)) start_upgrade(req);
  else serve_http(req);
}

void ws_session::serve_http(const http::request<http::empty_body>& req) {
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
    return respond(200, render_metrics(server_, server_.endpoint.stats()), std::string{prometheus_text::content_type});
  if (auto file = server_.files.find(target.path)) return respond(200, std::move(file->body), file->content_type);
  respond(404, "not found\n", "text/plain");
}

void ws_session::start_upgrade(const http::request<http::empty_body>& req) {
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
  answer_protocol_ = offer->answer();
  phase_ = phase::connecting;
  std::weak_ptr<ws_session> weak = shared_from_this();
  conn_ = std::make_shared<session_connection>(this, loop_.inbox(), server_.options.max_unhandled_frames);
  link_ = server_.endpoint.open_socket(conn_, std::move(info), *ser, [weak, &loop = loop_](bool ok, unsigned status) {
    asio::post(loop.context(), [weak, ok, status] {
      if (auto self = weak.lock()) self->on_connect_decided(ok, status);
    });
  });
}

void ws_session::on_connect_decided(bool accepted, unsigned status) {
  if (phase_ != phase::connecting) return;
  if (!accepted) {
    told_socket_ = true;  // a refused socket actor has already stopped
    return refuse(status, http_refusal::connect_refused, "connect refused");
  }
  phase_ = phase::handshaking;
  ws_.set_option(websocket::stream_base::timeout{server_.options.handshake_timeout,
                                                 websocket::stream_base::none(), false});
  ws_.read_message_max(server_.options.max_frame_bytes);
  ws_.set_option(websocket::stream_base::decorator([answer = answer_protocol_](websocket::response_type& res) {
    res.set(http::field::server, "chorus");
    if (!answer.empty()) res.set(http::field::sec_websocket_protocol, answer);
  }));
  ws_.async_accept(parser_->release(), [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void ws_session::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  phase_ = phase::open;
  parser_.reset();          // the request is no longer needed: an idle connection
  buffer_.shrink_to_fit();  // should hold as little as possible
  counted_open_ = true;
  server_.websockets.fetch_add(1);
  timer_.cancel();
  do_read();
}

void ws_session::do_read() {
  // read_some with a small step: an idle connection then holds a small read buffer
  // (async_read would prepare ~1.5 KB up front); larger messages take several steps.
  constexpr std::size_t read_step = 512;
  ws_.async_read_some(buffer_, read_step,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void ws_session::on_read(beast::error_code ec) {
  if (ec) return fail(ec, "read");
  if (!ws_.is_message_done()) return do_read();
  auto& stats = server_.endpoint.stats();
  stats.frames_in.fetch_add(1, std::memory_order_relaxed);
  stats.bytes_in.fetch_add(buffer_.size(), std::memory_order_relaxed);
  bool saturated = conn_->frame_delivered();
  link_.deliver(beast::buffers_to_string(buffer_.data()), !ws_.got_text(), loop_.runner());
  buffer_.consume(buffer_.size());
  if (buffer_.capacity() > 4096) buffer_.shrink_to_fit();  // after a big message
  if (!saturated) return do_read();
  // A client pushing faster than its socket actor handles: stop reading (TCP pushes
  // back on it) until the actor has caught up by half and posts the resume; nothing
  // else waits.
  reading_paused_ = true;
  paused_self_ = shared_from_this();
  server_.paused_reads.fetch_add(1, std::memory_order_relaxed);
}

void ws_session::resume_reading() {
  if (!reading_paused_ || phase_ != phase::open) return;
  reading_paused_ = false;
  do_read();
  paused_self_.reset();  // the pending read holds us now
}

void ws_session::send_frame(shared_frame frame) {
  if (phase_ != phase::open || ws_.next_layer().failed()) return;  // nothing may follow a close frame
  auto& stream = ws_.next_layer();
  auto& queue = stream.queue();
  if (stream.queued_bytes() + frame->wire().size() > server_.options.max_outbound_bytes) {
    if (server_.options.on_slow_consumer == server_options::slow_consumer_policy::drop) {
      server_.dropped_frames.fetch_add(1, std::memory_order_relaxed);
      if (!warned_slow_)
        log(log_level::warn, "slow consumer, dropping frames over " +
                                 std::to_string(server_.options.max_outbound_bytes) + " queued bytes");
      warned_slow_ = true;
      return;
    }
    server_.slow_consumers.fetch_add(1);
    log(log_level::warn, "slow consumer, " + std::to_string(stream.queued_bytes()) + " bytes queued; closing 1013");
    queue.drop_unstarted();
    return start_close(1013, "slow consumer");
  }
  ++loop_.frames_out;  // summed into the shared counters once per pass, not per frame
  loop_.bytes_out += frame->wire().size();
  queue.push(std::move(frame));
  if (stream.queued_bytes() > server_.queued_bytes_peak.load(std::memory_order_relaxed))
    server_.queued_bytes_peak.store(stream.queued_bytes(), std::memory_order_relaxed);  // a figure, races are harmless
  mark_dirty();
}

void ws_session::close_with(std::uint16_t code, std::string reason) {
  told_socket_ = true;  // the socket actor asked for this close and is stopping
  if (phase_ == phase::open) start_close(code, std::move(reason));
  else if (phase_ < phase::open) hard_close();  // (already closing: let that finish)
}

void ws_session::start_close(std::uint16_t code, std::string reason) {
  phase_ = phase::closing;
  websocket::close_reason why;
  why.code = code;
  why.reason = reason;
  ws_.async_close(why,
                  [self = shared_from_this()](beast::error_code) { self->hard_close(); });
  // A peer that never answers the close (or never reads) is cut after the deadline.
  timer_.expires_after(server_.options.close_timeout);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->hard_close();
  });
}

void ws_session::flush() {
  auto& stream = ws_.next_layer();
  switch (stream.flush()) {
    case corking_stream::flush_result::done:
      if (close_after_flush_) hard_close();
      break;
    case corking_stream::flush_result::blocked:
      if (!waiting_writable_) {
        waiting_writable_ = true;
        stream.socket().async_wait(asio::ip::tcp::socket::wait_write,
                                   [self = shared_from_this()](beast::error_code ec) {
                                     self->waiting_writable_ = false;
                                     if (!ec) self->mark_dirty();  // flushed at the end of this pass
                                   });
      }
      break;
    case corking_stream::flush_result::error:
      hard_close();
      break;
  }
}

void ws_session::respond(unsigned status, std::string body, std::string content_type) {
  http::response<http::string_body> res{static_cast<http::status>(status), 11};
  res.set(http::field::server, "chorus");
  res.set(http::field::connection, "close");
  if (!body.empty()) res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  std::ostringstream out;
  out << res;
  auto frame = std::make_shared<outbound_frame>();
  frame->bytes = out.str();
  ws_.next_layer().queue().push(std::move(frame));
  close_after_flush_ = true;
  phase_ = phase::closing;
  mark_dirty();
}

void ws_session::refuse(unsigned status, http_refusal kind, std::string_view why) {
  server_.http_refusals.fetch_add(1);
  server_.count(kind);
  log(log_level::info, "HTTP " + std::to_string(status) + ": " + std::string{why});
  respond(status, "", "text/plain");
}

void ws_session::fail(beast::error_code ec, const char* step) {
  // A frame the WebSocket layer refused (too big, masked wrongly, bad UTF-8, ...):
  // Beast has answered it with the close code; the operator sees it counted by kind.
  if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow)
    server_.count(bad_frame::message_too_big);
  else if (ec == websocket::error::bad_frame_payload)
    server_.count(bad_frame::invalid_utf8);
  else if (ec == websocket::condition::protocol_violation)
    server_.count(bad_frame::protocol_violation);
  bool quiet = ec == websocket::error::closed || ec == asio::error::operation_aborted ||
               ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::bad_descriptor;
  if (!quiet) log(log_level::info, std::string{step} + ": " + ec.message());
  hard_close();
}

void ws_session::hard_close() {
  if (phase_ == phase::closed) return;
  phase_ = phase::closed;
  beast::error_code ec;
  auto& sock = ws_.next_layer().socket();
  ws_.next_layer().fail();
  sock.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  sock.close(ec);
  timer_.cancel();
  notify_closed();
  paused_self_.reset();  // (last: may release this session)
}

void ws_session::notify_closed() {
  if (link_ && !told_socket_) link_.transport_closed();
  told_socket_ = true;
}

void ws_session::log(log_level level, std::string_view text) const {
  log_line(level, "net", text, {{"peer", peer_}, {"conn", conn_id_}});
}

void ws_session::mark_dirty() {
  if (!dirty) loop_.mark_dirty(shared_from_this());  // (no refcount traffic when already queued)
}

} // namespace chorus::net_detail
