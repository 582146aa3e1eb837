#pragma once
// Socket actors run on the io thread that owns their connection (docs/architecture.md,
// "Where socket actors run"). An io thread is a CAF execution unit of its own: a frame it
// reads is enqueued with this unit as the context, so CAF hands the woken socket actor to
// exec_later() here instead of to a worker, and the io thread resumes it in the same loop
// pass — the reply is queued, applied and written without leaving the thread. Actors of
// other kinds that a socket actor wakes (topics, registry, the app's) go to CAF's
// scheduler as usual, so fan-out and app work stay on the workers.
#include <cstddef>
#include <vector>

#include <caf/execution_unit.hpp>
#include <caf/fwd.hpp>

#include "actors/endpoint.hpp"

namespace chorus::detail {

class io_thread_runner final : public actor_runner, public caf::execution_unit {
public:
  explicit io_thread_runner(caf::actor_system& sys);
  ~io_thread_runner() override;

  /// CAF: an actor this unit woke. Socket actors stay here; any other goes to the scheduler.
  void exec_later(caf::resumable* job) override;

  bool has_work() const noexcept override { return !queue_.empty(); }
  void run(std::size_t budget) override;
  void hand_over() noexcept override;

private:
  std::vector<caf::resumable*> queue_;    // each holds the reference CAF added when waking it
  std::vector<caf::resumable*> running_;  // (swapped with queue_ per pass: jobs may requeue)
};

} // namespace chorus::detail
