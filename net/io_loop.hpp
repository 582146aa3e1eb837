#pragma once
// One io thread with its own io_context. Each pass: run one handler, run what else is
// ready, apply what actors handed over, then flush every dirty connection with one
// writev each. Flushing at the end of a pass (not per write) is what batches frames
// (WRITE_PATH.md: 4% → 80% of the machine).
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "actors/connection.hpp"

namespace chorus::net_detail {

/// What the loop drives: a connection that queues frames and flushes when told.
class loop_client {
public:
  virtual ~loop_client() = default;
  virtual void send_frame(shared_frame frame) = 0;
  virtual void close_with(std::uint16_t code, std::string reason) = 0;
  virtual void flush() = 0;
  bool dirty = false;  // io-thread only
};

class io_loop {
public:
  io_loop();
  ~io_loop();

  boost::asio::io_context& context() noexcept { return ctx_; }
  void start();
  void stop();  // makes the thread leave its loop; join() waits for it
  void join();

  /// Thread-safe: called from actor threads. Applied on the io thread in order.
  void post_frame(std::weak_ptr<loop_client> client, shared_frame frame);
  void post_close(std::weak_ptr<loop_client> client, std::uint16_t code, std::string reason);

  /// io-thread only: flush this client at the end of the current pass.
  void mark_dirty(const std::shared_ptr<loop_client>& client);

private:
  struct command {
    std::weak_ptr<loop_client> client;
    shared_frame frame;                  // a frame to queue, or
    std::optional<std::uint16_t> close;  // a close with this code
    std::string reason;
  };
  void enqueue(command cmd);
  void run();
  void apply_inbox();
  void flush_dirty();

  boost::asio::io_context ctx_{1};  // one thread per context: asio may skip locking
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
  std::mutex inbox_mutex_;
  std::vector<command> inbox_;
  std::vector<command> applying_;
  bool wake_pending_ = false;
  std::vector<std::shared_ptr<loop_client>> dirty_;
  std::vector<std::shared_ptr<loop_client>> flushing_;
};

} // namespace chorus::net_detail
