#include "net/io_loop.hpp"

#include <boost/asio/post.hpp>

namespace chorus::net_detail {

io_loop::io_loop() : guard_(boost::asio::make_work_guard(ctx_)) {}

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
}

void io_loop::post_frame(std::weak_ptr<loop_client> client, shared_frame frame) {
  enqueue({std::move(client), std::move(frame), std::nullopt, {}});
}

void io_loop::post_close(std::weak_ptr<loop_client> client, std::uint16_t code, std::string reason) {
  enqueue({std::move(client), nullptr, code, std::move(reason)});
}

void io_loop::enqueue(command cmd) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock{inbox_mutex_};
    inbox_.push_back(std::move(cmd));
    wake = !std::exchange(wake_pending_, true);
  }
  // One wake-up per batch: the loop takes the whole inbox at once.
  if (wake) boost::asio::post(ctx_, [] {});
}

void io_loop::mark_dirty(const std::shared_ptr<loop_client>& client) {
  if (!client->dirty) {
    client->dirty = true;
    dirty_.push_back(client);
  }
}

void io_loop::run() {
  while (!ctx_.stopped()) {
    ctx_.run_one();
    ctx_.poll();
    apply_inbox();
    flush_dirty();
  }
}

void io_loop::apply_inbox() {
  {
    std::lock_guard<std::mutex> lock{inbox_mutex_};
    applying_.swap(inbox_);
    wake_pending_ = false;
  }
  for (auto& cmd : applying_) {
    auto client = cmd.client.lock();
    if (!client) continue;
    if (cmd.close) client->close_with(*cmd.close, std::move(cmd.reason));
    else client->send_frame(std::move(cmd.frame));
  }
  applying_.clear();
}

void io_loop::flush_dirty() {
  flushing_.swap(dirty_);
  for (auto& client : flushing_) {
    client->dirty = false;
    client->flush();
  }
  flushing_.clear();
}

} // namespace chorus::net_detail
