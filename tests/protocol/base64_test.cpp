#include <catch2/catch.hpp>

#include "protocol/base64.hpp"

using namespace chorus::protocol;

TEST_CASE("base64 round-trips every length and accepts missing padding and URL-safe digits") {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\xfe\x00\x01"}) {
    auto enc = base64_encode(s);
    CHECK(base64_decode(enc) == s);
    auto unpadded = enc.substr(0, enc.find('='));
    CHECK(base64_decode(unpadded) == s);
  }
  CHECK(base64_encode("my token") == "bXkgdG9rZW4=");
  CHECK(base64_decode("-_8") == base64_decode("+/8"));
  CHECK_FALSE(base64_decode("ab$d").has_value());
  CHECK_FALSE(base64_decode("abcde").has_value());
}
