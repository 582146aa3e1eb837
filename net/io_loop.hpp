#pragma once
// One io thread with its own io_context. Each pass: run one handler, run what else is
// ready, resume the socket actors that this woke (when they run here), apply what actors
// handed over, then flush every dirty connection with one writev each. Flushing at the
// end of a pass (not per write) is what batches frames (docs/architecture.md, "The write
// path": 4% → 80% of the machine).
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <span>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "actors/connection.hpp"
#include "actors/endpoint.hpp"

namespace chorus::net_detail {

/// What the loop flushes at the end of a pass: a connection with queued bytes.
class flushable {
public:
  virtual ~flushable() = default;
  virtual void flush() = 0;
  bool dirty = false;  // io-thread only
};

/// An open WebSocket connection as the loop drives it for the actors (through the inbox).
class loop_client : public flushable {
public:
  virtual void send_frame(shared_frame frame) = 0;
  virtual void close_with(std::uint16_t code, std::string reason) = 0;
  virtual void resume_reading() = 0;
};

class session_connection;
class ready_set;

/// The part of an io thread that actor threads reach: commands queued under one mutex,
/// one wake-up per batch. Shared (not owned by the thread): topics and apps may keep a
/// connection, and hand it frames, long after its thread has stopped; from then on the
/// inbox drops what it is given instead of touching a thread that is gone.
class loop_inbox : public delivery_group {
public:
  struct command {
    shared_frame frame;
    std::shared_ptr<session_connection> conn;                 // one connection, or
    std::shared_ptr<const std::vector<connection_ptr>> members;  // a broadcast's members
    const connection* skip = nullptr;
    std::optional<std::uint16_t> close;  // instead of a frame: close with this code
    std::string reason;
    bool resume = false;                 // instead of a frame: start reading again
  };

  explicit loop_inbox(boost::asio::io_context& ctx) : ctx_(&ctx) {}

  /// Thread-safe: called from actor threads. Applied on the io thread in order.
  void post_frame(std::shared_ptr<session_connection> conn, shared_frame frame);
  void post_close(std::shared_ptr<session_connection> conn, std::uint16_t code, std::string reason);
  void post_resume(std::shared_ptr<session_connection> conn);
  void deliver(shared_frame frame, std::shared_ptr<const std::vector<connection_ptr>> members,
               const connection* skip) override;

  /// io thread: everything queued so far, in order.
  void take(std::vector<command>& out);
  /// io thread: it queued commands itself (no wake-up was posted for those) since take().
  bool queued_by_own_thread() const noexcept { return queued_by_own_thread_; }
  /// The io thread is gone: drop what is queued and whatever comes later.
  void close();

private:
  void enqueue(command cmd);

  std::mutex mutex_;
  std::vector<command> queue_;
  bool wake_pending_ = false;
  bool queued_by_own_thread_ = false;  // io thread only (set and reset under the mutex too)
  boost::asio::io_context* ctx_;  // null once closed
};

class io_loop {
public:
  io_loop();
  ~io_loop();

  boost::asio::io_context& context() noexcept { return ctx_; }
  /// Where actor threads hand this thread its work; connections keep it.
  const std::shared_ptr<loop_inbox>& inbox() const noexcept { return inbox_; }
  void start();
  void stop();  // makes the thread leave its loop; join() waits for it
  void join();  // (and closes the inbox)

  /// io-thread only: readiness of this thread's open WebSocket connections.
  ready_set& ready() noexcept { return *ready_; }

  /// Before start(): run socket actors on this thread (null: they run on CAF's workers).
  void set_runner(std::unique_ptr<actor_runner> runner) { runner_ = std::move(runner); }
  /// io-thread only: this thread's runner, for socket_link::deliver.
  actor_runner* runner() const noexcept { return runner_.get(); }

  /// io-thread only: flush this client at the end of the current pass.
  void mark_dirty(const std::shared_ptr<flushable>& client);

  /// Where a pass's outbound counts are added (once per pass, not per frame).
  void set_counters(std::atomic<std::uint64_t>* frames, std::atomic<std::uint64_t>* bytes) noexcept {
    frames_counter_ = frames;
    bytes_counter_ = bytes;
  }
  std::uint64_t frames_out = 0;  // io-thread only: this pass's outbound frames and bytes
  std::uint64_t bytes_out = 0;
  /// io-thread only: where this thread's connections read into (shared: a connection
  /// keeps only what its frame reader has not completed, not a read buffer of its own).
  std::span<char> read_buffer() noexcept {
    if (!read_buffer_) read_buffer_ = std::make_unique<char[]>(read_buffer_bytes);
    return {read_buffer_.get(), read_buffer_bytes};
  }
  static constexpr std::size_t read_buffer_bytes = 64 * 1024;

  /// Bytes in this thread's connections' outbound queues (written by this thread only).
  std::atomic<std::int64_t> queued_bytes{0};

private:
  void run();
  void apply_inbox();
  void flush_dirty();

  boost::asio::io_context ctx_{1};  // one thread per context: asio may skip locking
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
  std::shared_ptr<loop_inbox> inbox_;
  std::unique_ptr<actor_runner> runner_;
  std::vector<loop_inbox::command> applying_;
  std::vector<std::shared_ptr<flushable>> dirty_;
  std::vector<std::shared_ptr<flushable>> flushing_;
  std::unique_ptr<char[]> read_buffer_;
  std::unique_ptr<ready_set> ready_;  // (destroyed before ctx_: it holds open sessions)
  std::atomic<std::uint64_t>* frames_counter_ = nullptr;
  std::atomic<std::uint64_t>* bytes_counter_ = nullptr;
};

} // namespace chorus::net_detail
