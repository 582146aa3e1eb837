// Disconnect, idle expiry and shutdown: leave callbacks exactly once, nothing left behind.
#include <algorithm>

#include <catch2/catch.hpp>

#include "actors/channel_supervisor.hpp"
#include "harness.hpp"

using namespace chorus;
using namespace chorus::testing;
using strings = std::vector<std::string>;
using namespace std::chrono_literals;

namespace {
channel_config counting_config(std::shared_ptr<std::map<std::string, int>> leaves, int timeout_s = 60) {
  channel_config cfg;
  cfg.heartbeat_timeout_s = timeout_s;
  cfg.channels.push_back({.topic_pattern = "room:*", .leave = [leaves](socket& s) { ++(*leaves)[s.topic()]; }});
  return cfg;
}
} // namespace

TEST_CASE("disconnect runs each leave callback once, removes memberships and stops empty topics") {
  auto leaves = std::make_shared<std::map<std::string, int>>();
  harness h{counting_config(leaves)};
  auto a = h.connect();
  auto b = h.connect();
  h.send(a, R"(["1","1","room:1","phx_join",{}])");
  h.send(a, R"(["2","2","room:2","phx_join",{}])");
  h.send(b, R"(["1","1","room:1","phx_join",{}])");
  CHECK(h.topic_count() == 2);
  CHECK(h.rt().stats().connections == 2);
  h.disconnect(a);
  CHECK(*leaves == std::map<std::string, int>{{"room:1", 1}, {"room:2", 1}});
  CHECK(h.subscriber_count("room:1") == 1);
  CHECK(h.topic_count() == 1);  // room:2 had only a
  CHECK(h.socket_count() == 1);
  CHECK(h.rt().stats().connections == 1);
  h.disconnect(a);  // a second close report changes nothing
  CHECK((*leaves)["room:1"] == 1);
  h.disconnect(b);
  CHECK(h.topic_count() == 0);
  CHECK(h.rt().stats().topics == 0);
  CHECK(h.socket_count() == 0);
}

TEST_CASE("a socket actor that dies abnormally loses its memberships through the monitors") {
  auto leaves = std::make_shared<std::map<std::string, int>>();
  harness h{counting_config(leaves)};
  auto a = h.connect();
  h.send(a, R"(["1","1","room:1","phx_join",{}])");
  caf::anon_send_exit(a.actor, caf::exit_reason::kill);
  h.run();
  CHECK(h.subscriber_count("room:1") == 0);
  CHECK(h.topic_count() == 0);
  CHECK(h.socket_count() == 0);
}

TEST_CASE("a silent connection is closed with 1001 heartbeat timeout; a beating one is not") {
  auto leaves = std::make_shared<std::map<std::string, int>>();
  harness h{counting_config(leaves)};
  auto silent = h.connect();
  auto beating = h.connect();
  h.send(silent, R"(["1","1","room:1","phx_join",{}])");
  for (int i = 0; i < 8; ++i) {  // 4 minutes of phoenix.js's 30 s heartbeats
    h.advance(30s);
    h.send(beating, R"([null,")" + std::to_string(i) + R"(","phoenix","heartbeat",{}])");
  }
  CHECK(silent.conn->closed() == std::pair<std::uint16_t, std::string>{1001, "heartbeat timeout"});
  CHECK((*leaves)["room:1"] == 1);
  CHECK_FALSE(beating.conn->closed());
  CHECK(h.socket_count() == 1);
  CHECK(h.rt().stats().get(refusal::heartbeat_timeout) == 1);
}

TEST_CASE("idle expiry fires between the timeout and one sweep period after it") {
  auto leaves = std::make_shared<std::map<std::string, int>>();
  harness h{counting_config(leaves, 10)};
  auto c = h.connect();
  h.advance(5s);
  h.send(c, R"([null,"1","phoenix","heartbeat",{}])");  // any frame counts as activity
  h.advance(9s);
  CHECK_FALSE(c.conn->closed());
  h.advance(1s);  // 10 s since the last frame...
  h.advance(detail::sweep_period(10s));  // ...and at most one sweep later
  CHECK(c.conn->closed() == std::pair<std::uint16_t, std::string>{1001, "heartbeat timeout"});
}

TEST_CASE("close_all closes every connection with the given code after its leave callbacks") {
  auto leaves = std::make_shared<std::map<std::string, int>>();
  harness h{counting_config(leaves)};
  auto a = h.connect();
  h.send(a, R"(["1","1","room:1","phx_join",{}])");
  h.rt().close_all(1012, "service restart");
  h.run();
  CHECK(a.conn->closed() == std::pair<std::uint16_t, std::string>{1012, "service restart"});
  CHECK((*leaves)["room:1"] == 1);
  CHECK(h.socket_count() == 0);
}

namespace {
std::size_t closed_count(const std::vector<client>& clients) {
  return static_cast<std::size_t>(std::count_if(clients.begin(), clients.end(), [](const client& c) {
    return c.conn->closed().has_value();
  }));
}
} // namespace

TEST_CASE("a paced close_all tells sockets batch by batch, one batch per interval") {
  auto leaves = std::make_shared<std::map<std::string, int>>();
  harness h{counting_config(leaves)};
  std::vector<client> clients;
  for (int i = 0; i < 10; ++i) clients.push_back(h.connect());
  h.rt().close_all(1012, "service restart", {.batch = 3, .interval = 100ms, .spread = 0ms});
  h.run();
  CHECK(closed_count(clients) == 3);
  h.advance(99ms);
  CHECK(closed_count(clients) == 3);
  h.advance(1ms);
  CHECK(closed_count(clients) == 6);
  SECTION("a socket that connects during the drain is told at once") {
    auto late = h.connect();
    CHECK(late.conn->closed() == std::pair<std::uint16_t, std::string>{1012, "service restart"});
  }
  h.advance(100ms);
  CHECK(closed_count(clients) == 9);
  h.advance(100ms);
  CHECK(closed_count(clients) == 10);
  for (auto& c : clients) CHECK(c.conn->closed() == std::pair<std::uint16_t, std::string>{1012, "service restart"});
  CHECK(h.socket_count() == 0);
}

TEST_CASE("a paced close_all grows its batches to finish within the spread") {
  harness h;
  std::vector<client> clients;
  for (int i = 0; i < 10; ++i) clients.push_back(h.connect());
  // 1 per 100 ms would take 1 s; a 200 ms spread allows two rounds: 5 and 5
  h.rt().close_all(1012, "service restart", {.batch = 1, .interval = 100ms, .spread = 200ms});
  h.run();
  CHECK(closed_count(clients) == 5);
  h.advance(100ms);
  CHECK(closed_count(clients) == 10);
}

TEST_CASE("a second close_all replaces a paced one and tells everyone left at once") {
  harness h;
  std::vector<client> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(h.connect());
  h.rt().close_all(1012, "service restart", {.batch = 2, .interval = 100ms, .spread = 0ms});
  h.run();
  CHECK(closed_count(clients) == 2);
  h.rt().close_all(1001, "now");
  h.run();
  CHECK(closed_count(clients) == 6);
  CHECK(std::count_if(clients.begin(), clients.end(), [](const client& c) {
          return c.conn->closed() == std::pair<std::uint16_t, std::string>{1001, "now"};
        }) == 4);
  h.advance(500ms);  // the old drain's timer finds nothing to do
  CHECK(h.socket_count() == 0);
}

TEST_CASE("broadcasting disconnect to a socket id closes every connection with that id with 1001") {
  auto leaves = std::make_shared<std::map<std::string, int>>();
  auto cfg = counting_config(leaves);
  cfg.connect = [](const connect_info& info) {
    return connect_result::ok({}, "users_socket:" + info.params.value("user", ""));
  };
  harness h{cfg};
  connect_info u42, u7;
  u42.params = {{"user", "42"}};
  u7.params = {{"user", "7"}};
  auto a = h.connect(protocol::serializer::v2, u42);
  auto b = h.connect(protocol::serializer::v2, u42);
  auto other = h.connect(protocol::serializer::v2, u7);
  h.send(a, R"(["1","1","room:1","phx_join",{}])");
  a.conn->take();
  h.rt().bus().broadcast("users_socket:42", "disconnect", json::object());
  h.run();
  CHECK(a.conn->take().empty());  // no phx_close / phx_error before the close
  CHECK(a.conn->closed() == std::pair<std::uint16_t, std::string>{1001, "disconnect"});
  CHECK(b.conn->closed() == std::pair<std::uint16_t, std::string>{1001, "disconnect"});
  CHECK_FALSE(other.conn->closed());
  CHECK((*leaves)["room:1"] == 1);
  CHECK(h.topic_count() == 0);  // the id is not a topic
  h.rt().bus().broadcast("users_socket:7", "other_event", json::object());
  h.run();
  CHECK_FALSE(other.conn->closed());
}

TEST_CASE("disconnect to a socket id follows one rule whether a joined socket or pubsub broadcasts it") {
  channel_config cfg;
  cfg.connect = [](const connect_info& info) {
    return connect_result::ok({}, "users_socket:" + info.params.value("user", ""));
  };
  // An admin channel whose topic is a socket id: its members broadcast on that topic
  // directly to the topic actor, the path that once skipped the rule.
  cfg.channels.push_back({.topic_pattern = "users_socket:*",
                          .handlers = {{"kick", [](const payload& p, socket& s) { s.broadcast("disconnect", p); }}}});
  harness h{cfg};
  connect_info u42, admin;
  u42.params = {{"user", "42"}};
  admin.params = {{"user", "admin"}};
  auto target = h.connect(protocol::serializer::v2, u42);
  auto watcher = h.connect(protocol::serializer::v2, admin);
  h.send(watcher, R"(["1","1","users_socket:42","phx_join",{}])");
  watcher.conn->take();
  h.send(watcher, R"(["1","2","users_socket:42","kick",{}])");
  CHECK(target.conn->closed() == std::pair<std::uint16_t, std::string>{1001, "disconnect"});
  // Subscribers of the topic still get the broadcast itself, as with any event.
  CHECK(watcher.conn->take() == strings{R"([null,null,"users_socket:42","disconnect",{}])"});
  CHECK_FALSE(watcher.conn->closed());

  auto again = h.connect(protocol::serializer::v2, u42);
  h.rt().bus().broadcast("users_socket:42", "disconnect", json::object());
  h.run();
  CHECK(again.conn->closed() == std::pair<std::uint16_t, std::string>{1001, "disconnect"});
  CHECK(watcher.conn->take() == strings{R"([null,null,"users_socket:42","disconnect",{}])"});
  CHECK(h.socket_count() == 1);
}
