// chorus::presence on the deterministic scheduler: the shapes phoenix.js's Presence
// reads (presence_state after the join reply, presence_diff {joins, leaves}), batching,
// updates, limits and automatic untracking. docs/presence.md.
#include <catch2/catch.hpp>

#include <caf/all.hpp>

#include "actors/log.hpp"
#include "actors/presence.hpp"
#include "testing/channel_test.hpp"

using namespace chorus;
using chorus::testing::channel_test;
using chorus::testing::test_client;
using namespace std::chrono_literals;

namespace {

/// "p:*": join pushes the state and tracks {"v":0} under the user param (unless the join
/// payload says track:false); events track / update / untrack with {key, meta}.
channel_config presence_config(std::size_t max_keys = 16) {
  channel_config cfg;
  cfg.max_presences_per_subscriber = max_keys;
  auto key_of = [](const payload& body) { return std::get<json>(body).value("key", std::string{}); };
  auto meta_of = [](const payload& body) { return std::get<json>(body).value("meta", json{}); };
  cfg.channels.push_back(channel_def{
    .topic_pattern = "p:*",
    .join = [](const json& payload, socket& sock) {
      presence::push_state(sock);
      if (payload.value("track", true)) presence::track(sock, sock.query().value("user", "?"), {{"v", 0}});
      return join_result::ok();
    },
    .leave = nullptr,
    .handlers = {
      {"track", [=](const payload& b, socket& s) { presence::track(s, key_of(b), meta_of(b)); }},
      {"update", [=](const payload& b, socket& s) { presence::update(s, key_of(b), meta_of(b)); }},
      {"untrack", [=](const payload& b, socket& s) { presence::untrack(s, key_of(b)); }},
    },
  });
  return cfg;
}

json enter(test_client& c, const std::string& topic, json payload = json::object()) {
  REQUIRE(c.join(topic, std::move(payload)).status == "ok");
  return c.expect_push(topic, "presence_state");
}

json diff_of(channel_test& t, test_client& c, const std::string& topic) {
  t.advance(50ms);
  return c.expect_broadcast(topic, "presence_diff");
}

struct quiet {
  quiet() {
    if (!std::getenv("CHORUS_LOG")) set_log_level(log_level::error);  // refusals are expected
  }
};

} // namespace

TEST_CASE("presence: update gives a new phx_ref and phx_ref_prev; untrack leaves", "[presence]") {
  quiet q;
  channel_test t{presence_config()};
  auto a = t.connect({{"user", "a"}});
  enter(a, "p:1");
  auto first = diff_of(t, a, "p:1")["joins"]["a"]["metas"][0];
  a.send("p:1", "update", {{"key", "a"}, {"meta", {{"v", 1}}}});
  auto diff = diff_of(t, a, "p:1");
  auto joined = diff["joins"]["a"]["metas"][0];
  CHECK(joined["v"] == 1);
  CHECK(joined["phx_ref_prev"] == first["phx_ref"]);
  CHECK(joined["phx_ref"] != first["phx_ref"]);
  CHECK(diff["leaves"]["a"]["metas"][0] == first);
  a.send("p:1", "untrack", {{"key", "a"}});
  diff = diff_of(t, a, "p:1");
  CHECK(diff["joins"] == json::object());
  CHECK(diff["leaves"]["a"]["metas"][0] == joined);
  a.expect_no_message();
}

TEST_CASE("presence: a join and a leave inside one window send nothing", "[presence]") {
  quiet q;
  channel_test t{presence_config()};
  auto watcher = t.connect({{"user", "w"}});
  enter(watcher, "p:1");
  diff_of(t, watcher, "p:1");
  auto flicker = t.connect({{"user", "f"}});
  enter(flicker, "p:1");
  flicker.leave("p:1");
  t.advance(50ms);
  watcher.expect_no_message();
}

TEST_CASE("presence: one key tracked by two connections lists two metas", "[presence]") {
  quiet q;
  channel_test t{presence_config()};
  auto tab1 = t.connect({{"user", "same"}});
  auto tab2 = t.connect({{"user", "same"}});
  enter(tab1, "p:1");
  auto state = enter(tab2, "p:1");
  CHECK(state["same"]["metas"].size() == 1);
  auto diff = diff_of(t, tab1, "p:1");
  CHECK(diff["joins"]["same"]["metas"].size() == 2);
  t.disconnect(tab2);
  diff = diff_of(t, tab1, "p:1");
  CHECK(diff["leaves"]["same"]["metas"].size() == 1);
  // What is left: one meta under "same".
  caf::scoped_actor self{t.system()};
  std::string listed;
  auto rp = presence::list(self.ptr(), t.bus(), "p:1");
  t.run();
  rp.receive([&](const std::string& text) { listed = text; }, [&](caf::error& err) { FAIL(t.system().render(err)); });
  CHECK(json::parse(listed)["same"]["metas"].size() == 1);
}

TEST_CASE("presence: a rejoin gets presence_state again, with the new join_ref", "[presence]") {
  quiet q;
  channel_test t{presence_config()};
  auto a = t.connect({{"user", "a"}});
  enter(a, "p:1");
  t.advance(50ms);
  a.next();
  a.leave("p:1");
  CHECK(a.next()->event == "phx_close");
  REQUIRE(a.join("p:1").status == "ok");
  auto msg = a.next();
  REQUIRE(msg);
  CHECK(msg->event == "presence_state");
  CHECK(msg->join_ref == json("3"));  // the second join's ref (refs: 1 join, 2 leave, 3 join)
  CHECK(std::get<json>(msg->body) == json::object());  // the old presence left with the old channel
}

TEST_CASE("presence: refusals — a meta that is not an object, too many keys", "[presence]") {
  quiet q;
  channel_test t{presence_config(2)};
  auto a = t.connect({{"user", "a"}});
  enter(a, "p:1", {{"track", false}});
  a.send("p:1", "track", {{"key", "x"}, {"meta", "not an object"}});
  t.advance(50ms);
  a.expect_no_message();
  for (auto key : {"k1", "k2", "k3"}) a.send("p:1", "track", {{"key", key}, {"meta", json::object()}});
  auto joins = diff_of(t, a, "p:1")["joins"];
  CHECK(joins.size() == 2);
  CHECK_FALSE(joins.contains("k3"));
}

TEST_CASE("presence: the list is per topic, and an app can read it", "[presence]") {
  quiet q;
  channel_test t{presence_config()};
  auto a = t.connect({{"user", "a"}});
  auto b = t.connect({{"user", "b"}});
  enter(a, "p:1");
  CHECK(enter(b, "p:2") == json::object());  // a is on p:1 only
  caf::scoped_actor self{t.system()};
  std::string empty;
  auto rp = presence::list(self.ptr(), t.bus(), "p:none");
  t.run();
  rp.receive([&](const std::string& text) { empty = text; }, [&](caf::error& err) { FAIL(t.system().render(err)); });
  CHECK(empty == "{}");
}

TEST_CASE("presence: the list a joiner gets stays right through appends, updates and leaves", "[presence]") {
  quiet q;
  channel_test t{presence_config()};
  std::vector<test_client> cs;
  for (auto user : {"a", "b", "a"}) {  // a new key, a new key, then a second meta under "a"
    cs.push_back(t.connect({{"user", user}}));
    enter(cs.back(), "p:1");
  }
  auto check_state = [&](const json& expected_counts) {
    auto probe = t.connect({{"user", "probe"}});
    auto state = enter(probe, "p:1");
    json counts = json::object();
    for (auto& [key, v] : state.items()) counts[key] = v["metas"].size();
    CHECK(counts == expected_counts);
    probe.leave("p:1");
    t.advance(50ms);
  };
  check_state({{"a", 2}, {"b", 1}});
  cs[1].send("p:1", "update", {{"key", "b"}, {"meta", {{"v", 9}}}});
  check_state({{"a", 2}, {"b", 1}});
  auto probe = t.connect({{"user", "p2"}});
  auto state = enter(probe, "p:1");
  CHECK(state["b"]["metas"][0]["v"] == 9);
  CHECK(state["b"]["metas"][0].contains("phx_ref_prev"));
  t.disconnect(cs[0]);
  t.disconnect(probe);
  check_state({{"a", 1}, {"b", 1}});
}
