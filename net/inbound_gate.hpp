#pragma once
// Inbound flow control for one connection: the io thread counts the frames it hands to
// the socket actor, the actor counts the ones it has handled; reading pauses at `high`
// unhandled frames and resumes once they are down to `low`.
//
// Why one atomic word. The count and the "paused" flag live in the same word and change
// only by compare-and-swap, so every execution is an interleaving of whole delivered()
// and handled() calls (all modifications of one location are totally ordered) and
// exactly one handled() ends each pause. An earlier version kept the resume mark in a
// second atomic: the io thread stored the mark then loaded the count, the actor
// decremented the count then loaded the mark. With anything weaker than seq_cst both
// sides can read the old value of the other's location (store buffering, which x86
// does: the io thread's store may still sit in its store buffer while its load and the
// actor's whole decrement-then-load run), and the connection stayed paused until the
// idle timeout. That window lives in the processor's store buffer, which no
// deterministic test can schedule; this design has no such window, and
// tests/net/inbound_gate_test.cpp walks every interleaving of the calls.
#include <atomic>
#include <cassert>
#include <cstdint>

namespace chorus::net_detail {

class inbound_gate {
public:
  /// Pauses at `high` (at least 1) unhandled frames, resumes at `high / 2`.
  explicit inbound_gate(std::uint32_t high) noexcept : high_(high < 1 ? 1 : high), low_(high_ / 2) {}

  /// io thread, after delivering one frame. True: stop reading now; the handled() call
  /// that brings the count down to the low mark returns true (exactly one).
  bool delivered() noexcept {
    auto old = word_.load(std::memory_order_relaxed);
    std::uint32_t next;
    do {
      next = old + 1;
      if (count(next) >= high_) next |= paused_bit;
    } while (!word_.compare_exchange_weak(old, next, std::memory_order_acq_rel, std::memory_order_relaxed));
    return next & paused_bit;
  }

  /// Socket actor, after handling one frame. True: this call ended a pause, the caller
  /// must resume reading.
  bool handled() noexcept {
    auto old = word_.load(std::memory_order_relaxed);
    std::uint32_t next;
    do {
      assert(count(old) > 0);
      next = old - 1;
      if ((next & paused_bit) && count(next) <= low_) next &= ~paused_bit;
    } while (!word_.compare_exchange_weak(old, next, std::memory_order_acq_rel, std::memory_order_relaxed));
    return (old & paused_bit) && !(next & paused_bit);
  }

  std::uint32_t unhandled() const noexcept { return count(word_.load(std::memory_order_relaxed)); }
  bool paused() const noexcept { return word_.load(std::memory_order_relaxed) & paused_bit; }

private:
  static constexpr std::uint32_t paused_bit = 1u << 31;
  static constexpr std::uint32_t count(std::uint32_t word) noexcept { return word & ~paused_bit; }

  const std::uint32_t high_;
  const std::uint32_t low_;
  std::atomic<std::uint32_t> word_{0};
};

} // namespace chorus::net_detail
