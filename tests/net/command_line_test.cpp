// parse_command_line: every server built on chorus gets the same flags and --help.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "net/command_line.hpp"

using namespace chorus;

namespace {
command_line parse(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> dirs = {}) {
  std::vector<char*> argv{const_cast<char*>("app")};
  for (auto& a : args) argv.push_back(a.data());
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), "app", std::move(dirs));
}
} // namespace

TEST_CASE("flags set server options and channel limits, as `--flag value` or `--flag=value`") {
  auto cl = parse({"--port", "0", "--host=0.0.0.0", "--max-topics", "1024", "--max-json-depth=32",
                   "--slow-consumer", "drop", "--scheduler", "stealing", "--sched-batch", "off",
                   "--socket-actors", "workers",
                   "--drain-interval-ms", "75", "--rate-limit", "2.5", "--check-origin", "https://a.example,//*.b.example"});
  REQUIRE_FALSE(cl.exit_code);
  CHECK(cl.options.port == 0);
  CHECK(cl.options.host == "0.0.0.0");
  CHECK(cl.channels.max_topics == 1024);
  CHECK(cl.channels.max_json_depth == 32);
  CHECK(cl.options.on_slow_consumer == server_options::slow_consumer_policy::drop);
  CHECK(cl.options.scheduler == server_options::scheduler_policy::stealing);
  CHECK_FALSE(cl.options.sched_batch);
  CHECK(cl.options.socket_actors == server_options::socket_actor_placement::workers);
  CHECK(parse({}).options.socket_actors == server_options::socket_actor_placement::io_threads);
  CHECK(cl.options.drain_interval == std::chrono::milliseconds{75});
  CHECK(cl.channels.rate_limit_per_s == 2.5);
  CHECK(cl.options.check_origin == protocol::origin_policy::allow_list);
  CHECK(cl.options.allowed_origins == std::vector<std::string>{"https://a.example", "//*.b.example"});
  CHECK(cl.channels.max_subscribers == 256);  // untouched defaults stay
}

TEST_CASE("static directories get a flag each, named after their URL prefix") {
  auto cl = parse({"--static-vendor", "/srv/js"}, {{"/vendor", "/default/js"}, {"/", "/default/site"}});
  REQUIRE_FALSE(cl.exit_code);
  CHECK(cl.options.static_dirs == std::vector<std::pair<std::string, std::string>>{{"/vendor", "/srv/js"},
                                                                                   {"/", "/default/site"}});
}

TEST_CASE("--help exits 0; unknown flags, missing values and bad values exit 2") {
  CHECK(parse({"--help"}).exit_code == 0);
  CHECK(parse({"--bogus", "1"}).exit_code == 2);
  CHECK(parse({"--port"}).exit_code == 2);
  CHECK(parse({"--port", "80x"}).exit_code == 2);
  CHECK(parse({"--port", "70000"}).exit_code == 2);  // not silently truncated to 4464
  CHECK(parse({"--max-topics", "-5"}).exit_code == 2);
  CHECK(parse({"--slow-consumer", "maybe"}).exit_code == 2);
  CHECK(parse({"--socket-actors", "threads"}).exit_code == 2);
  CHECK(parse({"--rate-limit", "-1"}).exit_code == 2);
}
