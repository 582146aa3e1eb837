// The inbound pause/resume protocol (net/inbound_gate.hpp). Each gate call is one
// atomic read-modify-write of one word, so every real execution is equivalent to some
// interleaving of whole calls: the first test walks all of them for small runs.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "net/inbound_gate.hpp"

using chorus::net_detail::inbound_gate;

namespace {

/// The three things that happen around one connection: the io thread reads a frame
/// (unless paused), the socket actor handles one, the io thread applies a posted resume.
enum class step { read, handle, resume };

struct run_result {
  std::vector<step> enabled;  // what could happen next
  bool ok = true;             // no invariant broken so far
  std::uint32_t sent = 0, handled = 0, pending_resumes = 0;
  bool io_paused = false, gate_paused = false;
};

/// Replays `path` on a fresh gate; checks the invariants after every step.
run_result replay(const std::vector<step>& path, std::uint32_t frames, std::uint32_t high) {
  inbound_gate gate{high};
  run_result r;
  for (auto s : path) {
    switch (s) {
      case step::read:
        ++r.sent;
        if (gate.delivered()) r.io_paused = true;
        break;
      case step::handle:
        ++r.handled;
        if (gate.handled()) ++r.pending_resumes;
        break;
      case step::resume:
        --r.pending_resumes;
        if (!r.io_paused) r.ok = false;  // a resume without a pause: the protocol double-fired
        r.io_paused = false;
        break;
    }
    if (gate.unhandled() != r.sent - r.handled || gate.unhandled() > high) r.ok = false;
  }
  r.gate_paused = gate.paused();
  if (!r.io_paused && r.sent < frames) r.enabled.push_back(step::read);
  if (r.handled < r.sent) r.enabled.push_back(step::handle);
  if (r.pending_resumes > 0) r.enabled.push_back(step::resume);
  return r;
}

struct walk_summary {
  std::size_t complete = 0;  // runs that delivered and handled everything
  std::size_t stuck = 0;     // runs where nothing could happen with frames left
  std::size_t broken = 0;    // runs that broke an invariant
};

void walk(std::vector<step>& path, std::uint32_t frames, std::uint32_t high, walk_summary& out) {
  auto r = replay(path, frames, high);
  if (!r.ok) {
    ++out.broken;
    return;
  }
  if (r.enabled.empty()) {
    bool done = r.sent == frames && r.handled == frames && !r.io_paused && !r.gate_paused;
    ++(done ? out.complete : out.stuck);
    return;
  }
  for (auto s : r.enabled) {
    path.push_back(s);
    walk(path, frames, high, out);
    path.pop_back();
  }
}

} // namespace

TEST_CASE("every interleaving of reads, handles and resumes delivers every frame and never stalls") {
  struct shape {
    std::uint32_t frames, high;
    std::size_t min_runs;  // the walk really branched
  };
  // high 1: reading stops after every frame, so there is one run only.
  for (auto [frames, high, min_runs] : {shape{10, 4, 12'000}, shape{6, 2, 90}, shape{5, 1, 1}, shape{10, 6, 16'000}, shape{12, 8, 200'000}}) {
    CAPTURE(frames, high);
    walk_summary summary;
    std::vector<step> path;
    walk(path, frames, high, summary);
    CHECK(summary.broken == 0);
    CHECK(summary.stuck == 0);
    CHECK(summary.complete >= min_runs);
  }
}

TEST_CASE("the gate pauses at the high mark and only the handle that reaches the low mark resumes") {
  inbound_gate gate{4};
  CHECK_FALSE(gate.delivered());
  CHECK_FALSE(gate.delivered());
  CHECK_FALSE(gate.delivered());
  CHECK(gate.delivered());  // 4 unhandled: pause
  CHECK(gate.paused());
  CHECK_FALSE(gate.handled());  // 3
  CHECK(gate.handled());        // 2 = low mark: resume, once
  CHECK_FALSE(gate.paused());
  CHECK_FALSE(gate.handled());
  CHECK_FALSE(gate.handled());
  CHECK(gate.unhandled() == 0);
}

TEST_CASE("two real threads push a million frames through the gate without a stall") {
  constexpr std::uint32_t frames = 1'000'000;
  inbound_gate gate{64};
  std::atomic<std::uint32_t> delivered{0};  // the mailbox: frames the actor may handle
  std::atomic<int> resumes{0};               // the io loop's inbox of posted resumes
  std::atomic<bool> give_up{false}, actor_done{false};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};

  std::thread actor{[&] {
    for (std::uint32_t done = 0; done < frames && !give_up.load();) {
      if (done == delivered.load(std::memory_order_acquire)) continue;
      ++done;
      if (gate.handled()) resumes.fetch_add(1, std::memory_order_release);
    }
    actor_done = true;
  }};
  std::uint32_t sent = 0;
  int pauses = 0;
  bool paused = false;
  while (sent < frames) {
    if (std::chrono::steady_clock::now() > deadline) break;  // stalled: fail below
    if (paused) {
      if (resumes.load(std::memory_order_acquire) < pauses) continue;  // not resumed yet
      paused = false;
    }
    ++sent;
    bool pause = gate.delivered();
    delivered.store(sent, std::memory_order_release);
    if (pause) {
      paused = true;
      ++pauses;
    }
  }
  while (!actor_done.load() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  give_up = true;
  actor.join();
  CHECK(sent == frames);
  CHECK(resumes.load() == pauses);
  CHECK(gate.unhandled() == 0);
}
