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

/// Joins and takes the presence_state that follows every join in the chat room.
json enter(chorus::testing::test_client& c, const std::string& topic) {
  REQUIRE(c.join(topic).status == "ok");
  return c.expect_push(topic, "presence_state");
}
} // namespace

TEST_CASE("chat: join, ping is answered with its payload, new_msg reaches every member") {
  channel_test t{chat_config()};
  auto alice = t.connect({{"user", "alice"}});
  auto bob = t.connect({{"user", "bob"}});
  REQUIRE(alice.accepted());
  enter(alice, "room:lobby");
  enter(bob, "room:lobby");
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
  enter(c, "room:1");
  CHECK(c.push("room:1", "dance").response == json{{"reason", "unhandled event"}});
}

TEST_CASE("chat: a member that leaves gets no more broadcasts; a silent client is closed after 60 s") {
  channel_test t{chat_config()};
  auto stays = t.connect();
  auto leaves = t.connect();
  enter(stays, "room:1");
  enter(leaves, "room:1");
  leaves.leave("room:1");
  CHECK(leaves.next()->event == "phx_close");
  stays.send("room:1", "new_msg", {{"body", "still here?"}});
  stays.expect_broadcast("room:1", "new_msg");
  leaves.expect_no_message();
  t.advance(30s);
  stays.expect_broadcast("room:1", "presence_diff");  // (the two arrivals and one departure)
  stays.send("phoenix", "heartbeat");  // only `stays` beats
  t.advance(45s);
  CHECK(leaves.closed() == std::pair<std::uint16_t, std::string>{1001, "heartbeat timeout"});
  CHECK_FALSE(stays.closed());
}

TEST_CASE("failed expectations say what was expected and what came") {
  channel_test t{chat_config()};
  auto c = t.connect();
  enter(c, "room:1");
  c.send("room:1", "new_msg", {{"body", "x"}});
  CHECK_THROWS_WITH(c.expect_push("room:1", "new_msg"),
                    Catch::Contains("expected a push of new_msg on room:1, got [null,null,\"room:1\",\"new_msg\""));
  CHECK_THROWS_AS(c.push("room:1", "new_msg"), expectation_failed);  // new_msg is not answered
}

TEST_CASE("chat: who is in the room (Phoenix Presence)") {
  channel_test t{chat_config()};
  auto alice = t.connect({{"user_id", "alice"}});
  auto bob = t.connect({{"user_id", "bob"}});
  CHECK(enter(alice, "room:1") == json::object());  // her own arrival comes as a diff
  auto state = enter(bob, "room:1");
  REQUIRE(state.contains("alice"));
  CHECK(state["alice"]["metas"].size() == 1);
  CHECK(state["alice"]["metas"][0].contains("online_at"));
  auto alice_ref = state["alice"]["metas"][0]["phx_ref"];
  CHECK(alice_ref.is_string());
  // Both arrivals in one diff (the 50 ms window), to both members.
  alice.expect_no_message();
  t.advance(50ms);
  for (auto* c : {&alice, &bob}) {
    auto diff = c->expect_broadcast("room:1", "presence_diff");
    CHECK(diff["leaves"] == json::object());
    CHECK(diff["joins"]["alice"]["metas"][0]["phx_ref"] == alice_ref);
    CHECK(diff["joins"].contains("bob"));
  }
  // Leaving (or dropping the connection) untracks.
  bob.leave("room:1");
  t.disconnect(bob);
  t.advance(50ms);
  auto diff = alice.expect_broadcast("room:1", "presence_diff");
  CHECK(diff["joins"] == json::object());
  CHECK(diff["leaves"]["bob"]["metas"].size() == 1);
  alice.expect_no_message();
}

TEST_CASE("chat: a burst of 200 joins costs each member one presence_diff, not 200") {
  channel_test t{chat_config()};
  auto watcher = t.connect({{"user_id", "watcher"}});
  enter(watcher, "room:burst");
  t.advance(50ms);
  watcher.expect_broadcast("room:burst", "presence_diff");
  std::vector<chorus::testing::test_client> crowd;
  for (int i = 0; i < 200; ++i) {
    crowd.push_back(t.connect({{"user_id", "u" + std::to_string(i)}}));
    enter(crowd.back(), "room:burst");
  }
  t.advance(50ms);
  auto diff = watcher.expect_broadcast("room:burst", "presence_diff");
  CHECK(diff["joins"].size() == 200);
  watcher.expect_no_message();
  // The last one in saw everybody before it in its presence_state (and itself in the diff).
  CHECK(crowd.back().expect_broadcast("room:burst", "presence_diff")["joins"].size() == 200);
}

TEST_CASE("chat: without a user_id every connection gets an id of its own") {
  channel_test t{chat_config()};
  auto a = t.connect();
  auto b = t.connect();
  enter(a, "room:1");
  enter(b, "room:1");
  t.advance(50ms);
  auto joins = a.expect_broadcast("room:1", "presence_diff")["joins"];
  CHECK(joins.size() == 2);
}
