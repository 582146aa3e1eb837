#include "actors/io_thread_runner.hpp"

#include <caf/actor_system.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/socket_actor.hpp"

namespace chorus::detail {

namespace {
// Messages one socket actor may handle per resume before the others get their turn.
constexpr std::size_t throughput_per_resume = 64;

bool is_socket_actor(caf::resumable* job) noexcept {
  return dynamic_cast<socket_actor*>(job) != nullptr;
}
} // namespace

io_thread_runner::io_thread_runner(caf::actor_system& sys) : caf::execution_unit(&sys) {}

io_thread_runner::~io_thread_runner() { hand_over(); }

void io_thread_runner::exec_later(caf::resumable* job) {
  if (is_socket_actor(job)) queue_.push_back(job);
  else system().scheduler().enqueue(job);  // (the reference CAF added goes with it)
}

void io_thread_runner::run(std::size_t budget) {
  while (!queue_.empty() && budget > 0) {
    running_.swap(queue_);
    for (std::size_t i = 0; i < running_.size(); ++i) {
      auto* job = running_[i];
      if (budget == 0) {  // out of budget: the rest keep their turn for the next pass
        queue_.insert(queue_.end(), running_.begin() + std::ptrdiff_t(i), running_.end());
        break;
      }
      --budget;
      switch (job->resume(this, throughput_per_resume)) {
        case caf::resumable::resume_later:
          queue_.push_back(job);
          break;
        case caf::resumable::done:
        case caf::resumable::awaiting_message:
          intrusive_ptr_release(job);  // CAF's reference from when it woke the actor
          break;
        case caf::resumable::shutdown_execution_unit:
          break;  // (only the scheduler's own shutdown job answers this)
      }
    }
    running_.clear();
  }
}

void io_thread_runner::hand_over() noexcept {
  // The io thread stops: the workers finish what is queued here (an actor left woken
  // but never resumed would never run again, and CAF's shutdown would wait for it).
  for (auto* job : queue_) system().scheduler().enqueue(job);
  queue_.clear();
}

} // namespace chorus::detail
