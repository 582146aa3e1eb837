// The ordering guarantees (docs/architecture.md), including under shuffled actor interleavings.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace chorus;
using namespace chorus::testing;
using strings = std::vector<std::string>;

namespace {
channel_config chat_config(std::shared_ptr<std::vector<socket>> pending_joins = nullptr) {
  channel_config cfg;
  cfg.channels.push_back({
    .topic_pattern = "room:*",
    .join = [pending_joins](const json& p, socket& s) {
      if (p.value("defer", false) && pending_joins) {
        pending_joins->push_back(s);
        return join_result::deferred();
      }
      return join_result::ok();
    },
    .handlers = {{"new_msg", [](const payload& p, socket& s) { s.broadcast("new_msg", p); }},
                 {"echo", [](const payload& p, socket& s) { s.reply("ok", p); }}}});
  return cfg;
}
} // namespace

TEST_CASE("a broadcast interleaved with a join never overtakes the join reply") {
  for (unsigned seed = 0; seed < 200; ++seed) {
    INFO("seed " << seed);
    harness h{chat_config()};
    auto a = h.connect();
    auto b = h.connect();
    h.send(a, R"(["1","1","room:1","phx_join",{}])");
    a.conn->take();
    h.enqueue(b, R"(["1","1","room:1","phx_join",{}])");
    h.enqueue(a, R"(["1","2","room:1","new_msg",{"n":1}])");
    h.enqueue(a, R"(["1","3","room:1","new_msg",{"n":2}])");
    std::mt19937 rng{seed};
    h.run_shuffled(rng);
    auto frames = b.conn->take();
    REQUIRE_FALSE(frames.empty());
    CHECK(frames[0] == R"(["1","1","room:1","phx_reply",{"response":{},"status":"ok"}])");
    // b may join before, between or after the broadcasts, but never sees n:2 before n:1
    if (frames.size() == 3) CHECK(frames[1] == R"([null,null,"room:1","new_msg",{"n":1}])");
    CHECK(a.conn->take().size() == 2);
  }
}

TEST_CASE("frames from one publisher reach every subscriber in publish order") {
  harness h{chat_config()};
  std::vector<client> subs;
  for (int i = 0; i < 5; ++i) {
    subs.push_back(h.connect());
    h.send(subs.back(), R"(["1","1","room:1","phx_join",{}])");
    subs.back().conn->take();
  }
  for (int n = 0; n < 50; ++n)
    h.enqueue(subs[0], R"(["1","2","room:1","new_msg",{"n":)" + std::to_string(n) + "}]");
  h.run();
  for (auto& s : subs) {
    auto frames = s.conn->take();
    REQUIRE(frames.size() == 50);
    for (int n = 0; n < 50; ++n)
      CHECK(frames[n] == R"([null,null,"room:1","new_msg",{"n":)" + std::to_string(n) + "}]");
  }
}

TEST_CASE("while a join is pending, later frames for its topic wait and pushes from join come after the reply") {
  auto pending = std::make_shared<std::vector<socket>>();
  harness h{chat_config(pending)};
  auto c = h.connect();
  h.send(c, R"(["1","1","room:1","phx_join",{"defer":true}])");
  h.send(c, R"(["1","2","room:1","echo",{"n":1}])");
  h.send(c, R"([null,"3","phoenix","heartbeat",{}])");  // other topics are not held
  CHECK(c.conn->take() == strings{R"([null,"3","phoenix","phx_reply",{"response":{},"status":"ok"}])"});
  REQUIRE(pending->size() == 1);
  // resolved later, from outside the socket actor (as an app actor would)
  pending->front().push("presence_state", json::object());
  pending->front().resolve_join(join_result::ok({{"late", true}}));
  h.run();
  CHECK(c.conn->take() == strings{
    R"(["1","1","room:1","phx_reply",{"response":{"late":true},"status":"ok"}])",
    R"(["1",null,"room:1","presence_state",{}])",
    R"(["1","2","room:1","phx_reply",{"response":{"n":1},"status":"ok"}])"});
}

TEST_CASE("a deferred join resolved with an error answers held frames with unmatched topic") {
  auto pending = std::make_shared<std::vector<socket>>();
  harness h{chat_config(pending)};
  auto c = h.connect();
  h.send(c, R"(["1","1","room:1","phx_join",{"defer":true}])");
  h.send(c, R"(["1","2","room:1","echo",{}])");
  pending->front().resolve_join(join_result::error());
  h.run();
  CHECK(c.conn->take() == strings{
    R"(["1","1","room:1","phx_reply",{"response":{"reason":"join rejected"},"status":"error"}])",
    R"([null,"2","room:1","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}])"});
}

TEST_CASE("a last leave racing a new join on the same topic never loses the subscribe") {
  for (unsigned seed = 0; seed < 300; ++seed) {
    INFO("seed " << seed);
    harness h{chat_config()};
    auto a = h.connect();
    auto b = h.connect();
    h.send(a, R"(["1","1","room:1","phx_join",{}])");
    a.conn->take();
    h.enqueue(a, R"(["1","2","room:1","phx_leave",{}])");
    h.enqueue(b, R"(["1","1","room:1","phx_join",{}])");
    std::mt19937 rng{seed};
    h.run_shuffled(rng);
    REQUIRE(b.conn->take() == strings{R"(["1","1","room:1","phx_reply",{"response":{},"status":"ok"}])"});
    CHECK(h.subscriber_count("room:1") == 1);
    h.send(b, R"(["1","2","room:1","new_msg",{"x":1}])");
    CHECK(b.conn->take() == strings{R"([null,null,"room:1","new_msg",{"x":1}])"});
    CHECK(h.topic_count() == 1);
  }
}

TEST_CASE("a leave and rejoin by the same connection under shuffling keeps exactly one membership") {
  for (unsigned seed = 0; seed < 200; ++seed) {
    INFO("seed " << seed);
    harness h{chat_config()};
    auto a = h.connect();
    h.send(a, R"(["1","1","room:1","phx_join",{}])");
    h.enqueue(a, R"(["1","2","room:1","phx_leave",{}])");
    h.enqueue(a, R"(["3","3","room:1","phx_join",{}])");
    h.enqueue(a, R"(["5","5","room:1","phx_join",{}])");  // and a duplicate join on top
    std::mt19937 rng{seed};
    h.run_shuffled(rng);
    a.conn->take();
    CHECK(h.subscriber_count("room:1") == 1);
    h.send(a, R"(["5","6","room:1","new_msg",{}])");
    CHECK(a.conn->take() == strings{R"([null,null,"room:1","new_msg",{}])"});
  }
}
