// The counter app's channel tested deterministically with chorus::testing: simulated
// time drives the app actor's ticks; no sockets, no sleeps. A plain main (the app may
// use any test framework): a failed expectation throws, and the exit code says so.
#include <cstdio>
#include <exception>

#include "counter.hpp"
#include "testing/channel_test.hpp"

using namespace std::chrono_literals;

#define EXPECT(cond)                                                  \
  do {                                                                \
    if (!(cond)) throw chorus::testing::expectation_failed(#cond);    \
  } while (false)

int main() {
  try {
    chorus::testing::channel_test t;
    auto app = t.system().spawn(counter_app::counter, t.bus());
    t.add_channel(counter_app::counter_channel(app));
    auto client = t.connect();
    EXPECT(client.join("counter:main").status == "ok");
    t.advance(100ms);
    t.advance(100ms);
    t.advance(100ms);
    EXPECT(client.expect_broadcast("counter:main", "tick") == chorus::json({{"count", 1}}));
    EXPECT(client.expect_broadcast("counter:main", "tick") == chorus::json({{"count", 2}}));
    EXPECT(client.expect_broadcast("counter:main", "tick") == chorus::json({{"count", 3}}));
    auto reply = client.push("counter:main", "reset");
    EXPECT(reply.status == "ok");
    EXPECT(reply.response == chorus::json({{"was", 3}}));
    t.advance(100ms);
    EXPECT(client.expect_broadcast("counter:main", "tick") == chorus::json({{"count", 1}}));
    client.expect_no_message();
    caf::anon_send_exit(app, caf::exit_reason::user_shutdown);
    t.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "counter_test FAILED: %s\n", e.what());
    return 1;
  }
  std::puts("counter_test passed");
  return 0;
}
