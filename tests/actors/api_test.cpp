// The public API from app code: connect callback, socket handle, pubsub from an app actor.
#include <catch2/catch.hpp>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "harness.hpp"

using namespace chorus;
using namespace chorus::testing;
using strings = std::vector<std::string>;

TEST_CASE("the connect callback sees params, route params and token, and its assigns reach the socket") {
  channel_config cfg;
  cfg.connect = [](const connect_info& info) {
    if (info.params.value("token", "") != "secret" && info.auth_token != "tok") return connect_result::error();
    return connect_result::ok({{"user_id", 42}, {"tenant", info.route_params.at("tenant")}});
  };
  cfg.channels.push_back({.topic_pattern = "room:*",
                          .handlers = {{"whoami", [](const payload&, socket& s) {
                            s.assign("seen", true);
                            s.reply("ok", json{{"user", s.get_assign("user_id")}, {"tenant", s.param("tenant")},
                                               {"token", s.query()["token"]}, {"auth", s.auth_token()},
                                               {"seen", s.get_assign("seen")}, {"missing", s.get_assign("nope")},
                                               {"joined", s.is_joined("room:1")}, {"other", s.is_joined("room:2")}});
                          }}}});
  harness h{cfg};
  connect_info bad;
  bad.route_params = {{"tenant", "acme"}};
  auto refused = h.connect(protocol::serializer::v2, bad);
  CHECK_FALSE(refused.accepted);
  CHECK(refused.http_status == 403);
  CHECK(h.socket_count() == 0);
  CHECK(h.rt().stats().get(refusal::connect_refused) == 1);

  connect_info good;
  good.params = {{"token", "secret"}};
  good.route_params = {{"tenant", "acme"}};
  auto c = h.connect(protocol::serializer::v2, good);
  REQUIRE(c.accepted);
  h.send(c, R"(["1","1","room:1","phx_join",{}])");
  h.send(c, R"(["1","2","room:1","whoami",{}])");
  CHECK(c.conn->take().back() ==
        R"(["1","2","room:1","phx_reply",{"response":{"auth":"","joined":true,"missing":null,"other":false,"seen":true,"tenant":"acme","token":"secret","user":42},"status":"ok"}])");
}

TEST_CASE("a throwing connect callback refuses with 500 and a deferred one completes later") {
  channel_config cfg;
  auto resolvers = std::make_shared<std::vector<connect_resolver>>();
  cfg.connect = [resolvers](const connect_info& info) {
    if (info.params.contains("crash")) throw std::runtime_error("boom");
    resolvers->push_back(info.resolver());
    return connect_result::deferred();
  };
  harness h{cfg};
  connect_info crash;
  crash.params = {{"crash", "1"}};
  auto c = h.connect(protocol::serializer::v2, crash);
  CHECK_FALSE(c.accepted);
  CHECK(c.http_status == 500);

  auto decided = std::make_shared<int>(0);
  auto conn = std::make_shared<fake_connection>();
  // the caller (net/) holds the socket actor handle while the connection lives
  auto actor = h.rt().open(conn, {}, protocol::serializer::v2, [decided](bool ok, unsigned) { *decided = ok ? 1 : -1; });
  h.run();
  CHECK(*decided == 0);
  REQUIRE(resolvers->size() == 1);
  resolvers->front()(connect_result::ok());
  h.run();
  CHECK(*decided == 1);
  CHECK(h.socket_count() == 1);
}

TEST_CASE("broadcast_from skips the sender and push_to reaches another connection's channel") {
  auto saved = std::make_shared<std::vector<socket>>();
  channel_config cfg;
  cfg.channels.push_back({.topic_pattern = "room:*",
                          .join = [saved](const json&, socket& s) { saved->push_back(s); return join_result::ok(); },
                          .handlers = {
                            {"from", [](const payload& p, socket& s) { s.broadcast_from("from", p); }},
                            {"poke", [saved](const payload& p, socket& s) { s.push_to(saved->front(), "poked", p); }},
                          }});
  harness h{cfg};
  auto a = h.connect();
  auto b = h.connect();
  h.send(a, R"(["1","1","room:1","phx_join",{}])");
  h.send(b, R"(["2","2","room:1","phx_join",{}])");
  a.conn->take();
  b.conn->take();
  h.send(b, R"(["2","3","room:1","from",{"x":1}])");
  CHECK(a.conn->take() == strings{R"([null,null,"room:1","from",{"x":1}])"});
  CHECK(b.conn->take().empty());
  h.send(b, R"(["2","4","room:1","poke",{"y":2}])");
  CHECK(a.conn->take() == strings{R"(["1",null,"room:1","poked",{"y":2}])"});
}

TEST_CASE("a saved socket handle replies later from an app actor, with the original ref") {
  auto saved = std::make_shared<std::vector<socket>>();
  channel_config cfg;
  cfg.channels.push_back({.topic_pattern = "jobs", .handlers = {{"work", [saved](const payload&, socket& s) {
                            saved->push_back(s);  // no reply now
                          }}}});
  harness h{cfg};
  auto c = h.connect();
  h.send(c, R"(["1","1","jobs","phx_join",{}])");
  h.send(c, R"(["1","7","jobs","work",{}])");
  c.conn->take();
  auto worker = h.system().spawn([saved](caf::event_based_actor*) -> caf::behavior {
    return {[saved](int n) { saved->front().reply("ok", json{{"result", n}}); }};
  });
  caf::anon_send(worker, 41);
  h.run();
  CHECK(c.conn->take() == strings{R"(["1","7","jobs","phx_reply",{"response":{"result":41},"status":"ok"}])"});
  caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
  h.run();
}

TEST_CASE("an app actor subscribes through pubsub, receives broadcasts and broadcasts to sockets") {
  channel_config cfg;
  cfg.channels.push_back({.topic_pattern = "room:*",
                          .handlers = {{"new_msg", [](const payload& p, socket& s) { s.broadcast("new_msg", p); }}}});
  harness h{cfg};
  auto seen = std::make_shared<std::vector<std::string>>();
  auto bus = h.rt().bus();
  auto bot = h.system().spawn([seen, bus](caf::event_based_actor* self) -> caf::behavior {
    return {[=](const pubsub_message& m) {
      seen->push_back(m.topic + " " + m.event + " " + std::get<json>(m.body).dump());
      if (m.event == "new_msg") bus.broadcast_from(caf::actor{self}, m.topic, "bot_says", json{{"echo", std::get<json>(m.body)}});
    }};
  });
  bus.subscribe("room:1", bot);
  h.run();
  CHECK(h.subscriber_count("room:1") == 1);
  auto c = h.connect();
  h.send(c, R"(["1","1","room:1","phx_join",{}])");
  c.conn->take();
  h.send(c, R"(["1","2","room:1","new_msg",{"body":"hi"}])");
  CHECK(*seen == strings{R"(room:1 new_msg {"body":"hi"})"});  // not its own bot_says
  CHECK(c.conn->take() == strings{R"([null,null,"room:1","new_msg",{"body":"hi"}])",
                                  R"([null,null,"room:1","bot_says",{"echo":{"body":"hi"}}])"});
  bus.unsubscribe_all(bot);
  h.run();
  CHECK(h.subscriber_count("room:1") == 1);
  caf::anon_send_exit(bot, caf::exit_reason::user_shutdown);
  h.run();
}

TEST_CASE("pubsub's subscriber_count answers an actor without blocking it") {
  harness h{};
  auto bus = h.rt().bus();
  auto member = h.system().spawn([](caf::event_based_actor*) -> caf::behavior { return {[](const pubsub_message&) {}}; });
  bus.subscribe("news", member);
  h.run();
  auto answer = std::make_shared<std::size_t>(99);
  auto asker = h.system().spawn([bus, answer](caf::event_based_actor* self) {
    bus.subscriber_count(self, "news").then([=](std::size_t n) { *answer = n; });
  });
  h.run();
  CHECK(*answer == 1);
  caf::anon_send_exit(member, caf::exit_reason::user_shutdown);
  h.run();
  CHECK(h.subscriber_count("news") == 0);
  CHECK(h.topic_count() == 0);
  (void)asker;
}

TEST_CASE("a V1 subscriber and a V2 subscriber each get their own encoding of one broadcast") {
  channel_config cfg;
  cfg.channels.push_back({.topic_pattern = "room:*"});
  harness h{cfg};
  auto v1 = h.connect(protocol::serializer::v1);
  auto v2 = h.connect(protocol::serializer::v2);
  h.send(v1, R"({"topic":"room:1","event":"phx_join","payload":{},"ref":"1","join_ref":"1"})");
  h.send(v2, R"(["1","1","room:1","phx_join",{}])");
  v1.conn->take();
  v2.conn->take();
  h.rt().bus().broadcast("room:1", "img", binary{"\x07"});
  h.run();
  CHECK(v1.conn->take() == strings{R"({"event":"img","payload":{"binary":"Bw=="},"ref":null,"topic":"room:1"})"});
  auto frames = v2.conn->take_frames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0]->binary);
  CHECK(frames[0]->body() == std::string_view{"\x02\x06\x03room:1img\x07", 13});
}

TEST_CASE("a broadcast to many subscribers shares one frame per serializer") {
  channel_config cfg;
  cfg.channels.push_back({.topic_pattern = "room:*"});
  harness h{cfg};
  std::vector<client> cs;
  for (int i = 0; i < 4; ++i) {
    cs.push_back(h.connect());
    h.send(cs.back(), R"(["1","1","room:1","phx_join",{}])");
    cs.back().conn->take();
  }
  h.rt().bus().broadcast("room:1", "e", json{{"k", 1}});
  h.run();
  std::vector<shared_frame> got;
  for (auto& c : cs) got.push_back(c.conn->take_frames().at(0));
  for (auto& f : got) CHECK(f.get() == got[0].get());  // the same immutable bytes
}

TEST_CASE("a config with a malformed topic pattern is refused at start") {
  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  caf::actor_system sys{cfg};
  channel_config bad;
  bad.channels.push_back({.topic_pattern = "room:*:x"});
  CHECK_THROWS_WITH(chorus::runtime(sys, bad), Catch::Contains("invalid topic pattern"));
}

TEST_CASE("a subscriber that cannot take pubsub_message is dropped and counted; the topic carries on") {
  channel_config cfg;
  cfg.channels.push_back({.topic_pattern = "room:*"});
  harness h{cfg};
  auto bus = h.rt().bus();
  // No pubsub_message handler: CAF answers each broadcast with an error.
  auto careless = h.system().spawn([](caf::event_based_actor*) -> caf::behavior { return {[](int) {}}; });
  // A handler that returns a value: CAF sends the value back to the topic.
  auto chatty = h.system().spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](const pubsub_message&) { return std::string{"thanks"}; }};
  });
  bus.subscribe("room:1", careless);
  bus.subscribe("room:1", chatty);
  auto c = h.connect();
  h.send(c, R"(["1","1","room:1","phx_join",{}])");
  c.conn->take();
  CHECK(h.subscriber_count("room:1") == 3);
  bus.broadcast("room:1", "e", json{{"n", 1}});
  h.run();

  CHECK(c.conn->take() == strings{R"([null,null,"room:1","e",{"n":1}])"});
  CHECK(h.subscriber_count("room:1") == 2);  // the careless one is gone, the topic is not
  CHECK(h.topic_count() == 1);
  CHECK(h.rt().stats().get(refusal::faulty_subscriber) == 1);
  bus.broadcast("room:1", "e", json{{"n", 2}});
  h.run();
  CHECK(c.conn->take() == strings{R"([null,null,"room:1","e",{"n":2}])"});
  CHECK(h.subscriber_count("room:1") == 2);
  CHECK(h.rt().stats().get(refusal::faulty_subscriber) == 1);
  caf::anon_send_exit(careless, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(chatty, caf::exit_reason::user_shutdown);
  h.run();
  CHECK(h.subscriber_count("room:1") == 1);
}

TEST_CASE("an error message sent to the registry or the supervisor is logged, not fatal") {
  channel_config cfg;
  cfg.channels.push_back({.topic_pattern = "room:*"});
  harness h{cfg};
  caf::anon_send(caf::actor_cast<caf::actor>(h.rt().registry()), caf::make_error(caf::sec::unexpected_message));
  // (the supervisor's typed interface refuses this at compile time; a bounced error can still come)
  caf::anon_send(caf::actor_cast<caf::actor>(h.rt().supervisor()), caf::make_error(caf::sec::unexpected_message));
  h.run();
  auto c = h.connect();  // the supervisor registers it
  h.send(c, R"(["1","1","room:1","phx_join",{}])");  // the registry routes it
  CHECK(c.conn->take() == strings{R"(["1","1","room:1","phx_reply",{"response":{},"status":"ok"}])"});
  CHECK(h.socket_count() == 1);
  CHECK(h.topic_count() == 1);
}

TEST_CASE("pubsub subscribe from an actor answers with the topic or a limit_error, without blocking") {
  channel_config cfg;
  cfg.max_topics = 1;
  cfg.max_subscribers = 1;
  harness h{cfg};
  auto bus = h.rt().bus();
  struct outcome {
    bool ok = false;
    std::string error;
    limit_error kind{};
  };
  auto spawn_subscriber = [&](std::string topic, std::shared_ptr<outcome> out) {
    return h.system().spawn([=, &h](caf::event_based_actor* self) -> caf::behavior {
      bus.subscribe(self, topic).then([out](const caf::actor& topic_actor) { out->ok = static_cast<bool>(topic_actor); },
                                      [out, &h](caf::error& err) {
                                        out->error = h.system().render(err);
                                        is_limit_error(err, &out->kind);
                                      });
      return {[](const pubsub_message&) {}};
    });
  };
  auto first = std::make_shared<outcome>(), second = std::make_shared<outcome>(), third = std::make_shared<outcome>();
  auto a = spawn_subscriber("news", first);
  h.run();
  auto b = spawn_subscriber("news", second);   // the topic is full
  h.run();
  auto c = spawn_subscriber("sports", third);  // the node is full
  h.run();
  CHECK(first->ok);
  CHECK(first->error.empty());
  CHECK_FALSE(second->ok);
  CHECK(second->kind == limit_error::subscriber_limit_reached);
  CHECK(second->error == "chorus: subscriber_limit_reached");
  CHECK_FALSE(third->ok);
  CHECK(third->kind == limit_error::topic_limit_reached);
  CHECK(h.subscriber_count("news") == 1);
  for (auto& actor : {a, b, c}) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  h.run();
}

TEST_CASE("pubsub_message serializes with CAF: JSON as text, bytes as bytes, deep JSON refused on load") {
  harness h{};
  auto round_trip = [&](const pubsub_message& in, pubsub_message& out) {
    std::vector<char> buf;
    caf::binary_serializer sink{h.system(), buf};
    auto copy = in;
    REQUIRE_FALSE(inspect(sink, copy));
    caf::binary_deserializer source{h.system(), buf};
    return inspect(source, out);
  };
  pubsub_message text{"room:1", "new_msg", json{{"body", "hi"}, {"n", {1, 2}}}};
  pubsub_message got;
  CHECK_FALSE(round_trip(text, got));
  CHECK(got.topic == "room:1");
  CHECK(got.event == "new_msg");
  CHECK(std::get<json>(got.body) == std::get<json>(text.body));
  pubsub_message bytes{"room:1", "img", binary{std::string{"\x00\x07", 2}}};
  CHECK_FALSE(round_trip(bytes, got));
  CHECK(std::get<binary>(got.body).bytes == std::string{"\x00\x07", 2});
  // A peer that sends JSON nested past the limit is refused like a client would be.
  json deep = json::array();
  for (int i = 0; i < 200; ++i) deep = json::array({deep});
  pubsub_message bomb{"room:1", "e", deep};
  CHECK(round_trip(bomb, got));
}

namespace {
/// Serializes `in` with CAF's binary serializer and reads it back into a fresh T.
template <class T>
T caf_round_trip(caf::actor_system& sys, T in) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE_FALSE(inspect(sink, in));
  T out{};
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(inspect(source, out));
  return out;
}
} // namespace

TEST_CASE("the actors' value messages serialize with CAF and read back equal") {
  harness h{};
  auto& sys = h.system();
  using namespace chorus::detail;
  auto frame = caf_round_trip(sys, inbound_frame{std::string{"[\"1\",\"2\",\"t\",\"e\",{}]"}, false});
  CHECK(frame.data == R"(["1","2","t","e",{}])");
  auto bin = caf_round_trip(sys, inbound_frame{std::string{"\x00\x01", 2}, true});
  CHECK((bin.data == std::string{"\x00\x01", 2} && bin.binary));
  auto close = caf_round_trip(sys, close_socket{1012, "server restart"});
  CHECK((close.code == 1012 && close.reason == "server restart"));
  auto drain = caf_round_trip(sys, drain_request{1012, "bye", 500, 50, 2500});
  CHECK((drain.code == 1012 && drain.reason == "bye" && drain.batch == 500 && drain.interval_ms == 50 &&
         drain.spread_ms == 2500));
  auto retire = caf_round_trip(sys, retire_request{"room:1", 7});
  CHECK((retire.topic == "room:1" && retire.seen == 7));
  auto bcast = caf_round_trip(sys, broadcast_request{"room:1", "new_msg", json{{"body", "hi"}}, {}});
  CHECK((bcast.topic == "room:1" && bcast.event == "new_msg" && std::get<json>(bcast.body) == json{{"body", "hi"}}));
  auto bytes = caf_round_trip(sys, broadcast_request{"room:1", "img", binary{"\x07"}, {}});
  CHECK(std::get<binary>(bytes.body).bytes == "\x07");
  CHECK(caf_round_trip(sys, subscriber_count_request{"room:2"}).topic == "room:2");
  CHECK(caf_round_trip(sys, disconnect_socket_id{"users_socket:42"}).id == "users_socket:42");
  CHECK(caf_round_trip(sys, drain_next{3}).generation == 3);
}

TEST_CASE("a callback's handle acts after the callback, in call order; a copy acts through a message") {
  auto kept = std::make_shared<std::vector<socket>>();
  channel_config cfg;
  cfg.channels.push_back({.topic_pattern = "room:*",
                          .handlers = {
                            {"work", [kept](const payload&, socket& s) {
                              auto copy = s;             // acts through the socket actor's mailbox
                              copy.push("from_copy", json::object());
                              s.push("first", json::object());
                              s.reply("ok", json{{"n", 1}});
                              s.broadcast("third", json::object());
                              kept->push_back(s);
                            }},
                            {"fail", [](const payload&, socket& s) {
                              s.push("before_crash", json::object());
                              throw std::runtime_error("boom");
                            }},
                          }});
  harness h{cfg};
  auto c = h.connect();
  h.send(c, R"(["1","1","room:1","phx_join",{}])");
  c.conn->take();
  h.send(c, R"(["1","2","room:1","work",{}])");
  CHECK(c.conn->take() == strings{R"(["1",null,"room:1","first",{}])",
                                  R"(["1","2","room:1","phx_reply",{"response":{"n":1},"status":"ok"}])",
                                  R"(["1",null,"room:1","from_copy",{}])",
                                  R"([null,null,"room:1","third",{}])"});
  kept->front().push("later", json{{"k", true}});  // a kept handle, used from outside
  h.run();
  CHECK(c.conn->take() == strings{R"(["1",null,"room:1","later",{"k":true}])"});
  // What a handler did before it threw still happens, then the channel ends.
  h.send(c, R"(["1","3","room:1","fail",{}])");
  CHECK(c.conn->take() == strings{R"(["1",null,"room:1","before_crash",{}])",
                                  R"(["1","1","room:1","phx_error",{"reason":"channel_crash"}])"});
}
