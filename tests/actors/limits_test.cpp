// The three caps: each refuses with its reason, is counted, and changes nothing for others.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace chorus;
using namespace chorus::testing;
using strings = std::vector<std::string>;

namespace {
channel_config capped(std::size_t per_socket, std::size_t topics, std::size_t subscribers, int* leaves = nullptr) {
  channel_config cfg;
  cfg.max_channels_per_socket = per_socket;
  cfg.max_topics = topics;
  cfg.max_subscribers = subscribers;
  cfg.channels.push_back({.topic_pattern = "t:*", .leave = [leaves](socket&) { if (leaves) ++*leaves; }});
  return cfg;
}

std::string join(int n, const std::string& topic) {
  auto r = std::to_string(n);
  return "[\"" + r + "\",\"" + r + "\",\"" + topic + "\",\"phx_join\",{}]";
}
} // namespace

TEST_CASE("the defaults are the seed's limits") {
  channel_config cfg;
  CHECK(cfg.max_channels_per_socket == 16);
  CHECK(cfg.max_topics == 64);
  CHECK(cfg.max_subscribers == 256);
  CHECK(cfg.heartbeat_timeout_s == 60);
}

TEST_CASE("the join past the per-connection cap gets too many channels joined") {
  harness h{capped(16, 64, 256)};
  auto c = h.connect();
  for (int i = 1; i <= 16; ++i) h.send(c, join(i, "t:" + std::to_string(i)));
  CHECK(c.conn->take().size() == 16);
  h.send(c, join(17, "t:17"));
  CHECK(c.conn->take() == strings{R"(["17","17","t:17","phx_reply",{"response":{"reason":"too many channels joined"},"status":"error"}])"});
  CHECK(h.rt().stats().get(refusal::too_many_channels) == 1);
  // a rejoin of an already joined topic is not a new channel
  h.send(c, join(18, "t:1"));
  CHECK(c.conn->take().front() == R"(["18","18","t:1","phx_reply",{"response":{},"status":"ok"}])");
  // another connection is unaffected
  auto d = h.connect();
  h.send(d, join(1, "t:17"));
  CHECK(d.conn->take() == strings{R"(["1","1","t:17","phx_reply",{"response":{},"status":"ok"}])"});
}

TEST_CASE("the join that would create a topic past the node cap gets topic limit reached") {
  int leaves = 0;
  harness h{capped(16, 2, 256, &leaves)};
  auto c = h.connect();
  h.send(c, join(1, "t:a"));
  h.send(c, join(2, "t:b"));
  c.conn->take();
  h.send(c, join(3, "t:c"));
  CHECK(c.conn->take() == strings{R"(["3","3","t:c","phx_reply",{"response":{"reason":"topic limit reached"},"status":"error"}])"});
  CHECK(leaves == 1);  // the app accepted that join, so it hears that it ended
  CHECK(h.topic_count() == 2);
  // joining an existing topic still works, and a freed slot can be reused
  auto d = h.connect();
  h.send(d, join(1, "t:a"));
  CHECK(d.conn->take().size() == 1);
  h.send(c, R"(["2","9","t:b","phx_leave",{}])");
  h.send(c, join(4, "t:c"));
  CHECK(c.conn->take().back() == R"(["4","4","t:c","phx_reply",{"response":{},"status":"ok"}])");
  CHECK(h.rt().stats().get(refusal::topic_limit) == 1);
}

TEST_CASE("the subscriber past a topic's cap gets subscriber limit reached") {
  harness h{capped(16, 64, 2)};
  std::vector<client> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(h.connect());
    h.send(clients.back(), join(1, "t:full"));
  }
  CHECK(clients[0].conn->take().size() == 1);
  CHECK(clients[1].conn->take().size() == 1);
  CHECK(clients[2].conn->take() == strings{R"(["1","1","t:full","phx_reply",{"response":{"reason":"subscriber limit reached"},"status":"error"}])"});
  CHECK(h.subscriber_count("t:full") == 2);
  CHECK(h.rt().stats().get(refusal::subscriber_limit) == 1);
  // the refused client is not a member: it gets unmatched topic, and no broadcasts
  h.send(clients[2], R"(["1","2","t:full","x",{}])");
  CHECK(clients[2].conn->take() == strings{R"([null,"2","t:full","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}])"});
}

TEST_CASE("the per-connection rate limit answers rate limited beyond the burst and refills over time") {
  auto cfg = capped(16, 64, 256);
  cfg.rate_limit_per_s = 2;
  cfg.rate_limit_burst = 3;
  harness h{cfg};
  auto c = h.connect();
  h.send(c, join(1, "t:1"));  // token 1
  h.send(c, R"(["1","2","t:1","phx_leave",{}])");  // token 2
  h.send(c, R"(["1","3","t:1","phx_leave",{}])");  // token 3 (an ok reply for an unjoined leave)
  c.conn->take();
  h.send(c, R"(["1","4","t:1","phx_leave",{}])");
  h.send(c, R"([null,"5","phoenix","heartbeat",{}])");  // heartbeats are never limited
  CHECK(c.conn->take() == strings{R"(["1","4","t:1","phx_reply",{"response":{"reason":"rate limited"},"status":"error"}])",
                                  R"([null,"5","phoenix","phx_reply",{"response":{},"status":"ok"}])"});
  CHECK(h.rt().stats().get(refusal::rate_limited) == 1);
  h.advance(std::chrono::milliseconds{500});  // one token back at 2 per second
  h.send(c, R"(["1","6","t:1","phx_leave",{}])");
  CHECK(c.conn->take() == strings{R"(["1","6","t:1","phx_reply",{"response":{},"status":"ok"}])"});
  h.send(c, R"(["1","7","t:1","phx_leave",{}])");
  CHECK(c.conn->take().front().find("rate limited") != std::string::npos);
}

TEST_CASE("without a rate limit configured, bursts are never refused") {
  harness h{capped(16, 64, 256)};
  auto c = h.connect();
  for (int i = 0; i < 500; ++i) h.enqueue(c, R"([null,"1","t:x","phx_leave",{}])");
  h.run();
  CHECK(c.conn->take().size() == 500);
  CHECK(h.rt().stats().get(refusal::rate_limited) == 0);
}
