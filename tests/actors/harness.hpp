#pragma once
// Deterministic harness for the channel actors: a CAF system on the test_coordinator
// (simulated time, no threads), a runtime, and fake connections that record what the
// actors write. Tests read like the protocol: frame in, frames out, exact strings.
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/log.hpp"
#include "actors/registry_messages.hpp"
#include "actors/socket_messages.hpp"
#include "actors/supervisor_messages.hpp"
#include "actors/topic_messages.hpp"
#include "actors/runtime.hpp"
#include "actors/socket.hpp"

namespace chorus::testing {

class fake_connection : public connection {
public:
  void send(shared_frame frame) override;
  void close(std::uint16_t code, std::string reason) override;

  /// Bodies of the frames written since the last take(), in order.
  std::vector<std::string> take();
  std::vector<shared_frame> take_frames();
  std::optional<std::pair<std::uint16_t, std::string>> closed() const;

private:
  mutable std::mutex mutex_;
  std::vector<shared_frame> frames_;
  std::optional<std::pair<std::uint16_t, std::string>> closed_;
};

struct client {
  std::shared_ptr<fake_connection> conn;
  caf::actor actor;
  bool accepted = false;
  unsigned http_status = 0;
};

class harness {
public:
  explicit harness(channel_config config = {});
  ~harness();

  client connect(protocol::serializer ser = protocol::serializer::v2, connect_info info = {});
  /// Delivers one inbound text frame and runs every actor until idle.
  void send(const client& c, std::string text);
  void send_binary(const client& c, std::string bytes);
  /// Delivers without running anything (to build interleavings).
  void enqueue(const client& c, std::string text);
  /// Runs until idle, picking the next actor at random from the ready ones.
  void run_shuffled(std::mt19937& rng);
  void run() { sched().run(); }
  /// Advances simulated time and runs what that triggers.
  void advance(std::chrono::milliseconds d);
  void disconnect(const client& c);

  std::size_t subscriber_count(const std::string& topic);
  std::size_t topic_count();
  std::size_t socket_count();

  caf::scheduler::test_coordinator& sched();
  caf::actor_system& system() { return sys_; }
  chorus::runtime& rt() { return *rt_; }

private:
  template <class T>
  T ask(const caf::actor& dest, caf::message msg);

  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  std::unique_ptr<chorus::runtime> rt_;
};

} // namespace chorus::testing
