// The nesting limit on inbound JSON (protocol/text_parse.hpp): refused while parsing,
// with a reason naming the limit, at any depth up to what a frame can hold.
#include <catch2/catch.hpp>

#include <string>

#include "protocol/frames.hpp"
#include "protocol/protocol_error.hpp"
#include "protocol/v1_serializer.hpp"
#include "protocol/v2_serializer.hpp"

using namespace chorus::protocol;

namespace {

/// A payload object holding `levels` more levels of arrays or objects.
std::string nested(std::size_t levels, bool objects) {
  std::string open = objects ? "{\"a\":" : "[";
  std::string close = objects ? "}" : "]";
  std::string out = "{\"x\":";
  for (std::size_t i = 0; i < levels; ++i) out += open;
  out += "1";
  for (std::size_t i = 0; i < levels; ++i) out += close;
  return out + "}";
}

std::string v2_push(const std::string& payload) { return R"(["1","2","room:x","ping",)" + payload + "]"; }
std::string v1_push(const std::string& payload) {
  return R"({"topic":"room:x","event":"ping","ref":"2","payload":)" + payload + "}";
}

} // namespace

TEST_CASE("a frame at exactly max_json_depth decodes; one level more is too_deep with the limit in the reason") {
  // Envelope (1) + payload object (2) + levels: 126 more levels make 128.
  for (bool objects : {false, true}) {
    INFO((objects ? "objects" : "arrays"));
    auto at_limit = decode_v2(v2_push(nested(126, objects)));
    REQUIRE(at_limit.has_value());
    auto over = decode_v2(v2_push(nested(127, objects)));
    REQUIRE_FALSE(over.has_value());
    CHECK(over.error().kind == error_kind::too_deep);
    CHECK(over.error().detail == "JSON nests deeper than 128 levels (max_json_depth)");
    CHECK(close_code_for(over.error().kind) == 1007);
    CHECK(decode_v1(v1_push(nested(126, objects))).has_value());
    CHECK(decode_v1(v1_push(nested(127, objects))).error().kind == error_kind::too_deep);
  }
}

TEST_CASE("the limit is a parameter, and decode_frame passes it on") {
  auto frame = v2_push(nested(8, false));  // 10 levels in all
  CHECK(decode_frame(serializer::v2, false, frame, 10).has_value());
  auto refused = decode_frame(serializer::v2, false, frame, 9);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().detail == "JSON nests deeper than 9 levels (max_json_depth)");
  CHECK(decode_frame(serializer::v1, false, v1_push(nested(8, true)), 9).error().kind == error_kind::too_deep);
}

TEST_CASE("depth bombs of 10^5 and 5*10^5 levels are refused without recursion, also unterminated") {
  for (std::size_t levels : {100'000u, 500'000u}) {
    for (bool objects : {false, true}) {
      INFO(levels << (objects ? " objects" : " arrays"));
      auto v2 = decode_v2(v2_push(nested(levels, objects)));
      REQUIRE_FALSE(v2.has_value());
      CHECK(v2.error().kind == error_kind::too_deep);
      auto v1 = decode_v1(v1_push(nested(levels, objects)));
      REQUIRE_FALSE(v1.has_value());
      CHECK(v1.error().kind == error_kind::too_deep);
      // Only opening brackets: refused at level 129, long before the missing end.
      CHECK(decode_v2(std::string(levels, '[')).error().kind == error_kind::too_deep);
    }
  }
}

TEST_CASE("depth counts nesting, not size: wide and long documents are fine") {
  std::string wide = "{";
  for (int i = 0; i < 10'000; ++i) wide += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":[[1]]";
  wide += "}";
  CHECK(decode_v2(v2_push(wide)).has_value());
  CHECK(decode_v2(v2_push("{\"s\":\"" + std::string(500'000, '[') + "\"}")).has_value());  // brackets in a string
  // Invalid JSON below the limit stays invalid_json.
  CHECK(decode_v2(v2_push("{\"a\":[[[1]]")).error().kind == error_kind::invalid_json);
}
