#pragma once
// chorus::testing — deterministic tests of your own channels, in the spirit of Phoenix's
// ChannelTest: no sockets, no threads, no sleeps. The fixture runs chorus's actors (and
// yours) on CAF's test scheduler with simulated time; clients speak V2 frames to it.
//
//   chorus::testing::channel_test t{config};
//   auto alice = t.connect({{"user", "alice"}});
//   CHECK(alice.join("room:lobby").status == "ok");
//   CHECK(alice.push("room:lobby", "ping", {{"n", 1}}).response == json{{"n", 1}});
//   alice.push("room:lobby", "new_msg", {{"body", "hi"}});
//   alice.expect_broadcast("room:lobby", "new_msg");
//   t.advance(std::chrono::seconds{61});            // heartbeat expiry, your timers
//   CHECK(alice.closed()->first == 1001);
//
// Expectations that fail throw chorus::testing::expectation_failed (any test framework
// reports the exception with its message).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/channel_config.hpp"
#include "actors/pubsub.hpp"
#include "actors/runtime.hpp"
#include "protocol/message.hpp"
#include "testing/fake_connection.hpp"

namespace chorus::testing {

struct expectation_failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A phx_reply: its status ("ok", "error", …) and response.
struct reply {
  std::string status;
  json response;
};

class channel_test;

/// One simulated connection (V2 serializer).
class test_client {
public:
  bool accepted() const noexcept { return accepted_; }
  unsigned http_status() const noexcept { return http_status_; }

  /// Joins `topic` and returns the join's reply (a joined channel also gets the frames
  /// pushed in its join callback; read them with next/expect_push).
  reply join(const std::string& topic, json payload = json::object());
  void leave(const std::string& topic);
  /// Pushes an event on a joined topic and returns the reply; throws if none came (a
  /// handler that does not reply: use send()).
  reply push(const std::string& topic, const std::string& event, json payload = json::object());
  /// Sends a frame and runs the actors, without waiting for a reply.
  void send(const std::string& topic, const std::string& event, json payload = json::object());

  /// The next frame this client got, decoded, or nothing. A binary frame comes back as
  /// event "binary" with the whole frame as a binary body (check it via connection()).
  std::optional<protocol::message> next();
  /// The next frame must be a push (join_ref set, ref null) of `event` on `topic`.
  json expect_push(const std::string& topic, const std::string& event);
  /// The next frame must be a broadcast (both refs null) of `event` on `topic`.
  json expect_broadcast(const std::string& topic, const std::string& event);
  /// No frame is waiting (run the actors first: the fixture's calls do).
  void expect_no_message();
  /// The close code and reason, once the server closed this connection.
  std::optional<std::pair<std::uint16_t, std::string>> closed() const { return conn_->closed(); }
  /// The socket actor (to monitor it, or to send your own messages).
  const caf::actor& actor() const noexcept { return actor_; }
  /// The raw frames, for byte-exact checks.
  fake_connection& connection() noexcept { return *conn_; }

private:
  friend class channel_test;
  reply await_reply(const std::string& ref, const std::string& what);
  std::string send_frame(const std::string& topic, const std::string& event, const json& payload,
                         const json& join_ref);

  channel_test* fixture_ = nullptr;
  std::shared_ptr<fake_connection> conn_;
  caf::actor actor_;
  bool accepted_ = false;
  unsigned http_status_ = 0;
  std::uint64_t next_ref_ = 1;
  std::map<std::string, std::string, std::less<>> join_refs_;  // topic → join_ref
  std::vector<protocol::message> pending_;                      // read but not yet consumed
};

/// The fixture: an actor system on CAF's test scheduler, a chorus runtime, clients.
class channel_test {
public:
  explicit channel_test(channel_config config = {});
  ~channel_test();  // closes every client and stops chorus's actors (and runs what is left)
  channel_test(const channel_test&) = delete;
  channel_test& operator=(const channel_test&) = delete;

  /// Before the first connect: a channel that uses actors spawned on system() after the
  /// fixture exists (as chorus::server::add_channel).
  void add_channel(channel_def def) { rt_->add_channel(std::move(def)); }

  /// Opens a connection with these connect params (the connect callback runs).
  test_client connect(json params = json::object(), std::optional<std::string> auth_token = std::nullopt);

  /// Lower level, for raw-frame tests: opens a socket actor over `conn` in any
  /// serializer and runs the connect callback.
  struct opened {
    caf::actor actor;
    bool accepted = false;
    unsigned http_status = 0;
  };
  opened open(std::shared_ptr<fake_connection> conn, connect_info info, protocol::serializer ser);
  /// The transport of `c` goes away (leave callbacks run).
  void disconnect(test_client& c);

  /// Runs every actor until nothing is left to do.
  void run();
  /// Moves simulated time forward (timers fire, heartbeat expiry runs) and runs.
  void advance(std::chrono::milliseconds d);

  caf::actor_system& system() noexcept { return sys_; }
  pubsub bus() const { return rt_->bus(); }
  chorus::runtime& runtime() noexcept { return *rt_; }
  caf::scheduler::test_coordinator& scheduler();

private:
  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  std::unique_ptr<chorus::runtime> rt_;
};

} // namespace chorus::testing
