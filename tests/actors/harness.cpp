#include "harness.hpp"

#include "actors/caf_types.hpp"

#include <catch2/catch.hpp>

namespace chorus::testing {

namespace {
caf::actor_system_config& testing_config(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.inline-output", true);
  register_chorus_types(cfg);
  return cfg;
}
} // namespace

void fake_connection::send(shared_frame frame) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (!closed_) frames_.push_back(std::move(frame));
}

void fake_connection::close(std::uint16_t code, std::string reason) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (!closed_) closed_ = {code, std::move(reason)};
}

std::vector<std::string> fake_connection::take() {
  std::vector<std::string> out;
  for (auto& f : take_frames()) out.emplace_back(f->body());
  return out;
}

std::vector<shared_frame> fake_connection::take_frames() {
  std::lock_guard<std::mutex> lock{mutex_};
  return std::exchange(frames_, {});
}

std::optional<std::pair<std::uint16_t, std::string>> fake_connection::closed() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return closed_;
}

harness::harness(channel_config config)
  : sys_(testing_config(cfg_)), rt_(std::make_unique<chorus::runtime>(sys_, std::move(config))) {
  if (!std::getenv("CHORUS_LOG")) set_log_level(log_level::error);  // refusals are expected here; keep test output readable
  run();
}

harness::~harness() {
  rt_->close_all(1001, "test over");
  run();
  rt_->stop();
  // Bounded: fire leftover timers (the supervisor's sweep) so no actor outlives the test.
  for (int i = 0; i < 100 && sched().run() + sched().trigger_timeouts() > 0; ++i) {}
}

caf::scheduler::test_coordinator& harness::sched() {
  return dynamic_cast<caf::scheduler::test_coordinator&>(sys_.scheduler());
}

client harness::connect(protocol::serializer ser, connect_info info) {
  client c;
  c.conn = std::make_shared<fake_connection>();
  auto decided = std::make_shared<std::pair<bool, unsigned>>(false, 0);
  c.actor = rt_->open(c.conn, std::move(info), ser, [decided](bool ok, unsigned status) {
    *decided = {ok, status};
  });
  run();
  c.accepted = decided->first;
  c.http_status = decided->second;
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

void harness::advance(std::chrono::milliseconds d) {
  sched().advance_time(d);
  run();
}

void harness::disconnect(const client& c) {
  caf::anon_send(c.actor, detail::transport_closed{});
  run();
}

template <class T>
T harness::ask(const caf::actor& dest, caf::message msg) {
  caf::scoped_actor self{sys_};
  T out{};
  auto rp = self->request(dest, caf::infinite, std::move(msg));
  run();
  std::string failure;
  rp.receive([&](T value) { out = value; }, [&](caf::error& err) { failure = sys_.render(err); });
  // A failed request is a failed test, never a zero that an `== 0` check would accept.
  if (!failure.empty()) FAIL("request to " << caf::to_string(dest.address()) << " failed: " << failure);
  return out;
}

std::size_t harness::subscriber_count(const std::string& topic) {
  return ask<std::size_t>(rt_->registry(), caf::make_message(detail::subscriber_count_request{topic}));
}

std::size_t harness::topic_count() {
  return ask<std::size_t>(rt_->registry(), caf::make_message(detail::topic_count_request{}));
}

std::size_t harness::socket_count() {
  return ask<std::size_t>(rt_->supervisor(), caf::make_message(detail::socket_count_request{}));
}

} // namespace chorus::testing
