#pragma once
// A latency histogram with fixed bucket bounds, fed lock-free from any thread (one
// relaxed add per bucket hit), read by /metrics as a Prometheus histogram.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace chorus {

class histogram {
public:
  static constexpr std::size_t max_buckets = 16;

  /// `bounds`: upper bounds in seconds, ascending (at most max_buckets; +Inf is implied).
  explicit histogram(std::span<const double> bounds) noexcept : size_(bounds.size()) {
    for (std::size_t i = 0; i < size_ && i < max_buckets; ++i) bounds_[i] = bounds[i];
  }

  void observe(std::chrono::nanoseconds d) noexcept {
    double s = std::chrono::duration<double>(d).count();
    std::size_t i = 0;
    while (i < size_ && s > bounds_[i]) ++i;  // i == size_: only +Inf
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<std::uint64_t>(d.count() < 0 ? 0 : d.count()), std::memory_order_relaxed);
  }

  std::size_t size() const noexcept { return size_; }
  double bound(std::size_t i) const noexcept { return bounds_[i]; }
  /// Observations in bucket i alone (not cumulative); i == size() is the +Inf bucket.
  std::uint64_t count_in(std::size_t i) const noexcept { return counts_[i].load(std::memory_order_relaxed); }
  double sum_seconds() const noexcept { return double(sum_ns_.load(std::memory_order_relaxed)) / 1e9; }

private:
  std::size_t size_;
  std::array<double, max_buckets> bounds_{};
  std::array<std::atomic<std::uint64_t>, max_buckets + 1> counts_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

} // namespace chorus
