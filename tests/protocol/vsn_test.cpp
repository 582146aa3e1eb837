#include <catch2/catch.hpp>

#include "protocol/vsn.hpp"

using namespace chorus::protocol;

TEST_CASE("vsn negotiation follows Phoenix's table") {
  CHECK(*negotiate_vsn(std::nullopt) == serializer::v1);
  CHECK(*negotiate_vsn("1.0.0") == serializer::v1);
  CHECK(*negotiate_vsn("1.0.7") == serializer::v1);
  CHECK(*negotiate_vsn("2.0.0") == serializer::v2);
  CHECK(*negotiate_vsn("2.0.12") == serializer::v2);
  for (const char* bad : {"2.1.0", "3.0.0", "abc", "", "2.0", "2", "1.1.0", "2.0.x", "02.0.0", "2..0"}) {
    INFO(bad);
    auto r = negotiate_vsn(std::string_view{bad});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == error_kind::unsupported_vsn);
    CHECK(http_status_for(r.error().kind) == 403);
  }
  CHECK(negotiate_vsn("3.0.0").error().detail == "unsupported vsn \"3.0.0\"");
}
