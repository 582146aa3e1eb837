#include "net/ready_set.hpp"

#include <cerrno>
#include <system_error>
#include <utility>

#include <sys/epoll.h>

namespace chorus::net_detail {

namespace {
int make_epoll() {
  int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  return fd;
}
constexpr int events_per_call = 256;
} // namespace

ready_set::ready_set(boost::asio::io_context& ctx) : set_(ctx, make_epoll()) {}

void ready_set::arm_for_wait() {
  if (std::exchange(armed_, true)) return;
  // (asio re-registers the descriptor for each wait, which also reports readiness that
  // arrived between the last poll and now)
  set_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    armed_ = false;
    if (!ec) poll();
  });
}

std::uint64_t ready_set::add(int fd, std::shared_ptr<client> owner) {
  std::uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  auto& s = slots_[index];
  ++s.generation;
  std::uint64_t token = (std::uint64_t{s.generation} << 32) | index;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = token;
  if (::epoll_ctl(set_.native_handle(), EPOLL_CTL_ADD, fd, &ev) != 0) {
    free_.push_back(index);
    return 0;
  }
  s.owner = std::move(owner);
  return token;
}

void ready_set::remove(std::uint64_t token, int fd) noexcept {
  auto index = static_cast<std::uint32_t>(token);
  if (token == 0 || index >= slots_.size() || slots_[index].generation != token >> 32 || !slots_[index].owner) return;
  ::epoll_ctl(set_.native_handle(), EPOLL_CTL_DEL, fd, nullptr);
  auto owner = std::move(slots_[index].owner);  // (released last: may end the caller)
  free_.push_back(index);
}

bool ready_set::poll() {
  epoll_event events[events_per_call];
  int n = ::epoll_wait(set_.native_handle(), events, events_per_call, 0);
  bool readable = false;
  for (int i = 0; i < n; ++i) {
    auto token = events[i].data.u64;
    auto index = static_cast<std::uint32_t>(token);
    // An earlier client in this batch may have closed this one (its slot is then empty
    // or names a newer registration).
    if (index >= slots_.size() || slots_[index].generation != token >> 32 || !slots_[index].owner) continue;
    auto owner = slots_[index].owner;
    auto e = events[i].events;
    bool in = e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR);
    readable = readable || in;
    owner->on_ready(in, e & (EPOLLOUT | EPOLLHUP | EPOLLERR));
  }
  // (a full batch may have left more: the next pass takes them, after the thread's other work)
  return readable || n == events_per_call;
}

} // namespace chorus::net_detail
