#pragma once
// The actors' view of a session (the seam's net side): hands frames and closes to the
// session's io thread. It does not own the session: app code may keep socket handles
// long after the TCP connection (or the whole network edge) is gone; the session
// detaches itself when it ends, and the thread's inbox drops what comes after it stopped.
#include <memory>

#include "actors/connection.hpp"
#include "net/inbound_gate.hpp"
#include "net/io_loop.hpp"

namespace chorus::net_detail {

class session_connection : public connection, public std::enable_shared_from_this<session_connection> {
public:
  session_connection(loop_client* session, std::shared_ptr<loop_inbox> inbox, std::uint32_t max_unhandled_frames)
    : session_(session), inbox_(std::move(inbox)), gate_(max_unhandled_frames) {}

  void send(shared_frame frame) override { inbox_->post_frame(shared_from_this(), std::move(frame)); }
  void close(std::uint16_t code, std::string reason) override {
    inbox_->post_close(shared_from_this(), code, std::move(reason));
  }
  delivery_group* group() const noexcept override { return inbox_.get(); }

  /// Inbound flow control (inbound_gate.hpp): true when the session must stop reading.
  bool frame_delivered() noexcept { return gate_.delivered(); }
  void frame_done() noexcept override {
    if (gate_.handled()) inbox_->post_resume(shared_from_this());
  }

  /// io-thread only: the live session, or null once it has ended.
  loop_client* session() const noexcept { return session_; }
  void detach() noexcept { session_ = nullptr; }

private:
  loop_client* session_;
  std::shared_ptr<loop_inbox> inbox_;  // kept: this connection may outlive its io thread
  inbound_gate gate_;
};

} // namespace chorus::net_detail
