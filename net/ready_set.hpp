#pragma once
// Readiness of an io thread's open WebSocket connections, from an epoll set of chorus's
// own: each connection is registered once (edge-triggered, readable and writable) when it
// opens and removed when it closes. Waiting for a connection's next message then costs no
// system call — asio re-arms its epoll registration on every wait (an epoll_ctl per
// message, 10% of the server's CPU in request/reply). The io loop polls the set itself once
// per pass (one epoll_wait, no waiting) and asks asio to watch the set's own descriptor
// only before it blocks, so a loop kept busy by reads makes no asio wait at all.
//
// Edge-triggered contract: a client told `readable` reads until the socket is empty (a
// short read on TCP, want-read from TLS) or arranges to come back on its own (a posted
// continuation, a resume after pausing); no second event comes for bytes already there.
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace chorus::net_detail {

class ready_set {
public:
  class client {
  public:
    virtual ~client() = default;
    /// readable also on hang-up and error (the next read reports them).
    virtual void on_ready(bool readable, bool writable) = 0;
  };

  explicit ready_set(boost::asio::io_context& ctx);
  ready_set(const ready_set&) = delete;
  ready_set& operator=(const ready_set&) = delete;

  /// io thread: watches `fd` for `owner`, who is kept alive until remove(). 0 if the
  /// kernel refused (the caller closes the connection).
  std::uint64_t add(int fd, std::shared_ptr<client> owner);
  /// io thread: before `fd` is closed. Releases the owner (maybe its last reference).
  void remove(std::uint64_t token, int fd) noexcept;
  std::size_t size() const noexcept { return slots_.size() - free_.size(); }

  /// io thread, once per loop pass: tells the clients whose connections became ready since
  /// the last call, without waiting. True if one became readable (more requests are likely
  /// on their way) or more events may be left; writable alone does not count — under
  /// fan-out every acknowledged write brings one, and a loop that kept polling for those
  /// would take the core from the actors that produce the broadcasts.
  bool poll();
  /// io thread, before the loop blocks in asio: a connection becoming ready wakes it (and
  /// is handed out by poll). Waits once per call at most; repeated calls are free.
  void arm_for_wait();

private:
  boost::asio::posix::stream_descriptor set_;  // owns the epoll descriptor
  struct slot {
    std::shared_ptr<client> owner;
    std::uint32_t generation = 0;  // a token names one registration, never a reused slot
  };
  std::vector<slot> slots_;
  std::vector<std::uint32_t> free_;
  bool armed_ = false;
};

} // namespace chorus::net_detail
