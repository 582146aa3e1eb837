#pragma once
// The actors' view of a session (the seam's net side): hands frames and closes to the
// session's io thread. It does not own the session: app code may keep socket handles
// long after the TCP connection is gone; the session detaches itself when it ends.
#include <atomic>
#include <memory>

#include "actors/connection.hpp"
#include "net/io_loop.hpp"

namespace chorus::net_detail {

class session_connection : public connection, public std::enable_shared_from_this<session_connection> {
public:
  session_connection(loop_client* session, io_loop& loop) : session_(session), loop_(loop) {}

  void send(shared_frame frame) override { loop_.post_frame(shared_from_this(), std::move(frame)); }
  void close(std::uint16_t code, std::string reason) override {
    loop_.post_close(shared_from_this(), code, std::move(reason));
  }
  delivery_group* group() const noexcept override { return &loop_; }

  /// Inbound flow control: the session counts frames it delivered, the socket actor
  /// counts them done; reading pauses at `high` unhandled frames and resumes at half.
  bool frame_delivered(int high) noexcept { return unhandled_.fetch_add(1, std::memory_order_relaxed) + 1 >= high; }
  void frame_done() noexcept override {
    int left = unhandled_.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (left == resume_at_.load(std::memory_order_relaxed)) loop_.post_resume(shared_from_this());
  }
  void pause_until(int resume_at) noexcept { resume_at_.store(resume_at, std::memory_order_relaxed); }
  int unhandled() const noexcept { return unhandled_.load(std::memory_order_relaxed); }

  /// io-thread only: the live session, or null once it has ended.
  loop_client* session() const noexcept { return session_; }
  void detach() noexcept { session_ = nullptr; }

private:
  loop_client* session_;
  io_loop& loop_;
  std::atomic<int> unhandled_{0};
  std::atomic<int> resume_at_{-1};  // -1: reading is not paused
};

} // namespace chorus::net_detail
