// A connection outlives its io thread: topics and apps keep connections (and hand them
// frames) after the network edge has stopped — a cluster peer's broadcast arriving during
// shutdown did exactly that and read a freed io_loop (found by ASan). The thread's inbox
// is shared with its connections and drops what comes once the thread is gone.
#include <catch2/catch.hpp>

#include <memory>

#include "net/io_loop.hpp"
#include "net/session_connection.hpp"
#include "protocol/frames.hpp"

using namespace chorus;
using chorus::net_detail::io_loop;
using chorus::net_detail::loop_inbox;
using chorus::net_detail::session_connection;

namespace {
shared_frame some_frame() {
  return make_shared_frame(protocol::encode_close(protocol::serializer::v2, protocol::json("1"), "room:1"));
}
} // namespace

TEST_CASE("a connection handed frames after its io thread is gone drops them") {
  auto loop = std::make_unique<io_loop>();
  loop->start();
  auto conn = std::make_shared<session_connection>(nullptr, loop->inbox(), 64);
  auto members = std::make_shared<std::vector<connection_ptr>>(std::vector<connection_ptr>{conn});
  conn->send(some_frame());  // while it runs: applied (to no session) on the io thread
  loop->stop();
  loop->join();
  loop.reset();              // the network edge is gone; the connection is not
  auto* group = conn->group();
  REQUIRE(group != nullptr);
  conn->send(some_frame());
  conn->close(1001, "bye");
  for (int i = 0; i < 64; ++i) conn->frame_delivered();  // paused: the next done resumes,
  for (int i = 0; i < 64; ++i) conn->frame_done();       // which posts to the inbox
  group->deliver(some_frame(), members, nullptr);
  std::vector<loop_inbox::command> queued;
  static_cast<loop_inbox*>(group)->take(queued);
  CHECK(queued.empty());
}

TEST_CASE("frames handed over while the thread runs are applied in order, then the inbox closes on join") {
  io_loop loop;
  auto inbox = loop.inbox();
  auto conn = std::make_shared<session_connection>(nullptr, inbox, 64);
  conn->send(some_frame());
  conn->send(some_frame());
  std::vector<loop_inbox::command> queued;
  inbox->take(queued);  // (the thread is not started: the test takes them itself)
  CHECK(queued.size() == 2);
  loop.join();  // never started: joins nothing, closes the inbox
  conn->send(some_frame());
  queued.clear();
  inbox->take(queued);
  CHECK(queued.empty());
}
