// The operator log: its three formats, escaping of hostile text, and the rate limit.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "actors/log.hpp"

using namespace chorus;

namespace {

/// Runs fn with stderr redirected to a temporary file; returns what was written.
template <class F>
std::string capture_stderr(F fn) {
  std::fflush(stderr);
  char path[] = "/tmp/chorus_log_testXXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  int saved = ::dup(2);
  ::dup2(fd, 2);
  fn();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fd);
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  ::unlink(path);
  return text.str();
}

const log_field peer_fields[] = {{"peer", "127.0.0.1:5000"}, {"conn", std::uint64_t{17}}};

} // namespace

TEST_CASE("text lines keep the readable form and append the fields", "[log]") {
  auto line = format_log_line(log_format::text, "T", log_level::warn, "net", "slow consumer", peer_fields);
  CHECK(line == "T warn [net] slow consumer peer=127.0.0.1:5000 conn=17");
}

TEST_CASE("logfmt quotes what needs quoting", "[log]") {
  const log_field fields[] = {{"topic", "room:a b"}, {"reason", "say \"hi\"\n"}, {"empty", ""}};
  auto line = format_log_line(log_format::logfmt, "T", log_level::info, "socket", "bad=frame", fields);
  CHECK(line == R"(ts=T level=info component=socket msg="bad=frame" topic="room:a b" reason="say \"hi\"\n" empty="")");
}

TEST_CASE("json lines parse, keep numbers as numbers and survive invalid UTF-8", "[log]") {
  const log_field fields[] = {{"peer", "::1"}, {"conn", std::uint64_t{3}}, {"topic", std::string{"r\xff\"x"}}};
  auto line = format_log_line(log_format::json, "T", log_level::error, "net", "line\nbreak", fields);
  auto j = nlohmann::json::parse(line);
  CHECK(j["ts"] == "T");
  CHECK(j["level"] == "error");
  CHECK(j["component"] == "net");
  CHECK(j["msg"] == "line\nbreak");
  CHECK(j["conn"] == 3);
  CHECK(j["peer"] == "::1");
  CHECK(j["topic"] == "r\xEF\xBF\xBD\"x");  // U+FFFD for the bad byte
}

TEST_CASE("names of levels and formats", "[log]") {
  CHECK(parse_log_level("warn") == log_level::warn);
  CHECK_FALSE(parse_log_level("loud"));
  CHECK(parse_log_format("logfmt") == log_format::logfmt);
  CHECK_FALSE(parse_log_format("xml"));
}

TEST_CASE("a flood is cut to the rate per component, counted, and reported on the next line", "[log]") {
  set_log_level(log_level::info);  // (other tests in this binary quieten the log)
  set_log_format(log_format::logfmt);
  set_log_rate(5);  // a bucket of 5 lines; refills at 5/s
  auto before = log_lines_suppressed();
  auto out = capture_stderr([] {
    for (int i = 0; i < 50; ++i) log_line(log_level::warn, "flood", "bad client", {{"n", i}});
    log_line(log_level::warn, "other", "another component has its own bucket");
    log_line(log_level::error, "flood", "errors are never dropped");
  });
  CHECK(log_lines_suppressed() - before == 45);
  std::istringstream lines{out};
  std::string line;
  int flood = 0, other = 0, errors = 0;
  while (std::getline(lines, line)) {
    if (line.find("msg=\"bad client\"") != std::string::npos) ++flood;
    if (line.find("component=other") != std::string::npos) ++other;
    if (line.find("level=error") != std::string::npos) {
      ++errors;
      CHECK(line.find("suppressed") == std::string::npos);  // errors bypass the bucket
    }
  }
  CHECK(flood == 5);
  CHECK(other == 1);
  CHECK(errors == 1);
  // After a refill, the next admitted line of that component says how many were lost.
  usleep(250'000);
  auto later = capture_stderr([] { log_line(log_level::warn, "flood", "calm again"); });
  CHECK(later.find("suppressed=45") != std::string::npos);
  set_log_rate(100);
  set_log_format(log_format::text);
  set_log_level(log_level::error);
}
