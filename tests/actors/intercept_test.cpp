// intercept / handle_out (Phoenix's `intercept`): listed events reach each subscriber
// through its channel's handle_out, which may rewrite or drop them per user; other
// events keep the encode-once fast path.
#include <catch2/catch.hpp>

#include <caf/event_based_actor.hpp>

#include "actors/pubsub_message.hpp"
#include "actors/socket.hpp"
#include "testing/channel_test.hpp"

using chorus::json;
using chorus::testing::channel_test;

namespace {

/// room:* — "say" broadcasts `shout` (intercepted: upper-cased), `secret` (intercepted:
/// only admins get it), `plain` (not intercepted); "say_from" uses broadcast_from.
chorus::channel_config intercepting_config(bool with_handle_out = true) {
  chorus::channel_config cfg;
  cfg.connect = [](const chorus::connect_info& info) {
    return chorus::connect_result::ok({{"admin", info.params.value("admin", "") == "yes"}});
  };
  chorus::channel_def room{.topic_pattern = "room:*"};
  room.handlers = {
    {"say", [](const chorus::payload& body, chorus::socket& sock) {
       const auto& b = std::get<json>(body);
       sock.broadcast(b["event"].get<std::string>(), json{{"text", b["text"]}});
     }},
    {"say_from", [](const chorus::payload& body, chorus::socket& sock) {
       const auto& b = std::get<json>(body);
       sock.broadcast_from(b["event"].get<std::string>(), json{{"text", b["text"]}});
     }},
  };
  room.intercept = {"shout", "secret", "boom"};
  if (with_handle_out)
    room.handle_out = [](const std::string& event, const chorus::payload& body, chorus::socket& sock) {
      const auto& b = std::get<json>(body);
      if (event == "shout") {
        std::string text = b["text"];
        for (auto& ch : text) ch = char(std::toupper(static_cast<unsigned char>(ch)));
        sock.push(event, json{{"text", text}});
      } else if (event == "secret") {
        if (sock.get_assign("admin") == true) sock.push(event, body);
      } else if (event == "boom") {
        if (sock.get_assign("admin") != true) throw std::runtime_error("handle_out failed");
        sock.push(event, body);
      }
    };
  cfg.channels.push_back(std::move(room));
  return cfg;
}

} // namespace

TEST_CASE("an intercepted event passes handle_out per subscriber; the others keep the fast path", "[intercept]") {
  channel_test t{intercepting_config()};
  auto admin = t.connect({{"admin", "yes"}});
  auto user = t.connect();
  REQUIRE(admin.join("room:1").status == "ok");
  REQUIRE(user.join("room:1").status == "ok");

  user.send("room:1", "say", {{"event", "shout"}, {"text", "hi"}});
  // handle_out pushes: the frame carries the subscriber's join_ref, like Phoenix's push
  CHECK(admin.expect_push("room:1", "shout") == json{{"text", "HI"}});
  CHECK(user.expect_push("room:1", "shout") == json{{"text", "HI"}});

  user.send("room:1", "say", {{"event", "secret"}, {"text", "s"}});
  CHECK(admin.expect_push("room:1", "secret") == json{{"text", "s"}});
  user.expect_no_message();  // dropped for the non-admin

  user.send("room:1", "say", {{"event", "plain"}, {"text", "p"}});
  CHECK(admin.expect_broadcast("room:1", "plain") == json{{"text", "p"}});  // not intercepted
  CHECK(user.expect_broadcast("room:1", "plain") == json{{"text", "p"}});
  admin.expect_no_message();
}

TEST_CASE("broadcast_from of an intercepted event skips the sender", "[intercept]") {
  channel_test t{intercepting_config()};
  auto a = t.connect();
  auto b = t.connect();
  REQUIRE(a.join("room:2").status == "ok");
  REQUIRE(b.join("room:2").status == "ok");
  a.send("room:2", "say_from", {{"event", "shout"}, {"text", "x"}});
  CHECK(b.expect_push("room:2", "shout") == json{{"text", "X"}});
  a.expect_no_message();
}

TEST_CASE("a handle_out that throws costs its own channel only", "[intercept]") {
  channel_test t{intercepting_config()};
  auto admin = t.connect({{"admin", "yes"}});
  auto user = t.connect();
  REQUIRE(admin.join("room:3").status == "ok");
  REQUIRE(user.join("room:3").status == "ok");
  admin.send("room:3", "say", {{"event", "boom"}, {"text", "b"}});
  CHECK(admin.expect_push("room:3", "boom") == json{{"text", "b"}});
  auto err = user.next();
  REQUIRE(err);
  CHECK(err->event == "phx_error");
  CHECK_FALSE(user.closed());  // the connection stays
  // the failed channel ended: later broadcasts do not reach it, the admin's still does
  admin.send("room:3", "say", {{"event", "plain"}, {"text", "after"}});
  CHECK(admin.expect_broadcast("room:3", "plain") == json{{"text", "after"}});
  user.expect_no_message();
}

TEST_CASE("intercept without handle_out pushes the event unchanged", "[intercept]") {
  channel_test t{intercepting_config(false)};
  auto a = t.connect();
  REQUIRE(a.join("room:4").status == "ok");
  a.send("room:4", "say", {{"event", "secret"}, {"text", "t"}});
  CHECK(a.expect_push("room:4", "secret") == json{{"text", "t"}});
}

TEST_CASE("an app actor on pubsub still gets intercepted events as pubsub_message", "[intercept]") {
  channel_test t{intercepting_config()};
  auto a = t.connect();
  REQUIRE(a.join("room:5").status == "ok");
  auto seen = std::make_shared<std::vector<std::string>>();
  auto app = t.system().spawn([seen](caf::event_based_actor*) -> caf::behavior {
    return {[seen](const chorus::pubsub_message& m) { seen->push_back(m.event); }};
  });
  t.bus().subscribe("room:5", app);
  t.run();
  a.send("room:5", "say", {{"event", "shout"}, {"text", "q"}});
  CHECK(a.expect_push("room:5", "shout") == json{{"text", "Q"}});
  t.run();
  CHECK(*seen == std::vector<std::string>{"shout"});
  caf::anon_send_exit(app, caf::exit_reason::user_shutdown);
  t.run();
}
