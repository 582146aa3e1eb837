#include <catch2/catch.hpp>

#include "protocol/origin.hpp"

using namespace chorus::protocol;

TEST_CASE("an origin splits into scheme, lower-case host and port") {
  auto o = parse_origin("https://Example.com:8443");
  REQUIRE(o.has_value());
  CHECK(o->scheme == "https");
  CHECK(o->host == "example.com");
  CHECK(o->port == "8443");
  CHECK(parse_origin("http://[::1]:4000")->host == "[::1]");
  CHECK_FALSE(parse_origin("null").has_value());
  CHECK_FALSE(parse_origin("example.com").has_value());
}

TEST_CASE("same-host check: no Origin passes, the Host's host must match, ports are not compared") {
  std::vector<std::string> none;
  CHECK(origin_allowed(std::nullopt, "127.0.0.1:4000", origin_policy::same_host, none));
  CHECK(origin_allowed("http://127.0.0.1:4000", "127.0.0.1:4000", origin_policy::same_host, none));
  CHECK(origin_allowed("http://localhost:3000", "LOCALHOST:4000", origin_policy::same_host, none));
  CHECK_FALSE(origin_allowed("http://evil.example", "127.0.0.1:4000", origin_policy::same_host, none));
  CHECK_FALSE(origin_allowed("null", "127.0.0.1:4000", origin_policy::same_host, none));
  CHECK(origin_allowed("http://evil.example", "127.0.0.1:4000", origin_policy::off, none));
}

TEST_CASE("allow-list entries match scheme, host, port and wildcard subdomains") {
  std::vector<std::string> list{"https://app.example.com", "//*.trusted.org", "//localhost:3000"};
  auto ok = [&](const char* o) { return origin_allowed(std::string_view{o}, "ignored", origin_policy::allow_list, list); };
  CHECK(ok("https://app.example.com"));
  CHECK_FALSE(ok("http://app.example.com"));
  CHECK(ok("http://a.trusted.org"));
  CHECK(ok("https://x.y.trusted.org"));
  CHECK_FALSE(ok("https://trusted.org"));
  CHECK_FALSE(ok("https://eviltrusted.org"));
  CHECK(ok("http://localhost:3000"));
  CHECK_FALSE(ok("http://localhost:3001"));
}
