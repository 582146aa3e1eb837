#include <catch2/catch.hpp>

#include "protocol/topic_pattern.hpp"

using namespace chorus::protocol;

TEST_CASE("an exact pattern matches only its topic") {
  topic_pattern p{"room:lobby"};
  CHECK(p.matches("room:lobby"));
  CHECK_FALSE(p.matches("room:lobby2"));
  CHECK_FALSE(p.matches("room:"));
  CHECK_FALSE(p.is_wildcard());
}

TEST_CASE("a prefix pattern matches the prefix itself and everything after it") {
  topic_pattern p{"room:*"};
  CHECK(p.matches("room:lobby"));
  CHECK(p.matches("room:"));
  CHECK_FALSE(p.matches("room"));
  CHECK_FALSE(p.matches("rooms:1"));
  topic_pattern copy = p;  // copies stay valid (no views into the original)
  CHECK(copy.matches("room:x"));
}

TEST_CASE("'*' is only valid as the last character") {
  CHECK(is_valid_topic_pattern("room:*"));
  CHECK(is_valid_topic_pattern("*"));
  CHECK(is_valid_topic_pattern("lobby"));
  CHECK_FALSE(is_valid_topic_pattern("room:*:x"));
  CHECK_FALSE(is_valid_topic_pattern("**"));
}
