#include "harness.hpp"

#include <catch2/catch.hpp>

#include <caf/scoped_actor.hpp>

namespace chorus::testing {

harness::harness(channel_config config) : fixture_(std::move(config)) {
  if (!std::getenv("CHORUS_LOG")) set_log_level(log_level::error);  // refusals are expected here
}

client harness::connect(protocol::serializer ser, connect_info info) {
  client c;
  c.conn = std::make_shared<fake_connection>();
  auto o = fixture_.open(c.conn, std::move(info), ser);
  c.actor = std::move(o.actor);
  c.accepted = o.accepted;
  c.http_status = o.http_status;
  return c;
}

void harness::enqueue(const client& c, std::string text) {
  caf::anon_send(c.actor, detail::inbound_frame{std::move(text), false});
}

void harness::send(const client& c, std::string text) {
  enqueue(c, std::move(text));
  run();
}

void harness::send_binary(const client& c, std::string bytes) {
  caf::anon_send(c.actor, detail::inbound_frame{std::move(bytes), true});
  run();
}

void harness::run_shuffled(std::mt19937& rng) {
  auto& s = sched();
  while (s.has_job()) {
    std::uniform_int_distribution<std::size_t> pick{0, s.jobs.size() - 1};
    auto i = s.jobs.begin() + static_cast<std::ptrdiff_t>(pick(rng));
    std::rotate(s.jobs.begin(), i, i + 1);
    s.run_once();
  }
}

void harness::disconnect(const client& c) {
  caf::anon_send(c.actor, detail::transport_closed{});
  run();
}

template <class T>
T harness::ask(const caf::actor& dest, caf::message msg) {
  caf::scoped_actor self{system()};
  T out{};
  auto rp = self->request(dest, caf::infinite, std::move(msg));
  run();
  std::string failure;
  rp.receive([&](T value) { out = value; }, [&](caf::error& err) { failure = system().render(err); });
  // A failed request is a failed test, never a zero that an `== 0` check would accept.
  if (!failure.empty()) FAIL("request to " << caf::to_string(dest.address()) << " failed: " << failure);
  return out;
}

std::size_t harness::subscriber_count(const std::string& topic) {
  return ask<std::size_t>(caf::actor_cast<caf::actor>(rt().registry()), caf::make_message(detail::subscriber_count_request{topic}));
}

std::size_t harness::topic_count() {
  return ask<std::size_t>(caf::actor_cast<caf::actor>(rt().registry()), caf::make_message(detail::topic_count_request{}));
}

std::size_t harness::socket_count() {
  return ask<std::size_t>(caf::actor_cast<caf::actor>(rt().supervisor()), caf::make_message(detail::socket_count_request{}));
}

} // namespace chorus::testing
