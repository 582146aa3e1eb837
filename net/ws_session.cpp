#include "net/ws_session.hpp"

#include "net/http_response.hpp"
#include "protocol/ws_frame_header.hpp"

namespace chorus::net_detail {

namespace {
// Reads per wake-up before the thread's other connections get their turn.
constexpr int max_reads_per_wake = 16;

bad_frame kind_of(protocol::ws_violation v) noexcept {
  switch (v) {
    case protocol::ws_violation::message_too_big: return bad_frame::message_too_big;
    case protocol::ws_violation::invalid_utf8: return bad_frame::invalid_utf8;
    case protocol::ws_violation::protocol_error: break;
  }
  return bad_frame::protocol_violation;
}

shared_frame control_frame(protocol::ws_opcode op, std::string_view payload) {
  auto frame = std::make_shared<outbound_frame>();
  frame->bytes = protocol::frame_ws_message(op, payload);
  frame->header_size = protocol::make_ws_frame_header(op, payload.size()).size;
  return frame;
}
} // namespace

ws_session::ws_session(std::unique_ptr<corking_stream> stream, io_loop& loop, server_context& server,
                       std::uint64_t conn_id, std::string peer)
  : stream_(std::move(stream)), loop_(loop), server_(server), reader_(server.options.max_frame_bytes),
    conn_id_(conn_id), peer_(std::move(peer)) {}

ws_session::~ws_session() {
  if (conn_) conn_->detach();
  if (counted_open_) server_.websockets.fetch_sub(1);
  server_.sessions.fetch_sub(1);
  notify_closed();
}

void ws_session::start(connect_info info, protocol::serializer ser, std::string handshake, std::string early) {
  // From here readiness comes from the io thread's ready_set, which keeps us alive.
  stream_->release_from_asio();
  ready_token_ = loop_.ready().add(stream_->native_handle(), shared_from_this());
  if (!ready_token_) {
    log(log_level::warn, "cannot watch the connection (epoll_ctl failed); closing");
    return hard_close();
  }
  // The app's connect callback gets a handshake deadline of its own.
  start_deadline(server_.options.handshake_timeout, true);
  std::weak_ptr<ws_session> weak = shared_from_this();
  conn_ = std::make_shared<session_connection>(this, loop_.inbox(), server_.options.max_unhandled_frames);
  // The 101 and the early bytes travel with the decision (an open session keeps neither).
  link_ = server_.endpoint.open_socket(
    conn_, std::move(info), ser,
    [weak, &loop = loop_, handshake = std::move(handshake), early = std::move(early)](bool ok, unsigned status) mutable {
      asio::post(loop.context(), [weak, ok, status, handshake = std::move(handshake), early = std::move(early)]() mutable {
        if (auto self = weak.lock()) self->on_connect_decided(ok, status, std::move(handshake), std::move(early));
      });
    });
}

void ws_session::start_deadline(std::chrono::milliseconds after, bool handshake) {
  if (!timer_) timer_ = std::make_unique<asio::steady_timer>(loop_.context());
  timer_->expires_after(after);
  timer_->async_wait([self = shared_from_this(), handshake](boost::beast::error_code ec) {
    if (ec) return;
    if (handshake) {
      if (self->phase_ != phase::connecting) return;
      self->server_.handshake_timeouts.fetch_add(1, std::memory_order_relaxed);
      self->log(log_level::info, "handshake timeout (connect not decided)");
    }
    self->hard_close();
  });
}

void ws_session::on_connect_decided(bool accepted, unsigned status, std::string handshake, std::string early) {
  if (phase_ != phase::connecting) return;
  timer_.reset();  // (destroying a timer cancels its wait)
  if (!accepted) {
    told_socket_ = true;  // a refused socket actor has already stopped
    server_.http_refusals.fetch_add(1);
    server_.count(http_refusal::connect_refused);
    log(log_level::info, "HTTP " + std::to_string(status) + ": connect refused");
    stream_->queue().push(http_response(status, "", "text/plain"));
    phase_ = phase::closing;
    start_deadline(server_.options.close_timeout, false);
    return mark_dirty();
  }
  stream_->queue().push(std::move(handshake));
  mark_dirty();
  phase_ = phase::open;
  counted_open_ = true;
  server_.websockets.fetch_add(1);
  if (!early.empty() && !consume(early) && phase_ == phase::open) return;  // (paused)
  read_ready();
}

void ws_session::on_ready(bool readable, bool writable) {
  if (writable) {
    if (waiting_writable_) {
      waiting_writable_ = false;
      mark_dirty();  // flushed at the end of this pass
    }
    if (std::exchange(read_wants_write_, false)) readable = true;
  }
  if (readable) read_ready();
}

void ws_session::read_ready() {
  // (Connecting: the bytes wait in the socket until the app decides. Paused: until the
  // actor catches up. Both come back here themselves.)
  if (phase_ == phase::connecting || phase_ == phase::closed || reading_paused_) return;
  auto buffer = loop_.read_buffer();
  for (int i = 0; i < max_reads_per_wake; ++i) {
    std::size_t n = 0;
    boost::beast::error_code ec;
    switch (stream_->read_some(buffer.data(), buffer.size(), n, ec)) {
      case corking_stream::read_status::ok: break;
      case corking_stream::read_status::want_read: return;  // the next bytes bring an event
      case corking_stream::read_status::want_write:
        read_wants_write_ = true;
        return;
      case corking_stream::read_status::closed: return hard_close();  // the peer is gone (or done draining)
      case corking_stream::read_status::error: return on_read_error(ec);
    }
    // After our close frame what the peer sends is read only to be discarded.
    if (phase_ == phase::open && !consume({buffer.data(), n}) && phase_ == phase::open) return;  // paused
    // Plain TCP: a short read emptied the socket, so wait for the next event instead of
    // reading again. (TLS returns at most a record per read: keep going until OpenSSL
    // wants more.)
    if (!stream_->is_tls() && n < buffer.size()) return;
  }
  asio::post(loop_.context(), [self = shared_from_this()] { self->read_ready(); });
}

bool ws_session::consume(std::string_view bytes) {
  while (phase_ == phase::open) {
    auto ev = reader_.next(bytes);
    using kind = protocol::ws_read_event::kind;
    switch (ev.what) {
      case kind::need_more: return !reading_paused_;
      case kind::message: deliver_message(ev.binary); break;
      case kind::ping: send_frame(control_frame(protocol::ws_opcode::pong, ev.payload)); break;
      case kind::pong: break;
      case kind::close:
        // The peer closes: answer with its code (RFC 6455 §5.5.1), or none if it gave none.
        notify_closed();
        send_close(ev.code == 1005 ? 0 : ev.code, "");
        return false;
      case kind::refused:
        server_.count(kind_of(ev.violation));
        log(log_level::info, "closing " + std::to_string(ev.code) + ": " + std::string{ev.reason});
        notify_closed();
        send_close(ev.code, ev.reason);
        return false;
    }
  }
  return false;
}

void ws_session::deliver_message(bool binary) {
  auto message = reader_.take_message();
  auto& stats = server_.endpoint.stats();
  stats.frames_in.fetch_add(1, std::memory_order_relaxed);
  stats.bytes_in.fetch_add(message.size(), std::memory_order_relaxed);
  bool saturated = conn_->frame_delivered();
  link_.deliver(std::move(message), binary, loop_.runner());
  if (!saturated || reading_paused_) return;
  // A client pushing faster than its socket actor handles: stop reading (TCP pushes back
  // on it) until the actor has caught up by half and posts the resume; nothing else
  // waits. (The rest of the current read is still delivered: at most one read buffer.)
  reading_paused_ = true;
  server_.paused_reads.fetch_add(1, std::memory_order_relaxed);
}

void ws_session::resume_reading() {
  if (!reading_paused_ || phase_ != phase::open) return;
  reading_paused_ = false;
  read_ready();  // (edge-triggered: what arrived meanwhile brought no event we acted on)
}

void ws_session::send_frame(shared_frame frame) {
  if (phase_ != phase::open || stream_->failed()) return;  // nothing may follow a close frame
  auto& queue = stream_->queue();
  if (stream_->queued_bytes() + frame->wire().size() > server_.options.max_outbound_bytes) {
    if (server_.options.on_slow_consumer == server_options::slow_consumer_policy::drop) {
      server_.dropped_frames.fetch_add(1, std::memory_order_relaxed);
      if (!warned_slow_)
        log(log_level::warn, "slow consumer, dropping frames over " +
                                 std::to_string(server_.options.max_outbound_bytes) + " queued bytes");
      warned_slow_ = true;
      return;
    }
    server_.slow_consumers.fetch_add(1);
    log(log_level::warn, "slow consumer, " + std::to_string(stream_->queued_bytes()) + " bytes queued; closing 1013");
    queue.drop_unstarted();
    notify_closed();
    return send_close(1013, "slow consumer");
  }
  ++loop_.frames_out;  // summed into the shared counters once per pass, not per frame
  loop_.bytes_out += frame->wire().size();
  queue.push(std::move(frame));
  if (stream_->queued_bytes() > server_.queued_bytes_peak.load(std::memory_order_relaxed))
    server_.queued_bytes_peak.store(stream_->queued_bytes(), std::memory_order_relaxed);  // a figure, races are harmless
  mark_dirty();
}

void ws_session::close_with(std::uint16_t code, std::string reason) {
  told_socket_ = true;  // the socket actor asked for this close and is stopping
  if (phase_ == phase::open) send_close(code, reason);
  else if (phase_ == phase::connecting) hard_close();  // (already closing: let that finish)
}

void ws_session::send_close(std::uint16_t code, std::string_view reason) {
  phase_ = phase::closing;
  stream_->queue().push(control_frame(protocol::ws_opcode::close, code ? protocol::ws_close_payload(code, reason) : ""));
  mark_dirty();
  // A peer that never reads (or never closes its side) is cut after the deadline.
  start_deadline(server_.options.close_timeout, false);
}

void ws_session::flush() {
  if (phase_ == phase::closed) return;
  switch (stream_->flush()) {
    case corking_stream::flush_result::done:
      if (phase_ == phase::closing) start_drain();
      break;
    case corking_stream::flush_result::blocked:
      waiting_writable_ = true;  // the ready_set says when (on_ready)
      break;
    case corking_stream::flush_result::error:
      hard_close();
      break;
  }
}

void ws_session::start_drain() {
  // Our close frame (or refusal) is out: end our side, then read and discard until the
  // peer closes its side (or the close deadline passes).
  phase_ = phase::draining;
  stream_->send_close_notify();
  stream_->shutdown(false);
  reading_paused_ = false;
  read_ready();
}

void ws_session::on_read_error(boost::beast::error_code ec) {
  bool quiet = ec == asio::error::connection_reset || ec == asio::error::bad_descriptor ||
               ec == asio::error::operation_aborted || ec == asio::error::broken_pipe;
  if (!quiet && phase_ < phase::closing) log(log_level::info, "read: " + ec.message());
  hard_close();
}

void ws_session::hard_close() {
  if (phase_ == phase::closed) return;
  phase_ = phase::closed;
  auto self = shared_from_this();  // (the ready_set may hold the last other reference)
  loop_.ready().remove(ready_token_, stream_->native_handle());
  stream_->abort();
  timer_.reset();
  notify_closed();
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
