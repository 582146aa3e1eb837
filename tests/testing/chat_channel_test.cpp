// The chat example's channel tested the way an app author tests theirs: with
// chorus::testing (deterministic scheduler, simulated time, no sockets).
#include <catch2/catch.hpp>

#include "chat_channels.hpp"
#include "testing/channel_test.hpp"

using chorus::json;
using chorus::testing::channel_test;
using chorus::testing::expectation_failed;
using namespace std::chrono_literals;

namespace {
chorus::channel_config chat_config() {
  chorus::channel_config cfg;
  cfg.channels.push_back(chat::room_channel());
  return cfg;
}
} // namespace

TEST_CASE("chat: join, ping is answered with its payload, new_msg reaches every member") {
  channel_test t{chat_config()};
  auto alice = t.connect({{"user", "alice"}});
  auto bob = t.connect({{"user", "bob"}});
  REQUIRE(alice.accepted());
  CHECK(alice.join("room:lobby").status == "ok");
  CHECK(bob.join("room:lobby").status == "ok");
  auto pong = alice.push("room:lobby", "ping", {{"n", 1}});
  CHECK(pong.status == "ok");
  CHECK(pong.response == json{{"n", 1}});
  alice.send("room:lobby", "new_msg", {{"body", "hi"}});
  CHECK(alice.expect_broadcast("room:lobby", "new_msg") == json{{"body", "hi"}});
  CHECK(bob.expect_broadcast("room:lobby", "new_msg") == json{{"body", "hi"}});
  alice.expect_no_message();
  bob.expect_no_message();
}

TEST_CASE("chat: topics outside room:* and unknown events are refused with Phoenix's reasons") {
  channel_test t{chat_config()};
  auto c = t.connect();
  auto refused = c.join("lobby");
  CHECK(refused.status == "error");
  CHECK(refused.response == json{{"reason", "unmatched topic"}});
  c.join("room:1");
  CHECK(c.push("room:1", "dance").response == json{{"reason", "unhandled event"}});
}

TEST_CASE("chat: a member that leaves gets no more broadcasts; a silent client is closed after 60 s") {
  channel_test t{chat_config()};
  auto stays = t.connect();
  auto leaves = t.connect();
  stays.join("room:1");
  leaves.join("room:1");
  leaves.leave("room:1");
  CHECK(leaves.next()->event == "phx_close");
  stays.send("room:1", "new_msg", {{"body", "still here?"}});
  stays.expect_broadcast("room:1", "new_msg");
  leaves.expect_no_message();
  t.advance(30s);
  stays.send("phoenix", "heartbeat");  // only `stays` beats
  t.advance(45s);
  CHECK(leaves.closed() == std::pair<std::uint16_t, std::string>{1001, "heartbeat timeout"});
  CHECK_FALSE(stays.closed());
}

TEST_CASE("failed expectations say what was expected and what came") {
  channel_test t{chat_config()};
  auto c = t.connect();
  c.join("room:1");
  c.send("room:1", "new_msg", {{"body", "x"}});
  CHECK_THROWS_WITH(c.expect_push("room:1", "new_msg"),
                    Catch::Contains("expected a push of new_msg on room:1, got [null,null,\"room:1\",\"new_msg\""));
  CHECK_THROWS_AS(c.push("room:1", "new_msg"), expectation_failed);  // new_msg is not answered
}
