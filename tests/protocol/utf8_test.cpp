#include <catch2/catch.hpp>

#include "protocol/utf8.hpp"

using chorus::protocol::is_valid_utf8;

TEST_CASE("UTF-8 validation accepts every well-formed sequence length") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("h\xc3\xa9"));            // é
  CHECK(is_valid_utf8("\xe2\x82\xac"));         // €
  CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));     // 😀
  CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf"));     // U+10FFFF
}

TEST_CASE("UTF-8 validation rejects overlongs, surrogates, truncation and stray bytes") {
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));       // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));   // overlong
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));   // surrogate D800
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));       // truncated
  CHECK_FALSE(is_valid_utf8("\x80"));           // lone continuation
  CHECK_FALSE(is_valid_utf8("\xff"));
}
