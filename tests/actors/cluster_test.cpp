// Three nodes in one deterministic actor system. Their cluster actors talk through
// links that round-trip every message through CAF's binary serializer (as the
// middleman does), and that can be cut (a lost connection) or frozen (a peer that stops
// reading). docs/cluster.md describes the model these tests hold chorus to.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include <caf/all.hpp>

#include "actors/caf_types.hpp"
#include "actors/log.hpp"
#include "actors/presence.hpp"
#include "actors/runtime.hpp"
#include "actors/socket.hpp"
#include "actors/socket_messages.hpp"
#include "testing/fake_connection.hpp"

using namespace chorus;
using chorus::testing::fake_connection;

namespace {

using reverse_atom = caf::atom_constant<caf::atom("reverse")>;
using freeze_atom = caf::atom_constant<caf::atom("freeze")>;
using thaw_atom = caf::atom_constant<caf::atom("thaw")>;

struct link_state {
  caf::actor target;
  caf::strong_actor_ptr reverse;  // the other direction: the sender the target sees
  bool frozen = false;
  std::vector<caf::message> held;
  static inline const char* name = "test.link";
};

/// One direction of a link between two cluster actors.
caf::behavior link_actor(caf::stateful_actor<link_state>* self, caf::actor target) {
  self->state.target = std::move(target);
  auto pass = [self](caf::message msg) {
    std::vector<char> buf;
    caf::binary_serializer sink{self->system(), buf};
    if (auto err = sink(msg)) FAIL("serialize: " << self->system().render(err));
    caf::message copy;
    caf::binary_deserializer source{self->system(), buf};
    if (auto err = source(copy)) FAIL("deserialize: " << self->system().render(err));
    self->state.target->enqueue(
      caf::make_mailbox_element(self->state.reverse, caf::make_message_id(), {}, std::move(copy)), self->context());
  };
  self->set_default_handler([self, pass](caf::scheduled_actor*, caf::message_view& view) -> caf::result<caf::message> {
    auto msg = view.move_content_to_message();
    if (self->state.frozen) self->state.held.push_back(std::move(msg));
    else pass(std::move(msg));
    return caf::delegated<caf::message>{};
  });
  return {
    [self](reverse_atom, caf::actor reverse) { self->state.reverse = caf::actor_cast<caf::strong_actor_ptr>(reverse); },
    [self](freeze_atom) { self->state.frozen = true; },
    [self, pass](thaw_atom) {
      self->state.frozen = false;
      for (auto& msg : self->state.held) pass(std::move(msg));
      self->state.held.clear();
    },
  };
}

struct client {
  std::shared_ptr<fake_connection> conn;
  caf::actor actor;
  int next_ref = 1;
};

/// (topic, event, payload) of every broadcast frame (both refs null) a client got.
struct seen {
  std::string topic, event;
  json payload;
};

channel_def room_channel() {
  return channel_def{
    .topic_pattern = "room:*",
    .join = [](const json&, socket&) { return join_result::ok(); },
    .leave = nullptr,
    .handlers = {
      {"shout", [](const payload& body, socket& s) { s.broadcast("shout", body); }},
      {"shout_from", [](const payload& body, socket& s) { s.broadcast_from("shout", body); }},
    },
  };
}

/// "pres:*": presence as the chat example does it (state after the join, tracked by user).
channel_def presence_channel() {
  return channel_def{
    .topic_pattern = "pres:*",
    .join = [](const json&, socket& s) {
      presence::push_state(s);
      presence::track(s, s.query().value("user", "?"), {{"node", s.query().value("node", "?")}});
      return join_result::ok();
    },
    .leave = nullptr,
    .handlers = {},
  };
}

/// What phoenix.js's Presence would hold: presence_state, then each presence_diff
/// (leaves, then joins, by phx_ref), from a client's frames.
struct presence_view {
  json state = json::object();
  void take(const std::vector<std::string>& frames) {
    for (auto& text : frames) {
      auto m = json::parse(text);
      if (m[3] == "presence_state") state = m[4];
      if (m[3] != "presence_diff") continue;
      for (auto& [key, v] : m[4]["leaves"].items()) {
        if (!state.contains(key)) continue;
        auto& metas = state[key]["metas"];
        for (auto& gone : v["metas"])
          for (auto it = metas.begin(); it != metas.end(); ++it)
            if ((*it)["phx_ref"] == gone["phx_ref"]) {
              metas.erase(it);
              break;
            }
        if (metas.empty()) state.erase(key);
      }
      for (auto& [key, v] : m[4]["joins"].items())
        for (auto& meta : v["metas"]) {
          auto& metas = state[key]["metas"];
          if (std::none_of(metas.begin(), metas.end(), [&](const json& x) { return x["phx_ref"] == meta["phx_ref"]; }))
            metas.push_back(meta);  // (by phx_ref, as phoenix.js: a diff may repeat what the state had)
        }
    }
  }
  std::vector<std::string> who() const {
    std::vector<std::string> out;
    for (auto& [key, v] : state.items())
      for (std::size_t i = 0; i < v["metas"].size(); ++i) out.push_back(key);
    return out;
  }
};

class cluster_fixture {
public:
  explicit cluster_fixture(std::size_t max_queued_bytes = 8u << 20,
                           cluster_config::overflow_policy on_overflow = cluster_config::overflow_policy::drop)
    : sys_(configure(cfg_)), on_overflow_(on_overflow) {
    if (!std::getenv("CHORUS_LOG")) set_log_level(log_level::error);
    for (auto name : {"a", "b", "c"}) add_node(name, max_queued_bytes);
  }
  ~cluster_fixture() {
    for (auto& [_, l] : links_) caf::anon_send_exit(l, caf::exit_reason::kill);
    cut_stale();
    for (auto& rt : nodes_) rt->close_all(1001, "test over");
    for (auto& rt : retired_) rt->close_all(1001, "test over");
    run();
    for (auto& rt : nodes_) rt->stop();
    for (auto& rt : retired_) rt->stop();
    for (int i = 0; i < 100 && sched().run() + sched().trigger_timeouts() > 0; ++i) {}
  }

  std::size_t add_node(const std::string& name, std::size_t max_queued_bytes = 8u << 20) {
    channel_config config;
    config.channels = {room_channel(), presence_channel()};
    config.connect = [](const connect_info& info) {
      return connect_result::ok(json::object(), info.params.value("id", std::string{}));
    };
    config.cluster.node_name = name;
    config.cluster.max_queued_bytes = max_queued_bytes;
    config.cluster.on_overflow = on_overflow_;
    config.cluster.max_batch_items = 4;  // small batches: many per test
    nodes_.push_back(std::make_unique<runtime>(sys_, std::move(config)));
    run();
    return nodes_.size() - 1;
  }
  /// A node stops (its actors killed) and its links break.
  void kill(std::size_t i) {
    for (auto it = links_.begin(); it != links_.end();)
      if (it->first.first == i || it->first.second == i) {
        caf::anon_send_exit(it->second, caf::exit_reason::kill);
        it = links_.erase(it);
      } else {
        ++it;
      }
    caf::anon_send_exit(nodes_[i]->cluster(), caf::exit_reason::kill);
    run();
  }
  /// A node comes back under the same name (a new incarnation) in slot i.
  void restart(std::size_t i, const std::string& name) {
    retired_.push_back(std::move(nodes_[i]));
    nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(i));
    add_node(name);
    std::rotate(nodes_.begin() + static_cast<std::ptrdiff_t>(i), nodes_.end() - 1, nodes_.end());
  }

  void connect(std::size_t i, std::size_t j) {
    auto ij = sys_.spawn(link_actor, caf::actor_cast<caf::actor>(nodes_[j]->cluster()));
    auto ji = sys_.spawn(link_actor, caf::actor_cast<caf::actor>(nodes_[i]->cluster()));
    caf::anon_send(ij, reverse_atom::value, ji);
    caf::anon_send(ji, reverse_atom::value, ij);
    for (auto key : {std::pair{i, j}, std::pair{j, i}})
      if (auto old = links_.find(key); old != links_.end()) stale_.push_back(old->second);
    links_[{i, j}] = ij;
    links_[{j, i}] = ji;
    run();
    caf::anon_send(nodes_[i]->cluster(), detail::peer_connect{ij, ""});
    run();
  }
  void mesh() {
    connect(0, 1);
    connect(0, 2);
    connect(1, 2);
  }
  void cut(std::size_t i, std::size_t j) {
    caf::anon_send_exit(links_.at({i, j}), caf::exit_reason::kill);
    caf::anon_send_exit(links_.at({j, i}), caf::exit_reason::kill);
    links_.erase({i, j});
    links_.erase({j, i});
    run();
  }
  /// Links replaced by connect() (to a restarted node) break now.
  void cut_stale() {
    for (auto& l : stale_) caf::anon_send_exit(l, caf::exit_reason::kill);
    stale_.clear();
    run();
  }
  /// What i sends to j is held (not delivered, so never acknowledged) until thaw.
  void freeze(std::size_t i, std::size_t j) { caf::anon_send(links_.at({i, j}), freeze_atom::value); run(); }
  void thaw(std::size_t i, std::size_t j) { caf::anon_send(links_.at({i, j}), thaw_atom::value); run(); }

  client open(std::size_t node, json params = json::object()) {
    client c;
    c.conn = std::make_shared<fake_connection>();
    connect_info info;
    info.params = std::move(params);
    info.peer = "test";
    c.actor = nodes_[node]->open(c.conn, std::move(info), protocol::serializer::v2, [](bool, unsigned) {});
    run();
    return c;
  }
  void frame(client& c, const std::string& topic, const std::string& event, const json& payload, bool run_now = true) {
    auto ref = std::to_string(c.next_ref++);
    json msg = json::array({event == "phx_join" ? json(ref) : json("1"), ref, topic, event, payload});
    caf::anon_send(c.actor, detail::inbound_frame{msg.dump(), false});
    if (run_now) run();
  }
  void join(client& c, const std::string& topic) { frame(c, topic, "phx_join", json::object()); }
  void leave(client& c, const std::string& topic) { frame(c, topic, "phx_leave", json::object()); }

  std::vector<seen> broadcasts(client& c) {
    std::vector<seen> out;
    for (auto& text : c.conn->take()) {
      auto m = json::parse(text);
      if (m[0].is_null() && m[1].is_null()) out.push_back({m[2], m[3], m[4]});
    }
    return out;
  }

  std::vector<std::string> peers(std::size_t i) { return ask<std::vector<std::string>>(nodes_[i]->cluster(), detail::peers_request{}); }
  cluster_count count(std::size_t i, const std::string& topic, std::uint32_t wait_ms = 1000) {
    caf::scoped_actor self{sys_};
    cluster_count out;
    bool answered = false;
    auto rp = self->request(nodes_[i]->registry(), caf::infinite, detail::cluster_count_request{topic, wait_ms});
    run();
    sched().advance_time(std::chrono::milliseconds{wait_ms});  // peers that never answer
    run();
    rp.receive([&](cluster_count c) { out = c, answered = true; },
               [&](caf::error& err) { FAIL(sys_.render(err)); });
    CHECK(answered);
    return out;
  }
  std::size_t topics(std::size_t i) { return nodes_[i]->stats().topics.load(); }
  peer_counters counters(std::size_t i, const std::string& peer) {
    auto& stats = nodes_[i]->stats();
    std::lock_guard<std::mutex> lock{stats.cluster_mutex};
    return stats.peers.at(peer);
  }

  runtime& node(std::size_t i) { return *nodes_[i]; }
  /// Moves simulated time (presence windows) and runs.
  void advance(std::chrono::milliseconds d) {
    sched().advance_time(d);
    run();
  }
  caf::actor_system& system() { return sys_; }
  void run() { sched().run(); }
  caf::scheduler::test_coordinator& sched() {
    return dynamic_cast<caf::scheduler::test_coordinator&>(sys_.scheduler());
  }

private:
  static caf::actor_system_config& configure(caf::actor_system_config& cfg) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    register_chorus_types(cfg);
    return cfg;
  }
  template <class T, class Dest, class Msg>
  T ask(const Dest& dest, Msg msg) {
    caf::scoped_actor self{sys_};
    T out{};
    auto rp = self->request(caf::actor_cast<caf::actor>(dest), caf::infinite, std::move(msg));
    run();
    rp.receive([&](T value) { out = std::move(value); }, [&](caf::error& err) { FAIL(sys_.render(err)); });
    return out;
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  cluster_config::overflow_policy on_overflow_;
  std::vector<std::unique_ptr<runtime>> nodes_;
  std::vector<std::unique_ptr<runtime>> retired_;
  std::map<std::pair<std::size_t, std::size_t>, caf::actor> links_;
  std::vector<caf::actor> stale_;
};

/// Every (publisher, n) exactly once and, per publisher, in increasing n.
void check_exactly_once_in_order(const std::vector<seen>& got, const std::map<std::string, int>& expected_counts) {
  std::map<std::string, std::vector<int>> by_publisher;
  for (auto& s : got) by_publisher[s.payload.at("from").get<std::string>()].push_back(s.payload.at("n").get<int>());
  for (auto& [publisher, count] : expected_counts) {
    INFO("publisher " << publisher);
    auto& ns = by_publisher[publisher];
    REQUIRE(ns.size() == static_cast<std::size_t>(count));
    for (int k = 0; k < count; ++k) CHECK(ns[static_cast<std::size_t>(k)] == k);
  }
  CHECK(by_publisher.size() == expected_counts.size());
}

} // namespace

TEST_CASE("cluster: a mesh forms and every wire type survives serialization", "[cluster]") {
  cluster_fixture f;
  f.mesh();
  CHECK(f.peers(0) == std::vector<std::string>{"b", "c"});
  CHECK(f.peers(1) == std::vector<std::string>{"a", "c"});
  CHECK(f.peers(2) == std::vector<std::string>{"a", "b"});
  CHECK(f.counters(0, "b").up);
  CHECK(f.node(0).stats().to_json()["cluster"]["peers_up"] == 2);
}

TEST_CASE("cluster: broadcasts from sockets and app actors reach every node exactly once, in order", "[cluster]") {
  cluster_fixture f;
  f.mesh();
  std::vector<client> subs;
  for (std::size_t node : {0, 1, 1, 2}) {
    subs.push_back(f.open(node));
    f.join(subs.back(), "room:1");
    f.broadcasts(subs.back());
  }
  auto publisher = f.open(0);
  f.join(publisher, "room:1");
  const int n = 40;
  for (int k = 0; k < n; ++k) {
    // Interleaved, unrun: a socket on a (through its topic actor) and apps on b and c
    // (through their registries) publish at once.
    f.frame(publisher, "room:1", "shout", {{"from", "socket@a"}, {"n", k}}, false);
    f.node(1).bus().broadcast("room:1", "shout", json{{"from", "app@b"}, {"n", k}});
    f.node(2).bus().broadcast("room:1", "shout", json{{"from", "app@c"}, {"n", k}});
  }
  f.run();
  for (auto& s : subs) check_exactly_once_in_order(f.broadcasts(s), {{"socket@a", n}, {"app@b", n}, {"app@c", n}});
  // Batches: fewer than one per broadcast (the links cap them at 4 items here).
  auto ab = f.counters(0, "b");
  CHECK(ab.items_out == static_cast<std::uint64_t>(n));  // what a publishes: once per peer
  CHECK(ab.batches_out < ab.items_out);
  CHECK(ab.dropped == 0);
  CHECK(f.counters(1, "a").seq_gaps == 0);
}

TEST_CASE("cluster: a node with no subscribers for a topic gets none of its traffic", "[cluster]") {
  cluster_fixture f;
  f.mesh();
  auto sub = f.open(1);
  f.join(sub, "room:only-b");
  for (int k = 0; k < 5; ++k) f.node(0).bus().broadcast("room:only-b", "shout", json{{"from", "a"}, {"n", k}});
  f.run();
  check_exactly_once_in_order(f.broadcasts(sub), {{"a", 5}});
  CHECK(f.counters(0, "b").items_out == 5);
  CHECK(f.counters(0, "c").items_out == 0);  // c never said it has room:only-b
  CHECK(f.topics(2) == 0);                   // and remote traffic never spawns a topic
}

TEST_CASE("cluster: broadcast_from skips only the sender, on every node", "[cluster]") {
  cluster_fixture f;
  f.mesh();
  auto sender = f.open(0);
  auto here = f.open(0);
  auto there = f.open(2);
  for (auto* c : {&sender, &here, &there}) {
    f.join(*c, "room:1");
    f.broadcasts(*c);
  }
  f.frame(sender, "room:1", "shout_from", {{"from", "s"}, {"n", 0}});
  CHECK(f.broadcasts(sender).empty());
  check_exactly_once_in_order(f.broadcasts(here), {{"s", 1}});
  check_exactly_once_in_order(f.broadcasts(there), {{"s", 1}});
}

TEST_CASE("cluster: a socket-id disconnect reaches the socket on whichever node holds it", "[cluster]") {
  cluster_fixture f;
  f.mesh();
  auto target = f.open(2, {{"id", "users_socket:7"}});
  auto other = f.open(1, {{"id", "users_socket:8"}});
  f.node(0).bus().broadcast("users_socket:7", "disconnect", json::object());
  f.run();
  REQUIRE(target.conn->closed());
  CHECK(target.conn->closed()->first == 1001);
  CHECK_FALSE(other.conn->closed());
}

TEST_CASE("cluster: interest racing a broadcast, and a retire racing a forward", "[cluster]") {
  cluster_fixture f;
  f.mesh();
  auto sub = f.open(1);
  SECTION("a broadcast made before b's first join is known at a may miss b, never twice") {
    f.frame(sub, "room:1", "phx_join", json::object(), false);
    f.node(0).bus().broadcast("room:1", "shout", json{{"from", "a"}, {"n", 0}});
    f.run();
    auto early = f.broadcasts(sub);
    CHECK(early.size() <= 1);
    // Once b's interest has arrived, nothing is missed.
    for (int k = 1; k <= 3; ++k) f.node(0).bus().broadcast("room:1", "shout", json{{"from", "a"}, {"n", k}});
    f.run();
    auto later = f.broadcasts(sub);
    REQUIRE(later.size() == 3);
    CHECK(later[0].payload["n"] == 1);
  }
  SECTION("what follows a join on b reaches a after b's interest (the same link)") {
    auto at_a = f.open(0);
    f.join(at_a, "room:1");
    f.broadcasts(at_a);
    // b joins and publishes at once; a answers as soon as b's broadcast arrives.
    f.frame(sub, "room:1", "phx_join", json::object(), false);
    f.frame(sub, "room:1", "shout", {{"from", "b"}, {"n", 0}}, false);
    f.run();
    check_exactly_once_in_order(f.broadcasts(at_a), {{"b", 1}});
    f.node(0).bus().broadcast("room:1", "shout", json{{"from", "a"}, {"n", 0}});
    f.run();
    auto got = f.broadcasts(sub);
    CHECK(got.size() == 2);  // its own, and a's answer
  }
  SECTION("a forward arriving after the topic retired is dropped, and spawns nothing") {
    f.join(sub, "room:1");
    f.broadcasts(sub);
    f.freeze(0, 1);  // the forward is on its way…
    f.node(0).bus().broadcast("room:1", "shout", json{{"from", "a"}, {"n", 0}});
    f.run();
    f.leave(sub, "room:1");  // …while b's only subscriber leaves and the topic retires
    CHECK(f.topics(1) == 0);
    f.thaw(0, 1);
    CHECK(f.topics(1) == 0);
    CHECK(f.broadcasts(sub).size() == 0);
    CHECK(f.counters(1, "a").items_in == 1);  // it did arrive
    f.join(sub, "room:1");
    f.broadcasts(sub);
    f.node(0).bus().broadcast("room:1", "shout", json{{"from", "a"}, {"n", 1}});
    f.run();
    auto got = f.broadcasts(sub);
    REQUIRE(got.size() == 1);
    CHECK(got[0].payload["n"] == 1);
  }
}

TEST_CASE("cluster: a node's death loses nothing between the survivors", "[cluster]") {
  cluster_fixture f;
  f.mesh();
  auto at_a = f.open(0);
  auto at_b = f.open(1);
  auto at_c = f.open(2);
  for (auto* c : {&at_a, &at_b, &at_c}) {
    f.join(*c, "room:1");
    f.broadcasts(*c);
  }
  const int n = 30;
  for (int k = 0; k < n; ++k) {
    f.node(0).bus().broadcast("room:1", "shout", json{{"from", "a"}, {"n", k}});
    f.node(1).bus().broadcast("room:1", "shout", json{{"from", "b"}, {"n", k}});
    if (k == n / 2) f.kill(2);  // mid-stream (kill runs what is queued so far)
  }
  f.run();
  check_exactly_once_in_order(f.broadcasts(at_a), {{"a", n}, {"b", n}});
  check_exactly_once_in_order(f.broadcasts(at_b), {{"a", n}, {"b", n}});
  CHECK(f.peers(0) == std::vector<std::string>{"b"});
  CHECK_FALSE(f.counters(0, "c").up);
  CHECK(f.counters(0, "c").downs == 1);
  auto count = f.count(0, "room:1");
  CHECK(count.total == 2);
  CHECK(count.nodes_answered == 2);
  CHECK(count.nodes_up == 2);
}

TEST_CASE("cluster: a restarted node (new incarnation) replaces the old one", "[cluster]") {
  cluster_fixture f;
  f.mesh();
  auto old_sub = f.open(2);
  f.join(old_sub, "room:1");
  f.broadcasts(old_sub);
  auto old_incarnation = f.counters(0, "c").incarnation;
  // c restarts before a noticed the old one go: the new hello alone must replace it.
  f.restart(2, "c");
  f.connect(0, 2);
  CHECK(f.counters(0, "c").incarnation != old_incarnation);
  CHECK(f.counters(0, "c").up);
  CHECK(f.counters(0, "c").ups == 2);
  CHECK(f.peers(0) == std::vector<std::string>{"b", "c"});
  auto new_sub = f.open(2);
  f.join(new_sub, "room:1");
  f.node(0).bus().broadcast("room:1", "shout", json{{"from", "a"}, {"n", 0}});
  f.run();
  check_exactly_once_in_order(f.broadcasts(new_sub), {{"a", 1}});
  CHECK(f.broadcasts(old_sub).empty());  // the old incarnation is forgotten
  // The old incarnation's link breaking now does not take the new one down.
  f.cut_stale();
  CHECK(f.peers(0) == std::vector<std::string>{"b", "c"});
  f.cut(0, 2);
  CHECK(f.peers(0) == std::vector<std::string>{"b"});
}

TEST_CASE("cluster: a peer that stops reading pins at most max_queued_bytes, then catches up", "[cluster]") {
  cluster_fixture f{2000};  // ~20 broadcasts of ~100 bytes
  f.mesh();
  auto sub = f.open(1);
  f.join(sub, "room:1");
  f.freeze(0, 1);
  const int n = 100;
  for (int k = 0; k < n; ++k) f.node(0).bus().broadcast("room:1", "shout", json{{"from", "a"}, {"n", k}, {"pad", std::string(40, 'x')}});
  f.run();
  auto frozen = f.counters(0, "b");
  CHECK(frozen.queued_bytes <= 2000);
  CHECK(frozen.dropped > 0);
  CHECK(frozen.dropped + frozen.items_out == n);
  CHECK(f.broadcasts(sub).empty());
  f.thaw(0, 1);
  auto got = f.broadcasts(sub);
  CHECK(got.size() == frozen.items_out);
  for (std::size_t k = 1; k < got.size(); ++k) CHECK(got[k].payload["n"] > got[k - 1].payload["n"]);  // in order
  CHECK(f.counters(0, "b").queued_bytes == 0);  // acknowledged
  f.node(0).bus().broadcast("room:1", "shout", json{{"from", "a"}, {"n", n}});
  f.run();
  auto after = f.broadcasts(sub);
  REQUIRE(after.size() == 1);
  CHECK(after[0].payload["n"] == n);
}

TEST_CASE("cluster: subscriber counts per node and summed over the cluster", "[cluster]") {
  cluster_fixture f;
  f.mesh();
  std::vector<client> subs;
  for (std::size_t node : {0, 1, 1, 2}) {
    subs.push_back(f.open(node));
    f.join(subs.back(), "room:1");
  }
  auto all = f.count(1, "room:1");
  CHECK(all.total == 4);
  CHECK(all.nodes_answered == 3);
  CHECK(all.nodes_up == 3);
  CHECK(f.count(0, "room:none").total == 0);
  // A peer that does not answer in time is left out, and said to be.
  f.freeze(0, 2);
  auto partial = f.count(0, "room:1", 50);
  CHECK(partial.total == 3);
  CHECK(partial.nodes_answered == 2);
  CHECK(partial.nodes_up == 3);
}

TEST_CASE("cluster: with on_overflow=cut a peer over the cap is dropped, and comes back on its next hello", "[cluster]") {
  cluster_fixture f{2000, cluster_config::overflow_policy::cut};
  f.mesh();
  auto sub = f.open(1);
  f.join(sub, "room:1");
  f.freeze(0, 1);
  for (int k = 0; k < 50; ++k) f.node(0).bus().broadcast("room:1", "shout", json{{"from", "a"}, {"n", k}, {"pad", std::string(40, 'x')}});
  f.run();
  CHECK(f.peers(0) == std::vector<std::string>{"c"});  // b was cut
  auto cut = f.counters(0, "b");
  CHECK_FALSE(cut.up);
  CHECK(cut.downs == 1);
  CHECK(cut.dropped > 0);
  f.thaw(0, 1);
  f.broadcasts(sub);
  // b says hello again (here: the test's link; in a cluster: the re-dial) and is back.
  f.connect(1, 0);
  CHECK(f.peers(0) == std::vector<std::string>{"b", "c"});
  f.node(0).bus().broadcast("room:1", "shout", json{{"from", "a"}, {"n", 99}});
  f.run();
  auto got = f.broadcasts(sub);
  REQUIRE(got.size() == 1);
  CHECK(got[0].payload["n"] == 99);
}

TEST_CASE("cluster: bad words from a peer are refused or counted, never fatal", "[cluster]") {
  cluster_fixture f;
  auto sub = f.open(0);
  f.join(sub, "room:1");
  f.broadcasts(sub);
  caf::scoped_actor peer{f.system()};
  auto a = caf::actor_cast<caf::actor>(f.node(0).cluster());
  auto hello = [](std::string cluster, std::uint32_t version, std::string name) {
    detail::peer_hello h;
    h.cluster = std::move(cluster);
    h.version = version;
    h.name = std::move(name);
    h.incarnation = 42;
    h.topics = {"room:1"};
    return h;
  };
  SECTION("another cluster, another version, or this node's own name: refused") {
    peer->send(a, hello("elsewhere", detail::cluster_wire_version, "x"));
    peer->send(a, hello("chorus", detail::cluster_wire_version + 1, "y"));
    peer->send(a, hello("chorus", detail::cluster_wire_version, "a"));
    f.run();
    CHECK(f.peers(0).empty());
  }
  SECTION("payloads that do not parse, or nest too deep, are counted and skipped") {
    peer->send(a, hello("chorus", detail::cluster_wire_version, "evil"));
    f.run();
    REQUIRE(f.peers(0) == std::vector<std::string>{"evil"});
    detail::peer_batch batch{1, {}};
    batch.items.push_back({"room:1", "shout", false, "{not json"});
    batch.items.push_back({"room:1", "shout", false, std::string(100000, '[') + std::string(100000, ']')});
    batch.items.push_back({"room:1", "shout", false, R"({"from":"evil","n":0})"});
    batch.items.push_back({"room:nowhere", "shout", false, "{}"});
    peer->send(a, batch);
    f.run();
    CHECK(f.counters(0, "evil").bad_items == 2);
    check_exactly_once_in_order(f.broadcasts(sub), {{"evil", 1}});
    CHECK(f.topics(0) == 1);  // room:nowhere was not spawned
    // Out-of-sequence batches are counted, and still delivered.
    peer->send(a, detail::peer_batch{5, {{"room:1", "shout", false, R"({"from":"evil","n":1})"}}});
    f.run();
    CHECK(f.counters(0, "evil").seq_gaps == 1);
    CHECK(f.broadcasts(sub).size() == 1);
    // Every batch is acknowledged to its sender.
    std::vector<std::uint64_t> acks;
    for (int k = 0; k < 10 && peer->has_next_message(); ++k)
      peer->receive([&](const detail::peer_hello&) {}, [&](const detail::peer_ack& ack) { acks.push_back(ack.seq); },
                    [&](const detail::peer_interest&) {}, [&](const detail::peer_presence&) {});
    CHECK(acks == std::vector<std::uint64_t>{1, 5});
  }
}

TEST_CASE("cluster: presence is cluster-wide — snapshots on interest, changes after, gone with a node", "[cluster][presence]") {
  using namespace std::chrono_literals;
  cluster_fixture f;
  f.mesh();
  auto alice = f.open(0, {{"user", "alice"}, {"node", "a"}});
  f.join(alice, "pres:1");
  f.advance(50ms);
  // bob joins on b after alice: his list gets her from a's snapshot (a diff after his state).
  auto bob = f.open(1, {{"user", "bob"}, {"node", "b"}});
  f.join(bob, "pres:1");
  f.advance(50ms);
  f.advance(50ms);
  presence_view at_a, at_b;
  at_a.take(alice.conn->take());
  at_b.take(bob.conn->take());
  CHECK(at_a.who() == std::vector<std::string>{"alice", "bob"});
  CHECK(at_b.who() == std::vector<std::string>{"alice", "bob"});
  CHECK(at_b.state["alice"]["metas"][0]["node"] == "a");
  // Two tabs of carol on c; c goes down: her metas leave the lists on a and b.
  auto carol1 = f.open(2, {{"user", "carol"}});
  auto carol2 = f.open(2, {{"user", "carol"}});
  f.join(carol1, "pres:1");
  f.join(carol2, "pres:1");
  f.advance(50ms);
  f.advance(50ms);
  at_a.take(alice.conn->take());
  at_b.take(bob.conn->take());
  CHECK(at_a.who() == std::vector<std::string>{"alice", "bob", "carol", "carol"});
  CHECK(at_b.who() == std::vector<std::string>{"alice", "bob", "carol", "carol"});
  presence_view at_c;
  at_c.take(carol2.conn->take());
  CHECK(at_c.who() == std::vector<std::string>{"alice", "bob", "carol", "carol"});
  f.kill(2);
  f.advance(50ms);
  at_a.take(alice.conn->take());
  at_b.take(bob.conn->take());
  CHECK(at_a.who() == std::vector<std::string>{"alice", "bob"});
  CHECK(at_b.who() == std::vector<std::string>{"alice", "bob"});
  // bob leaves: gone on a too; a join and leave inside one window reach nobody.
  f.leave(bob, "pres:1");
  auto flicker = f.open(0, {{"user", "flicker"}});
  f.join(flicker, "pres:1");
  f.leave(flicker, "pres:1");
  f.advance(50ms);
  f.advance(50ms);
  at_a.take(alice.conn->take());
  CHECK(at_a.who() == std::vector<std::string>{"alice"});
  // The list an app reads holds the other nodes' presences too.
  auto dave = f.open(1, {{"user", "dave"}});
  f.join(dave, "pres:1");
  f.advance(50ms);
  f.advance(50ms);
  caf::scoped_actor self{f.system()};
  std::string listed;
  auto rp = presence::list(self.ptr(), f.node(0).bus(), "pres:1");
  f.run();
  rp.receive([&](const std::string& text) { listed = text; }, [&](caf::error&) {});
  auto list = json::parse(listed);
  CHECK(list.contains("alice"));
  CHECK(list.contains("dave"));
  CHECK(list.size() == 2);
}
