#include "testing/channel_test.hpp"

#include <caf/atom.hpp>

#include "actors/caf_types.hpp"
#include "actors/socket_messages.hpp"
#include "protocol/v2_serializer.hpp"

namespace chorus::testing {

namespace {

caf::actor_system_config& deterministic(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.inline-output", true);
  register_chorus_types(cfg);
  return cfg;
}

std::string describe(const protocol::message& m) {
  return protocol::encode_v2(m);
}

[[noreturn]] void fail(const std::string& what) { throw expectation_failed(what); }

} // namespace

// --- channel_test -------------------------------------------------------------------

channel_test::channel_test(channel_config config)
  : sys_(deterministic(cfg_)), rt_(std::make_unique<chorus::runtime>(sys_, std::move(config))) {
  run();
}

channel_test::~channel_test() {
  rt_->close_all(1001, "test over");
  run();
  rt_->stop();
  // Bounded: fire leftover timers (the supervisor's sweep) so no actor outlives the test.
  for (int i = 0; i < 100 && scheduler().run() + scheduler().trigger_timeouts() > 0; ++i) {}
}

caf::scheduler::test_coordinator& channel_test::scheduler() {
  return dynamic_cast<caf::scheduler::test_coordinator&>(sys_.scheduler());
}

void channel_test::run() { scheduler().run(); }

void channel_test::advance(std::chrono::milliseconds d) {
  scheduler().advance_time(d);
  run();
}

channel_test::opened channel_test::open(std::shared_ptr<fake_connection> conn, connect_info info,
                                        protocol::serializer ser) {
  auto decided = std::make_shared<std::pair<bool, unsigned>>(false, 0);
  opened out;
  out.actor = rt_->open(std::move(conn), std::move(info), ser,
                        [decided](bool ok, unsigned status) { *decided = {ok, status}; });
  run();
  out.accepted = decided->first;
  out.http_status = decided->second;
  return out;
}

test_client channel_test::connect(json params, std::optional<std::string> auth_token) {
  test_client c;
  c.fixture_ = this;
  c.conn_ = std::make_shared<fake_connection>();
  connect_info info;
  info.params = std::move(params);
  info.auth_token = std::move(auth_token);
  info.peer = "test";
  auto o = open(c.conn_, std::move(info), protocol::serializer::v2);
  c.actor_ = std::move(o.actor);
  c.accepted_ = o.accepted;
  c.http_status_ = o.http_status;
  return c;
}

void channel_test::disconnect(test_client& c) {
  caf::anon_send(c.actor_, detail::transport_closed{});
  run();
}

// --- test_client --------------------------------------------------------------------

std::string test_client::send_frame(const std::string& topic, const std::string& event, const json& payload,
                                    const json& join_ref) {
  auto ref = std::to_string(next_ref_++);
  auto text = protocol::encode_v2(protocol::message{join_ref, ref, topic, event, payload});
  caf::anon_send(actor_, detail::inbound_frame{std::move(text), false});
  fixture_->run();
  return ref;
}

reply test_client::await_reply(const std::string& ref, const std::string& what) {
  std::vector<protocol::message> others;
  std::optional<reply> found;
  while (auto m = next()) {
    if (!found && m->event == protocol::events::reply && m->ref == ref) {
      const auto* body = std::get_if<json>(&m->body);
      found = reply{body ? body->value("status", "") : "", body ? body->value("response", json()) : json()};
    } else {
      others.push_back(std::move(*m));
    }
  }
  pending_ = std::move(others);  // everything else stays readable, in order
  if (!found) fail(what + ": no reply" + (closed() ? " (the connection was closed: " + closed()->second + ")" : ""));
  return *found;
}

reply test_client::join(const std::string& topic, json payload) {
  auto join_ref = std::to_string(next_ref_);
  auto ref = send_frame(topic, protocol::events::join, payload, join_ref);
  auto r = await_reply(ref, "join " + topic);
  if (r.status == "ok") join_refs_[topic] = join_ref;
  return r;
}

void test_client::leave(const std::string& topic) {
  auto it = join_refs_.find(topic);
  json join_ref = it == join_refs_.end() ? json() : json(it->second);
  auto ref = send_frame(topic, protocol::events::leave, json::object(), join_ref);
  await_reply(ref, "leave " + topic);
  if (it != join_refs_.end()) join_refs_.erase(it);
}

reply test_client::push(const std::string& topic, const std::string& event, json payload) {
  auto it = join_refs_.find(topic);
  auto ref = send_frame(topic, event, payload, it == join_refs_.end() ? json() : json(it->second));
  return await_reply(ref, "push " + event + " on " + topic);
}

void test_client::send(const std::string& topic, const std::string& event, json payload) {
  auto it = join_refs_.find(topic);
  send_frame(topic, event, payload, it == join_refs_.end() ? json() : json(it->second));
}

std::optional<protocol::message> test_client::next() {
  if (pending_.empty()) {
    for (auto& frame : conn_->take_frames()) {
      if (frame->binary) {
        pending_.push_back(protocol::message{json(), json(), "", "binary", protocol::binary{std::string{frame->body()}}});
        continue;
      }
      auto decoded = protocol::decode_v2(frame->body());
      if (!decoded) fail("undecodable frame from the server: " + std::string{frame->body()});
      pending_.push_back(std::move(*decoded));
    }
  }
  if (pending_.empty()) return std::nullopt;
  auto m = std::move(pending_.front());
  pending_.erase(pending_.begin());
  return m;
}

json test_client::expect_push(const std::string& topic, const std::string& event) {
  auto m = next();
  if (!m) fail("expected a push of " + event + " on " + topic + ", got nothing");
  if (m->topic != topic || m->event != event || m->join_ref.is_null() || !m->ref.is_null())
    fail("expected a push of " + event + " on " + topic + ", got " + describe(*m));
  return std::get<json>(m->body);
}

json test_client::expect_broadcast(const std::string& topic, const std::string& event) {
  auto m = next();
  if (!m) fail("expected a broadcast of " + event + " on " + topic + ", got nothing");
  if (m->topic != topic || m->event != event || !m->join_ref.is_null() || !m->ref.is_null())
    fail("expected a broadcast of " + event + " on " + topic + ", got " + describe(*m));
  return std::get<json>(m->body);
}

void test_client::expect_no_message() {
  if (auto m = next()) fail("expected no message, got " + describe(*m));
}

} // namespace chorus::testing
