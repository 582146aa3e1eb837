#include "net/output_queue.hpp"

namespace chorus::net_detail {

void output_queue::push(shared_frame frame) {
  if (!frame || frame->wire().empty()) return;
  adjust(static_cast<std::int64_t>(frame->wire().size()));
  chunks_.push_back({std::move(frame), 0});
}

void output_queue::push(std::string bytes) {
  auto frame = std::make_shared<outbound_frame>();
  frame->bytes = std::move(bytes);
  push(std::move(frame));
}

std::size_t output_queue::gather(iovec* out, std::size_t max) const noexcept {
  std::size_t n = 0;
  for (auto it = chunks_.begin() + std::ptrdiff_t(head_); it != chunks_.end() && n < max; ++it, ++n) {
    auto wire = it->frame->wire();
    out[n].iov_base = const_cast<char*>(wire.data() + it->offset);
    out[n].iov_len = wire.size() - it->offset;
  }
  return n;
}

void output_queue::consume(std::size_t n) noexcept {
  adjust(-static_cast<std::int64_t>(n));
  while (n > 0) {
    auto& front = chunks_[head_];
    std::size_t left = front.frame->wire().size() - front.offset;
    if (n < left) {
      front.offset += n;
      return;
    }
    n -= left;
    front.frame.reset();
    ++head_;
  }
  if (head_ == chunks_.size()) {
    chunks_.clear();
    head_ = 0;
  }
}

void output_queue::drop_unstarted() noexcept {
  std::size_t keep = head_ + (!empty() && chunks_[head_].offset > 0 ? 1 : 0);
  while (chunks_.size() > keep) {
    adjust(-static_cast<std::int64_t>(chunks_.back().frame->wire().size()));
    chunks_.pop_back();
  }
  if (head_ == chunks_.size()) {
    chunks_.clear();
    head_ = 0;
  }
}

} // namespace chorus::net_detail
