// docs/protocol.md §3's lifecycle table, row by row, on the deterministic scheduler.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace chorus;
using namespace chorus::testing;
using strings = std::vector<std::string>;

namespace {

channel_config room_config(int* leaves = nullptr) {
  channel_config cfg;
  cfg.channels.push_back(channel_def{
    .topic_pattern = "room:*",
    .join = [](const json& payload, socket&) {
      if (payload.value("password", "") == "wrong") return join_result::error({{"reason", "unauthorized"}});
      return join_result::ok({{"welcome", true}});
    },
    .leave = [leaves](socket&) { if (leaves) ++*leaves; },
    .handlers = {
      {"echo", [](const payload& p, socket& s) { s.reply("ok", p); }},
      {"silent", [](const payload&, socket&) {}},
      {"shout", [](const payload& p, socket& s) { s.broadcast("shout", p); }},
      {"boom", [](const payload&, socket&) { throw std::runtime_error("handler failed"); }},
    }});
  return cfg;
}

} // namespace

TEST_CASE("a heartbeat is answered with no channel joined") {
  harness h{room_config()};
  auto c = h.connect();
  REQUIRE(c.accepted);
  h.send(c, R"([null,"1","phoenix","heartbeat",{}])");
  CHECK(c.conn->take() == strings{R"([null,"1","phoenix","phx_reply",{"response":{},"status":"ok"}])"});
}

TEST_CASE("a join that the app accepts is answered ok with its response as the first frame") {
  harness h{room_config()};
  auto c = h.connect();
  h.send(c, R"(["1","1","room:lobby","phx_join",{}])");
  CHECK(c.conn->take() == strings{R"(["1","1","room:lobby","phx_reply",{"response":{"welcome":true},"status":"ok"}])"});
  CHECK(h.subscriber_count("room:lobby") == 1);
}

TEST_CASE("a rejected join gets the app's response, no phx_close, and a retry is handled normally") {
  harness h{room_config()};
  auto c = h.connect();
  h.send(c, R"(["1","1","room:1","phx_join",{"password":"wrong"}])");
  CHECK(c.conn->take() == strings{R"(["1","1","room:1","phx_reply",{"response":{"reason":"unauthorized"},"status":"error"}])"});
  h.send(c, R"(["2","2","room:1","phx_join",{}])");
  CHECK(c.conn->take() == strings{R"(["2","2","room:1","phx_reply",{"response":{"welcome":true},"status":"ok"}])"});
  CHECK(h.rt().stats().get(refusal::join_rejected) == 1);
}

TEST_CASE("a join without a default join callback is accepted with an empty response") {
  channel_config cfg;
  cfg.channels.push_back({.topic_pattern = "lobby"});
  harness h{cfg};
  auto c = h.connect();
  h.send(c, R"(["1","1","lobby","phx_join",{}])");
  CHECK(c.conn->take() == strings{R"(["1","1","lobby","phx_reply",{"response":{},"status":"ok"}])"});
  h.send(c, R"(["2","2","lobby2","phx_join",{}])");
  CHECK(c.conn->take() == strings{R"([null,"2","lobby2","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}])"});
}

TEST_CASE("joins and pushes on unrouted or unjoined topics get unmatched topic with a null join_ref") {
  harness h{room_config()};
  auto c = h.connect();
  h.send(c, R"(["7","7","nope:1","phx_join",{}])");
  h.send(c, R"(["3","8","room:9","echo",{}])");
  CHECK(c.conn->take() == strings{
    R"([null,"7","nope:1","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}])",
    R"([null,"8","room:9","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}])"});
  CHECK(h.rt().stats().get(refusal::unmatched_topic) == 2);
}

TEST_CASE("a custom event's reply echoes ref and join_ref; a no-reply handler sends nothing") {
  harness h{room_config()};
  auto c = h.connect();
  h.send(c, R"(["3","3","room:lobby","phx_join",{}])");
  c.conn->take();
  h.send(c, R"(["3","4","room:lobby","echo",{"body":"hi"}])");
  h.send(c, R"(["3","5","room:lobby","silent",{}])");
  CHECK(c.conn->take() == strings{R"(["3","4","room:lobby","phx_reply",{"response":{"body":"hi"},"status":"ok"}])"});
}

TEST_CASE("an event without a handler is answered unhandled event and the channel stays") {
  harness h{room_config()};
  auto c = h.connect();
  h.send(c, R"(["3","3","room:lobby","phx_join",{}])");
  c.conn->take();
  h.send(c, R"(["3","4","room:lobby","nope",{}])");
  h.send(c, R"(["3","5","room:lobby","echo",{}])");
  CHECK(c.conn->take() == strings{
    R"(["3","4","room:lobby","phx_reply",{"response":{"reason":"unhandled event"},"status":"error"}])",
    R"(["3","5","room:lobby","phx_reply",{"response":{},"status":"ok"}])"});
}

TEST_CASE("leave is answered ok then phx_close; afterwards pushes are unmatched") {
  int leaves = 0;
  harness h{room_config(&leaves)};
  auto c = h.connect();
  h.send(c, R"(["3","3","room:lobby","phx_join",{}])");
  c.conn->take();
  h.send(c, R"(["3","12","room:lobby","phx_leave",{}])");
  CHECK(c.conn->take() == strings{R"(["3","12","room:lobby","phx_reply",{"response":{},"status":"ok"}])",
                                  R"(["3","3","room:lobby","phx_close",{}])"});
  CHECK(leaves == 1);
  h.send(c, R"(["3","13","room:lobby","echo",{}])");
  CHECK(c.conn->take() == strings{R"([null,"13","room:lobby","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}])"});
  CHECK(h.subscriber_count("room:lobby") == 0);
}

TEST_CASE("leave of an unjoined topic gets an ok reply only") {
  harness h{room_config()};
  auto c = h.connect();
  h.send(c, R"(["4","5","room:x","phx_leave",{}])");
  CHECK(c.conn->take() == strings{R"(["4","5","room:x","phx_reply",{"response":{},"status":"ok"}])"});
}

TEST_CASE("leave with another join_ref is ignored") {
  int leaves = 0;
  harness h{room_config(&leaves)};
  auto c = h.connect();
  h.send(c, R"(["3","3","room:lobby","phx_join",{}])");
  c.conn->take();
  h.send(c, R"(["2","9","room:lobby","phx_leave",{}])");
  CHECK(c.conn->take().empty());
  CHECK(leaves == 0);
  CHECK(h.subscriber_count("room:lobby") == 1);
}

TEST_CASE("a duplicate join replies for the new join_ref, then closes the old one, and broadcasts arrive once") {
  int leaves = 0;
  harness h{room_config(&leaves)};
  auto c = h.connect();
  h.send(c, R"(["3","3","room:lobby","phx_join",{}])");
  c.conn->take();
  h.send(c, R"(["9","9","room:lobby","phx_join",{}])");
  CHECK(c.conn->take() == strings{R"(["9","9","room:lobby","phx_reply",{"response":{"welcome":true},"status":"ok"}])",
                                  R"(["3","3","room:lobby","phx_close",{}])"});
  CHECK(leaves == 1);
  h.send(c, R"(["9","10","room:lobby","shout",{"n":1}])");
  CHECK(c.conn->take() == strings{R"([null,null,"room:lobby","shout",{"n":1}])"});
  CHECK(h.subscriber_count("room:lobby") == 1);
}

TEST_CASE("a message with a stale join_ref is dropped; the same with a null join_ref is processed") {
  harness h{room_config()};
  auto c = h.connect();
  h.send(c, R"(["3","3","room:lobby","phx_join",{}])");
  c.conn->take();
  h.send(c, R"(["1","4","room:lobby","echo",{}])");
  CHECK(c.conn->take().empty());
  h.send(c, R"([null,"5","room:lobby","echo",{}])");
  // Phoenix replies with the channel's join_ref, whatever the message carried.
  CHECK(c.conn->take() == strings{R"(["3","5","room:lobby","phx_reply",{"response":{},"status":"ok"}])"});
}

TEST_CASE("a throwing join callback is answered join crashed") {
  channel_config cfg;
  cfg.channels.push_back({.topic_pattern = "room:*",
                          .join = [](const json&, socket&) -> join_result { throw std::runtime_error("db down"); }});
  harness h{cfg};
  auto c = h.connect();
  h.send(c, R"(["1","1","room:1","phx_join",{}])");
  CHECK(c.conn->take() == strings{R"(["1","1","room:1","phx_reply",{"response":{"reason":"join crashed"},"status":"error"}])"});
  CHECK(h.rt().stats().get(refusal::join_crashed) == 1);
  CHECK(h.topic_count() == 0);
}

TEST_CASE("a throwing handler sends phx_error, runs leave, keeps the socket open and allows a rejoin") {
  int leaves = 0;
  harness h{room_config(&leaves)};
  auto c = h.connect();
  h.send(c, R"(["3","3","room:lobby","phx_join",{}])");
  c.conn->take();
  h.send(c, R"(["3","4","room:lobby","boom",{}])");
  CHECK(c.conn->take() == strings{R"(["3","3","room:lobby","phx_error",{"reason":"channel_crash"}])"});
  CHECK(leaves == 1);
  CHECK_FALSE(c.conn->closed());
  CHECK(h.subscriber_count("room:lobby") == 0);
  h.send(c, R"(["5","5","room:lobby","phx_join",{}])");
  CHECK(c.conn->take() == strings{R"(["5","5","room:lobby","phx_reply",{"response":{"welcome":true},"status":"ok"}])"});
}

TEST_CASE("a V1 connection gets four-key objects and may omit join_ref") {
  harness h{room_config()};
  auto c = h.connect(protocol::serializer::v1);
  h.send(c, R"({"topic":"room:1","event":"phx_join","payload":{},"ref":"1"})");
  h.send(c, R"({"topic":"room:1","event":"echo","payload":{"a":1},"ref":"2"})");
  h.send(c, R"({"topic":"room:1","event":"boom","payload":{},"ref":"3"})");
  CHECK(c.conn->take() == strings{
    R"({"event":"phx_reply","payload":{"response":{"welcome":true},"status":"ok"},"ref":"1","topic":"room:1"})",
    R"({"event":"phx_reply","payload":{"response":{"a":1},"status":"ok"},"ref":"2","topic":"room:1"})",
    R"({"event":"phx_error","payload":{"reason":"channel_crash"},"ref":"1","topic":"room:1"})"});
}

TEST_CASE("binary pushes reach handlers as bytes and binary replies go out as kind 1") {
  harness h{room_config()};
  auto c = h.connect();
  h.send(c, R"(["1","1","room:1","phx_join",{}])");
  c.conn->take();
  h.send_binary(c, std::string{"\x00\x01\x01\x06\x04" "12room:1echo\xde\xad", 19});
  auto frames = c.conn->take_frames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0]->binary);
  CHECK(frames[0]->body() == std::string_view{"\x01\x01\x01\x06\x02" "12room:1ok\xde\xad", 17});
}

TEST_CASE("undecodable frames close the connection with 1007 and a reason; bad payloads get a reply") {
  harness h{room_config()};
  auto c = h.connect();
  h.send(c, R"(["1","2","room:1","echo",[1]])");
  CHECK(c.conn->take() == strings{R"(["1","2","room:1","phx_reply",{"response":{"reason":"payload must be a JSON object"},"status":"error"}])"});
  h.send(c, R"(["1","2","room:1","echo"])");
  CHECK(c.conn->closed() == std::pair<std::uint16_t, std::string>{1007, "V2 message must have 5 elements"});
  CHECK(h.socket_count() == 0);
  auto d = h.connect();
  h.send(d, "{nope");
  CHECK(d.conn->closed() == std::pair<std::uint16_t, std::string>{1007, "text frame is not valid JSON"});
  CHECK(h.rt().stats().get(refusal::undecodable_frame) == 2);
}
