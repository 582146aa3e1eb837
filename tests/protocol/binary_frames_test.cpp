#include <catch2/catch.hpp>

#include "hex.hpp"
#include "protocol/frames.hpp"
#include "protocol/v2_binary.hpp"

using namespace chorus::protocol;

TEST_CASE("a client binary push decodes as in docs/protocol.md §2.3") {
  auto msg = decode_binary(from_hex("00 01 01 06 02 31 32 72 6f 6f 6d 3a 31 75 70 de ad be ef"));
  REQUIRE(msg.has_value());
  CHECK(msg->join_ref == "1");
  CHECK(msg->ref == "2");
  CHECK(msg->topic == "room:1");
  CHECK(msg->event == "up");
  CHECK(std::get<binary>(msg->body).bytes == from_hex("de ad be ef"));
}

TEST_CASE("empty join_ref and ref in a binary push decode as null") {
  auto msg = decode_binary(from_hex("00 00 00 01 01 74 65"));
  REQUIRE(msg.has_value());
  CHECK(msg->join_ref.is_null());
  CHECK(msg->ref.is_null());
  CHECK(std::get<binary>(msg->body).bytes.empty());
}

TEST_CASE("server binary push, reply and broadcast match docs/protocol.md §2.3 byte for byte") {
  CHECK(to_hex(*encode_binary_push("1", "room:1", "hi", from_hex("010203"))) ==
        "00 01 06 02 31 72 6f 6f 6d 3a 31 68 69 01 02 03");
  CHECK(to_hex(*encode_binary_reply("1", "2", "room:1", "ok", from_hex("0909"))) ==
        "01 01 01 06 02 31 32 72 6f 6f 6d 3a 31 6f 6b 09 09");
  CHECK(to_hex(*encode_binary_broadcast("room:1", "img", from_hex("07"))) ==
        "02 06 03 72 6f 6f 6d 3a 31 69 6d 67 07");
}

TEST_CASE("the generic builders pick binary frames for byte payloads on V2") {
  auto reply = encode_reply(serializer::v2, "1", "2", "room:1", "ok", binary{from_hex("0909")});
  REQUIRE(reply.has_value());
  CHECK(reply->binary);
  CHECK(to_hex(reply->body()) == "01 01 01 06 02 31 32 72 6f 6f 6d 3a 31 6f 6b 09 09");
  auto push = encode_push(serializer::v2, "1", "room:1", "hi", binary{from_hex("010203")});
  CHECK(to_hex(push->body()) == "00 01 06 02 31 72 6f 6f 6d 3a 31 68 69 01 02 03");
  auto bcast = encode_broadcast(serializer::v2, "room:1", "img", binary{from_hex("07")});
  CHECK(to_hex(bcast->body()) == "02 06 03 72 6f 6f 6d 3a 31 69 6d 67 07");
}

TEST_CASE("binary payloads reach V1 connections as base64 text") {
  auto bcast = encode_broadcast(serializer::v1, "room:1", "img", binary{from_hex("07 08")});
  REQUIRE(bcast.has_value());
  CHECK_FALSE(bcast->binary);
  CHECK(bcast->body() == R"({"event":"img","payload":{"binary":"Bwg="},"ref":null,"topic":"room:1"})");
  auto reply = encode_reply(serializer::v1, "1", "2", "room:1", "ok", binary{"\x09"});
  CHECK(reply->body() ==
        R"({"event":"phx_reply","payload":{"response":{"binary":"CQ=="},"status":"ok"},"ref":"2","topic":"room:1"})");
}

TEST_CASE("binary decode errors are specific") {
  auto kind_of = [](std::string_view hex) { return decode_binary(from_hex(hex)).error(); };
  CHECK(kind_of("").kind == error_kind::bad_binary_frame);
  CHECK(kind_of("").detail == "empty binary frame");
  CHECK(kind_of("01 01 01 06 02 31 32").detail == "binary frame kind must be 0 (push), got 1");
  CHECK(kind_of("02 00").detail == "binary frame kind must be 0 (push), got 2");
  CHECK(kind_of("00 01 01").detail == "binary frame header is truncated");
  CHECK(kind_of("00 01 01 06 02 31 32 72").detail == "binary frame field runs past the end");
  CHECK(kind_of("00 00 00 01 01 ff 65").detail == "binary frame field is not valid UTF-8");
  CHECK(close_code_for(error_kind::bad_binary_frame) == 1007);
}

TEST_CASE("fields over 255 bytes cannot be encoded into a binary frame") {
  auto r = encode_binary_broadcast(std::string(256, 't'), "e", "x");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().detail == "binary frame field longer than 255 bytes");
  CHECK(encode_binary_broadcast(std::string(255, 't'), "e", "x").has_value());
}

TEST_CASE("binary frames on a V1 connection are refused with close 1003") {
  auto r = decode_frame(serializer::v1, true, from_hex("00 00 00 01 01 74 65"));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == error_kind::binary_not_supported);
  CHECK(close_code_for(r.error().kind) == 1003);
}
