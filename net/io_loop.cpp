#include "net/io_loop.hpp"

#include <boost/asio/post.hpp>

#include "net/ready_set.hpp"
#include "net/session_connection.hpp"

namespace chorus::net_detail {

namespace {
// Socket actor resumes per loop pass before io gets its turn again (each handles up to
// 64 messages): bounds how long one pass keeps the thread's other connections waiting.
constexpr std::size_t actor_budget_per_pass = 256;
} // namespace

io_loop::io_loop()
  : guard_(boost::asio::make_work_guard(ctx_)), inbox_(std::make_shared<loop_inbox>(ctx_)),
    ready_(std::make_unique<ready_set>(ctx_)) {}

io_loop::~io_loop() {
  stop();
  join();
}

void io_loop::start() {
  thread_ = std::thread{[this] { run(); }};
}

void io_loop::stop() {
  guard_.reset();
  ctx_.stop();
}

void io_loop::join() {
  if (thread_.joinable()) thread_.join();
  inbox_->close();
}

void loop_inbox::post_frame(std::shared_ptr<session_connection> conn, shared_frame frame) {
  enqueue({std::move(frame), std::move(conn), nullptr, nullptr, std::nullopt, {}});
}

void loop_inbox::post_close(std::shared_ptr<session_connection> conn, std::uint16_t code, std::string reason) {
  enqueue({nullptr, std::move(conn), nullptr, nullptr, code, std::move(reason)});
}

void loop_inbox::post_resume(std::shared_ptr<session_connection> conn) {
  command cmd;
  cmd.conn = std::move(conn);
  cmd.resume = true;
  enqueue(std::move(cmd));
}

void loop_inbox::deliver(shared_frame frame, std::shared_ptr<const std::vector<connection_ptr>> members,
                      const connection* skip) {
  enqueue({std::move(frame), nullptr, std::move(members), skip, std::nullopt, {}});
}

namespace {
// The inbox whose io thread is the calling thread (null on any other thread).
thread_local const loop_inbox* own_inbox = nullptr;
} // namespace

void loop_inbox::enqueue(command cmd) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (!ctx_) return;  // the thread is gone (shutdown): nobody will write this
  queue_.push_back(std::move(cmd));
  // None from the io thread itself (a socket actor running there): its loop looks at
  // queued_by_own_thread() before it waits.
  if (own_inbox == this) {
    queued_by_own_thread_ = true;
    return;
  }
  // One wake-up per batch: the loop takes the whole inbox at once. (Under the lock, so
  // close() cannot free the context in between.)
  if (!std::exchange(wake_pending_, true)) boost::asio::post(*ctx_, [] {});
}

void loop_inbox::take(std::vector<command>& out) {
  std::lock_guard<std::mutex> lock{mutex_};
  out.swap(queue_);
  wake_pending_ = false;
  queued_by_own_thread_ = false;
}

void loop_inbox::close() {
  std::vector<command> dropped;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    ctx_ = nullptr;
    dropped.swap(queue_);
  }
  // (destroyed outside the lock: a command may hold the last reference to a connection)
}

void io_loop::mark_dirty(const std::shared_ptr<flushable>& client) {
  if (!client->dirty) {
    client->dirty = true;
    dirty_.push_back(client);
  }
}

void io_loop::run() {
  own_inbox = inbox_.get();
  while (!ctx_.stopped()) {
    bool reading = ready_->poll();
    ctx_.poll();
    if (runner_) runner_->run(actor_budget_per_pass);
    apply_inbox();
    flush_dirty();
    // Wait only when nothing is known to be pending: no connection was read in this pass
    // (under load its next request is likely already there), no socket actor is still
    // waiting (budget used up), nothing was queued by this thread after the apply. Only
    // then is asio told about the ready set (which also reports readiness that arrived
    // meanwhile).
    if (reading || (runner_ && runner_->has_work()) || inbox_->queued_by_own_thread()) continue;
    ready_->arm_for_wait();
    ctx_.run_one();
  }
  if (runner_) runner_->hand_over();
  own_inbox = nullptr;
}

void io_loop::apply_inbox() {
  inbox_->take(applying_);
  for (auto& cmd : applying_) {
    if (cmd.members) {
      // Every member of this group is one of our session_connections.
      for (auto& member : *cmd.members) {
        if (member.get() == cmd.skip) continue;
        if (auto* session = static_cast<session_connection*>(member.get())->session()) session->send_frame(cmd.frame);
      }
    } else if (auto* session = cmd.conn->session()) {
      if (cmd.close) session->close_with(*cmd.close, std::move(cmd.reason));
      else if (cmd.resume) session->resume_reading();
      else session->send_frame(std::move(cmd.frame));
    }
  }
  applying_.clear();
}

void io_loop::flush_dirty() {
  if (frames_out > 0 && frames_counter_) {
    frames_counter_->fetch_add(std::exchange(frames_out, 0), std::memory_order_relaxed);
    bytes_counter_->fetch_add(std::exchange(bytes_out, 0), std::memory_order_relaxed);
  }
  flushing_.swap(dirty_);
  for (auto& client : flushing_) {
    client->dirty = false;
    client->flush();
  }
  flushing_.clear();
}

} // namespace chorus::net_detail
