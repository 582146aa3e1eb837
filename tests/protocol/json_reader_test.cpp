// chorus's JSON reader (protocol/json_reader.hpp) and writer (protocol/json_text.hpp): the
// documents and bytes nlohmann would produce, on the cases where a hand-written reader
// usually goes wrong. tests/fuzz/fuzz_json_reader.cpp compares them on arbitrary input.
#include <catch2/catch.hpp>

#include <string>

#include "protocol/json_reader.hpp"
#include "protocol/json_text.hpp"

using chorus::protocol::detail::json_read_status;
using chorus::protocol::detail::read_json;
using json = nlohmann::json;

namespace {

json_read_status status_of(std::string_view text, std::size_t max_depth = 128) {
  json out;
  return read_json(text, max_depth, out);
}

json read(std::string_view text) {
  json out;
  REQUIRE(read_json(text, 128, out) == json_read_status::ok);
  return out;
}

std::string written(const json& value) {
  std::string out;
  chorus::protocol::append_json(out, value);
  return out;
}

} // namespace

TEST_CASE("numbers get nlohmann's types: unsigned, integer when negative, float otherwise", "[json_reader]") {
  CHECK(read("0").is_number_unsigned());
  CHECK(read("-0").is_number_integer());
  CHECK(read("123456789012345678").get<std::uint64_t>() == 123456789012345678u);
  CHECK(read("18446744073709551615").get<std::uint64_t>() == 18446744073709551615u);
  CHECK(read("18446744073709551616").is_number_float());  // one past: a double, as nlohmann
  CHECK(read("-9223372036854775808").get<std::int64_t>() == INT64_MIN);
  CHECK(read("-9223372036854775809").is_number_float());
  CHECK(read("1.5e-3").get<double>() == 1.5e-3);
  CHECK(read("1E+2").is_number_float());
  CHECK(read("-0.0").is_number_float());
  for (auto bad : {"01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "1e400", "-1e400", "NaN", "Infinity"}) {
    INFO(bad);
    CHECK(status_of(bad) == json_read_status::invalid);
  }
}

TEST_CASE("strings: escapes, surrogate pairs, raw UTF-8; control characters and lone surrogates refused",
          "[json_reader]") {
  CHECK(read(R"("a\/b\b\f\n\r\t\"\\")") == "a/b\b\f\n\r\t\"\\");
  CHECK(read(R"("\u00e9\u20AC")") == "é€");
  CHECK(read(R"("\ud83d\ude00")") == "😀");
  CHECK(read("\"é😀\"") == "é😀");
  CHECK(read(R"("\u0000")").get<std::string>() == std::string(1, '\0'));
  std::string long_plain(70000, 'x');
  CHECK(read("\"" + long_plain + "\"") == long_plain);
  for (auto bad : {R"("\ud83d")", R"("\ude00")", R"("\ud83dx")", R"("\ud83d\u0041")", R"("\u12")", R"("\x")",
                   "\"tab\there\"", "\"unterminated", "\"\\"}) {
    INFO(bad);
    CHECK(status_of(bad) == json_read_status::invalid);
  }
}

TEST_CASE("containers: members in order, the last duplicate wins, whitespace, and nothing after the value",
          "[json_reader]") {
  json doc = read(" { \"b\" : [ 1 , { } , [ ] ] , \"a\" : null , \"a\" : { \"c\" : true } } \r\n\t");
  CHECK(doc == json::parse(R"({"a":{"c":true},"b":[1,{},[]]})"));
  CHECK(read("\xEF\xBB\xBF[1]") == json::array({1}));  // a byte order mark is skipped, as nlohmann does
  for (auto bad : {"", " ", "[1,]", "[,1]", "{,}", R"({"a" 1})", R"({"a":1,})", R"({a:1})", "[1 2]", "[1]]",
                   "{\"a\":1}}", "[1] [2]", "tru", "nulll", "true false", "\xEF\xBB{}", "[1]\x01"}) {
    INFO(bad);
    CHECK(status_of(bad) == json_read_status::invalid);
  }
  // nlohmann stops at a NUL byte and accepts "[1]\0junk"; a raw NUL is never JSON.
  CHECK(status_of(std::string_view{"[1]\0junk", 8}) == json_read_status::invalid);
}

TEST_CASE("the depth limit counts open containers and is met before any later error", "[json_reader]") {
  CHECK(status_of("[[1]]", 2) == json_read_status::ok);
  CHECK(status_of("[[[1]]]", 2) == json_read_status::too_deep);
  CHECK(status_of("[{\"a\":[", 2) == json_read_status::too_deep);
  CHECK(status_of("[}[[[", 2) == json_read_status::invalid);  // the error comes first
  CHECK(status_of("1", 0) == json_read_status::ok);
  CHECK(status_of("[]", 0) == json_read_status::too_deep);
  // No recursion: a million levels cost a vector, not the stack.
  std::string bomb(1'000'000, '[');
  CHECK(status_of(bomb, 2'000'000) == json_read_status::invalid);
  CHECK(status_of(bomb, 128) == json_read_status::too_deep);
}

TEST_CASE("the writer writes nlohmann's compact bytes", "[json_text]") {
  for (auto text : {R"({"a":[1,-2,3.5,true,false,null,"x\n\"y"],"b":{},"c":[],"d":18446744073709551615})",
                    R"([-9223372036854775808,1e+100,0.1,-0.0,"é😀\u0001"])"}) {
    json value = json::parse(text);
    INFO(text);
    CHECK(written(value) == value.dump());
  }
  // App strings that are not UTF-8 become U+FFFD, keys included, rather than throwing.
  json bad = {{"k\xff", "v\xfe"}};
  CHECK(written(bad) == "{\"k\xEF\xBF\xBD\":\"v\xEF\xBF\xBD\"}");
  CHECK(written(json(std::nan(""))) == "null");
}
