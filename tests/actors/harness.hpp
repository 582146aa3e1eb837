#pragma once
// chorus's own actor tests: chorus::testing's fixture (deterministic scheduler, simulated
// time, fake connections) plus raw-frame access and shuffled interleavings, so tests read
// like the protocol: frame in, frames out, exact strings.
#include <memory>
#include <random>
#include <string>
#include <utility>

#include <caf/all.hpp>  // (tests only: they spawn and inspect actors of every kind)

#include "actors/log.hpp"
#include "actors/registry_messages.hpp"
#include "actors/socket.hpp"
#include "actors/socket_messages.hpp"
#include "actors/supervisor_messages.hpp"
#include "actors/topic_messages.hpp"
#include "testing/channel_test.hpp"

namespace chorus::testing {

struct client {
  std::shared_ptr<fake_connection> conn;
  caf::actor actor;
  bool accepted = false;
  unsigned http_status = 0;
};

class harness {
public:
  explicit harness(channel_config config = {});

  client connect(protocol::serializer ser = protocol::serializer::v2, connect_info info = {});
  /// Delivers one inbound text frame and runs every actor until idle.
  void send(const client& c, std::string text);
  void send_binary(const client& c, std::string bytes);
  /// Delivers without running anything (to build interleavings).
  void enqueue(const client& c, std::string text);
  /// Runs until idle, picking the next actor at random from the ready ones.
  void run_shuffled(std::mt19937& rng);
  void run() { fixture_.run(); }
  /// Advances simulated time and runs what that triggers.
  void advance(std::chrono::milliseconds d) { fixture_.advance(d); }
  void disconnect(const client& c);

  std::size_t subscriber_count(const std::string& topic);
  std::size_t topic_count();
  std::size_t socket_count();

  caf::scheduler::test_coordinator& sched() { return fixture_.scheduler(); }
  caf::actor_system& system() { return fixture_.system(); }
  chorus::runtime& rt() { return fixture_.runtime(); }

private:
  template <class T>
  T ask(const caf::actor& dest, caf::message msg);

  channel_test fixture_;
};

} // namespace chorus::testing
