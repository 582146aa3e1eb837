// @supabase/realtime-js's binary broadcast frames (docs/protocol.md §2.4): kind 3 from
// the client, kind 4 to it, byte for byte as realtime-js 2.x writes and reads them.
#include <catch2/catch.hpp>

#include "hex.hpp"
#include "protocol/frames.hpp"
#include "protocol/v2_binary.hpp"

using namespace chorus::protocol;

TEST_CASE("realtime-js: a kind-3 user broadcast push decodes (channel.send, JSON payload)") {
  // channel.send({type:'broadcast', event:'hello', payload:{msg:'hé'}}), join_ref "6", ref "7"
  auto push = decode_user_broadcast_push(from_hex(
    "03 01 01 13 05 00 01 36 37 7265616c74696d653a726f6f6d3a6c6f626279 68656c6c6f 7b226d7367223a2268c3a9227d"));
  REQUIRE(push.has_value());
  CHECK(push->join_ref == "6");
  CHECK(push->ref == "7");
  CHECK(push->topic == "realtime:room:lobby");
  CHECK(push->broadcast.event == "hello");
  CHECK(push->broadcast.metadata.empty());
  CHECK(push->broadcast.json_payload);
  CHECK(push->broadcast.payload == "{\"msg\":\"h\xc3\xa9\"}");
}

TEST_CASE("realtime-js: raw bytes and metadata in a kind-3 push") {
  auto push = decode_user_broadcast_push(from_hex("03 01 01 03 01 10 00 31 32 72 3a 31 65 7b2270657273697374223a747275657d ff 00 fe"));
  REQUIRE(push.has_value());
  CHECK_FALSE(push->broadcast.json_payload);
  CHECK(push->broadcast.metadata == "{\"persist\":true}");
  CHECK(push->broadcast.payload == from_hex("ff 00 fe"));
}

TEST_CASE("realtime-js: a kind-4 user broadcast encodes as realtime-js decodes it") {
  user_broadcast b{"hello", "", true, "{\"msg\":\"h\xc3\xa9\"}"};
  CHECK(to_hex(*encode_user_broadcast("realtime:room:lobby", b)) ==
        "04 13 05 00 01 72 65 61 6c 74 69 6d 65 3a 72 6f 6f 6d 3a 6c 6f 62 62 79 68 65 6c 6c 6f 7b 22 6d 73 67 22 3a 22 68 c3 a9 22 7d");
  user_broadcast raw{"img", "{\"a\":1}", false, from_hex("00 ff")};
  CHECK(to_hex(*encode_user_broadcast("r:1", raw)) == "04 03 03 07 00 72 3a 31 69 6d 67 7b 22 61 22 3a 31 7d 00 ff");
  CHECK_FALSE(encode_user_broadcast(std::string(256, 't'), b).has_value());
}

TEST_CASE("realtime-js: malformed kind-3 frames are refused with the reason") {
  auto reason = [](std::string_view hex) {
    auto r = decode_user_broadcast_push(from_hex(hex));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == error_kind::bad_binary_frame);
    return r.error().detail;
  };
  CHECK_THAT(reason(""), Catch::Contains("kind must be 3"));
  CHECK_THAT(reason("00 01 01 01 01 00 01"), Catch::Contains("kind must be 3"));
  CHECK_THAT(reason("03 01 01"), Catch::Contains("truncated"));
  CHECK_THAT(reason("03 00 00 01 01 00 02 72 65"), Catch::Contains("encoding byte"));
  CHECK_THAT(reason("03 00 00 05 01 00 01 72"), Catch::Contains("past the end"));
  CHECK_THAT(reason("03 00 00 01 01 00 01 ff 65 7b 7d"), Catch::Contains("UTF-8"));
  CHECK_THAT(reason("03 00 00 01 01 00 01 72 65 7b"), Catch::Contains("payload is not JSON"));
  CHECK_THAT(reason("03 00 00 01 01 01 01 72 65 7b 7b 7d"), Catch::Contains("metadata is not JSON"));
  // A depth bomb in the payload is refused while parsing (max_json_depth).
  std::string bomb = from_hex("03 00 00 01 01 00 01 72 65") + std::string(1000, '[') + std::string(1000, ']');
  auto deep = decode_user_broadcast_push(bomb);
  REQUIRE_FALSE(deep.has_value());
  CHECK_THAT(deep.error().detail, Catch::Contains("payload is not JSON"));
}

TEST_CASE("realtime-js: a kind-3 frame reaches the channel as its JSON form, event \"broadcast\"") {
  auto frame = from_hex("03 01 01 03 05 10 01 36 37 72 3a 31 68 65 6c 6c 6f 7b2270657273697374223a747275657d 7b226e223a317d");
  auto msg = decode_frame(serializer::v2, true, frame);
  REQUIRE(msg.has_value());
  CHECK(msg->join_ref == "6");
  CHECK(msg->ref == "7");
  CHECK(msg->topic == "r:1");
  CHECK(msg->event == "broadcast");
  CHECK(std::get<json>(msg->body) ==
        json{{"type", "broadcast"}, {"event", "hello"}, {"payload", {{"n", 1}}}, {"meta", {{"persist", true}}}});
  CHECK_FALSE(validate_inbound(*msg));
  // raw bytes: a binary body (the channel decides what to do with it)
  auto raw = decode_frame(serializer::v2, true, from_hex("03 00 00 01 01 00 00 72 65 ff 00"));  // topic "r", event "e"
  REQUIRE(raw.has_value());
  CHECK(std::get<binary>(raw->body).bytes == from_hex("ff 00"));
  CHECK(std::get<binary>(raw->body).user_event == "e");
  // V1 connections carry no binary frames at all
  CHECK_FALSE(decode_frame(serializer::v1, true, frame).has_value());
}

TEST_CASE("realtime-js: a raw user broadcast goes out as kind 4 to V2, never as kind 2, and not to V1") {
  binary raw{from_hex("01 02 03"), "bin"};
  auto v2 = encode_broadcast(serializer::v2, "r:1", "broadcast", raw);
  REQUIRE(v2.has_value());
  CHECK(v2->binary);
  CHECK(to_hex(v2->body()) == "04 03 03 00 00 72 3a 31 62 69 6e 01 02 03");
  auto v1 = encode_broadcast(serializer::v1, "r:1", "broadcast", raw);
  REQUIRE_FALSE(v1.has_value());
  CHECK(v1.error().kind == error_kind::binary_not_supported);
  // a plain Phoenix binary payload is still kind 2
  CHECK(to_hex(encode_broadcast(serializer::v2, "r:1", "img", binary{from_hex("07")})->body()) == "02 03 03 72 3a 31 69 6d 67 07");
}
