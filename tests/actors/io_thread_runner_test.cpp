// Socket actors on the io thread (actors/io_thread_runner.hpp), with CAF's real
// threaded scheduler: this test's thread plays the io thread.
#include <atomic>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/caf_types.hpp"
#include "actors/runtime.hpp"
#include "actors/socket.hpp"
#include "testing/fake_connection.hpp"

using namespace chorus;
using namespace std::chrono_literals;

namespace {

struct threads_seen {
  std::atomic<std::thread::id> join{}, ping{};
};

channel_config ping_channel(threads_seen& seen) {
  channel_config cfg;
  cfg.channels.push_back({.topic_pattern = "room:*",
                          .join = [&seen](const json&, socket&) {
                            seen.join = std::this_thread::get_id();
                            return join_result::ok();
                          },
                          .handlers = {{"ping", [&seen](const payload& body, socket& s) {
                                          seen.ping = std::this_thread::get_id();
                                          s.reply("ok", body);
                                        }}}});
  return cfg;
}

/// Runs `runner` (if any) on this thread until `conn` has written `n` frames or 5 s pass.
std::vector<std::string> frames_after(testing::fake_connection& conn, std::size_t n, actor_runner* runner) {
  std::vector<std::string> got;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (got.size() < n && std::chrono::steady_clock::now() < deadline) {
    if (runner) runner->run(64);
    for (auto& f : conn.take()) got.push_back(f);
    std::this_thread::sleep_for(1ms);
  }
  return got;
}

/// Lets a socket actor go idle (its last message handled), so the next frame wakes it:
/// only a waking message makes CAF hand the actor to the sender's execution unit.
void settle() { std::this_thread::sleep_for(30ms); }

struct system_with_runtime {
  caf::actor_system_config cfg;
  std::optional<caf::actor_system> sys;
  std::optional<runtime> rt;
  explicit system_with_runtime(channel_config channels) {
    register_chorus_types(cfg);
    cfg.set("scheduler.max-threads", 2);
    sys.emplace(cfg);
    rt.emplace(*sys, std::move(channels));
  }
  ~system_with_runtime() {
    rt->stop();
    rt.reset();
    sys->await_all_actors_done();
  }
};

} // namespace

TEST_CASE("a socket actor woken through a runner runs on that thread; topics stay on the workers", "[runner]") {
  threads_seen seen;
  system_with_runtime env{ping_channel(seen)};
  auto runner = env.rt->make_runner();
  REQUIRE(runner);
  auto conn = std::make_shared<testing::fake_connection>();
  std::atomic<bool> connected{false};
  auto link = env.rt->open_socket(conn, {}, protocol::serializer::v2, [&](bool ok, unsigned) { connected = ok; });
  for (int i = 0; i < 500 && !connected; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(connected);
  settle();
  link.deliver(R"(["1","1","room:a","phx_join",{}])", false, runner.get());
  CHECK(runner->has_work());
  auto joined = frames_after(*conn, 1, runner.get());
  REQUIRE(joined.size() == 1);
  CHECK(joined[0] == R"(["1","1","room:a","phx_reply",{"response":{},"status":"ok"}])");
  CHECK(seen.join.load() == std::this_thread::get_id());  // the join callback ran here

  // The reply to a push is written before the runner gives this thread back.
  settle();
  link.deliver(R"(["1","2","room:a","ping",{"n":1}])", false, runner.get());
  runner->run(64);
  CHECK(!runner->has_work());
  CHECK(conn->take() == std::vector<std::string>{R"(["1","2","room:a","phx_reply",{"response":{"n":1},"status":"ok"}])"});
  CHECK(seen.ping.load() == std::this_thread::get_id());

  link.transport_closed();
  runner->hand_over();
}

TEST_CASE("without a runner, or handed over, the socket actor runs on CAF's workers", "[runner]") {
  threads_seen seen;
  system_with_runtime env{ping_channel(seen)};
  auto conn = std::make_shared<testing::fake_connection>();
  auto link = env.rt->open_socket(conn, {}, protocol::serializer::v2, [](bool, unsigned) {});
  link.deliver(R"(["1","1","room:a","phx_join",{}])", false);
  REQUIRE(frames_after(*conn, 1, nullptr).size() == 1);
  CHECK(seen.join.load() != std::this_thread::get_id());

  // Woken through a runner that stops before it runs anything: hand_over gives the actor
  // to the scheduler, which answers (an actor left behind would never run again).
  auto runner = env.rt->make_runner();
  settle();
  link.deliver(R"(["1","2","room:a","ping",{"n":2}])", false, runner.get());
  REQUIRE(runner->has_work());
  runner->hand_over();
  CHECK(!runner->has_work());
  auto replies = frames_after(*conn, 1, nullptr);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0] == R"(["1","2","room:a","phx_reply",{"response":{"n":2},"status":"ok"}])");
  CHECK(seen.ping.load() != std::this_thread::get_id());
  link.transport_closed();
}

TEST_CASE("a runner's budget bounds one pass; the rest waits for the next", "[runner]") {
  threads_seen seen;
  system_with_runtime env{ping_channel(seen)};
  auto runner = env.rt->make_runner();
  std::vector<std::shared_ptr<testing::fake_connection>> conns;
  std::vector<socket_link> links;
  for (int i = 0; i < 3; ++i) {
    conns.push_back(std::make_shared<testing::fake_connection>());
    links.push_back(env.rt->open_socket(conns.back(), {}, protocol::serializer::v2, [](bool, unsigned) {}));
    settle();
    links.back().deliver(R"(["1","1","room:a","phx_join",{}])", false, runner.get());
  }
  for (auto& c : conns) REQUIRE(frames_after(*c, 1, runner.get()).size() == 1);
  settle();
  for (auto& l : links) l.deliver(R"(["1","2","room:a","ping",{}])", false, runner.get());
  runner->run(2);  // two of the three sockets
  CHECK(runner->has_work());
  std::size_t answered = 0;
  for (auto& c : conns) answered += c->take().size();
  CHECK(answered == 2);
  runner->run(2);
  CHECK(!runner->has_work());
  for (auto& c : conns) answered += c->take().size();
  CHECK(answered == 3);
  for (auto& l : links) l.transport_closed();
}
