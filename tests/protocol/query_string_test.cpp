#include <catch2/catch.hpp>

#include "protocol/query_string.hpp"

using namespace chorus::protocol;

TEST_CASE("phoenix.js's query string from docs/protocol.md §1 decodes into nested params") {
  auto p = parse_query("token=a%20b%26c&user%5Bid%5D=1&user%5Btags%5D%5B0%5D=x&vsn=2.0.0");
  REQUIRE(p.has_value());
  CHECK(*p == json{{"token", "a b&c"}, {"user", {{"id", "1"}, {"tags", json::array({"x"})}}}, {"vsn", "2.0.0"}});
}

TEST_CASE("plus is a space, empty pairs are skipped, a key without '=' is empty") {
  auto p = parse_query("a=b+c&&flag&x=");
  REQUIRE(p.has_value());
  CHECK(*p == json{{"a", "b c"}, {"flag", ""}, {"x", ""}});
}

TEST_CASE("a[] appends and non-contiguous indices stay an object") {
  CHECK(*parse_query("a[]=1&a[]=2") == json{{"a", {"1", "2"}}});
  CHECK(*parse_query("a[0]=x&a[2]=y") == json{{"a", {{"0", "x"}, {"2", "y"}}}});
  CHECK(*parse_query("a[b=1") == json{{"a[b", "1"}});
}

TEST_CASE("malformed or hostile query strings are refused with a reason") {
  CHECK(parse_query("a=%zz").error().detail == "malformed percent-encoding in query string");
  CHECK(parse_query("a=%4").error().detail == "malformed percent-encoding in query string");
  CHECK(parse_query("a=%ff").error().detail == "query string is not valid UTF-8");
  CHECK(parse_query("a[b][c]=1", {256, 1}).error().detail == "query parameter nested too deeply");
  std::string many;
  for (int i = 0; i < 300; ++i) many += "k" + std::to_string(i) + "=1&";
  auto r = parse_query(many);
  CHECK(r.error().detail == "too many query parameters");
  CHECK(http_status_for(r.error().kind) == 400);
}
