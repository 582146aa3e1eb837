#include <catch2/catch.hpp>

#include "protocol/frames.hpp"
#include "protocol/json_text.hpp"
#include "protocol/v1_serializer.hpp"
#include "protocol/v2_serializer.hpp"

using namespace chorus::protocol;

TEST_CASE("V2 client frames from docs/protocol.md §2.1 decode field by field") {
  auto join = decode_v2(R"(["3","3","room:lobby","phx_join",{"token":"abc"}])");
  REQUIRE(join.has_value());
  CHECK(join->join_ref == "3");
  CHECK(join->ref == "3");
  CHECK(join->topic == "room:lobby");
  CHECK(join->event == "phx_join");
  CHECK(std::get<json>(join->body) == json{{"token", "abc"}});

  auto beat = decode_v2(R"([null,"5","phoenix","heartbeat",{}])");
  REQUIRE(beat.has_value());
  CHECK(beat->join_ref.is_null());
  CHECK(beat->topic == "phoenix");
}

TEST_CASE("V2 server frames from docs/protocol.md §2.1 encode exactly") {
  CHECK(encode_reply(serializer::v2, "3", "3", "room:lobby", "ok", json::object())->body() ==
        R"(["3","3","room:lobby","phx_reply",{"response":{},"status":"ok"}])");
  CHECK(encode_reply(serializer::v2, "3", "4", "room:lobby", "ok", json{{"id", 9}})->body() ==
        R"(["3","4","room:lobby","phx_reply",{"response":{"id":9},"status":"ok"}])");
  CHECK(encode_push(serializer::v2, "3", "room:lobby", "presence_state", json::object())->body() ==
        R"(["3",null,"room:lobby","presence_state",{}])");
  CHECK(encode_broadcast(serializer::v2, "room:lobby", "new_msg", json{{"body", "hi"}})->body() ==
        R"([null,null,"room:lobby","new_msg",{"body":"hi"}])");
  CHECK(encode_reply(serializer::v2, nullptr, "5", "phoenix", "ok", json::object())->body() ==
        R"([null,"5","phoenix","phx_reply",{"response":{},"status":"ok"}])");
}

TEST_CASE("V1 frames from docs/protocol.md §2.2: four keys, alphabetical, never join_ref") {
  auto join = decode_v1(R"({"topic":"room:lobby","event":"phx_join","payload":{},"ref":"1","join_ref":"1"})");
  REQUIRE(join.has_value());
  CHECK(join->join_ref == "1");
  CHECK(join->ref == "1");
  CHECK(join->event == "phx_join");
  CHECK(encode_reply(serializer::v1, "1", "1", "room:lobby", "ok", json::object())->body() ==
        R"({"event":"phx_reply","payload":{"response":{},"status":"ok"},"ref":"1","topic":"room:lobby"})");
  CHECK(encode_broadcast(serializer::v1, "room:lobby", "new_msg", json{{"body", "hi"}})->body() ==
        R"({"event":"new_msg","payload":{"body":"hi"},"ref":null,"topic":"room:lobby"})");
  CHECK(encode_push(serializer::v1, "1", "room:lobby", "n", json::object())->body() ==
        R"({"event":"n","payload":{},"ref":null,"topic":"room:lobby"})");
}

TEST_CASE("V1 without join_ref decodes with a null join_ref") {
  auto msg = decode_v1(R"({"topic":"t","event":"e","payload":{},"ref":null})");
  REQUIRE(msg.has_value());
  CHECK(msg->join_ref.is_null());
  CHECK(msg->ref.is_null());
}

TEST_CASE("phx_close and phx_error carry the join_ref as ref") {
  CHECK(encode_close(serializer::v2, "3", "room:lobby").body() == R"(["3","3","room:lobby","phx_close",{}])");
  CHECK(encode_error(serializer::v2, "3", "room:lobby").body() ==
        R"(["3","3","room:lobby","phx_error",{"reason":"channel_crash"}])");
  CHECK(encode_close(serializer::v1, nullptr, "t").body() == R"({"event":"phx_close","payload":{},"ref":null,"topic":"t"})");
}

TEST_CASE("output is compact with raw UTF-8 and never throws on invalid app strings") {
  CHECK(encode_broadcast(serializer::v2, "t", "e", json{{"m", "h\xc3\xa9"}})->body() ==
        "[null,null,\"t\",\"e\",{\"m\":\"h\xc3\xa9\"}]");
  CHECK(encode_broadcast(serializer::v2, "t", "e", json{{"m", "\xff"}})->body() ==
        "[null,null,\"t\",\"e\",{\"m\":\"\xef\xbf\xbd\"}]");
}

TEST_CASE("refs echo their JSON type") {
  auto msg = decode_v2(R"([7,8,"t","e",{}])");
  REQUIRE(msg.has_value());
  CHECK(encode_reply(serializer::v2, msg->join_ref, msg->ref, "t", "ok", json::object())->body() ==
        R"([7,8,"t","phx_reply",{"response":{},"status":"ok"}])");
}

TEST_CASE("both serializers round-trip a message") {
  message original{"3", "4", "room:lobby", "new_msg", json{{"body", "hi"}, {"n", 1}}};
  auto v2 = decode_v2(encode_v2(original));
  REQUIRE(v2.has_value());
  CHECK(*v2 == original);
  auto v1 = decode_v1(encode_v1(original));
  REQUIRE(v1.has_value());
  message without_join_ref = original;
  without_join_ref.join_ref = nullptr;  // V1 output never carries join_ref
  CHECK(*v1 == without_join_ref);
}

TEST_CASE("V2 extra elements are ignored, as in Phoenix") {
  auto msg = decode_v2(R"(["1","2","t","e",{},"extra"])");
  REQUIRE(msg.has_value());
  CHECK(msg->event == "e");
}

TEST_CASE("every text decode error kind is specific and closes with 1007") {
  struct row { serializer ser; std::string text; error_kind kind; std::string detail; };
  std::vector<row> rows{
    {serializer::v2, "not json", error_kind::invalid_json, "text frame is not valid JSON"},
    {serializer::v2, "[\"\xff\"]", error_kind::invalid_utf8, "text frame is not valid UTF-8"},
    {serializer::v2, R"({"topic":"t"})", error_kind::wrong_shape, "V2 message must be a JSON array"},
    {serializer::v2, R"(["1","2","t","e"])", error_kind::wrong_shape, "V2 message must have 5 elements"},
    {serializer::v2, R"(["1","2",5,"e",{}])", error_kind::bad_field_type, "topic must be a string"},
    {serializer::v2, R"(["1","2","t",null,{}])", error_kind::bad_field_type, "event must be a string"},
    {serializer::v2, R"([{},"2","t","e",{}])", error_kind::bad_field_type, "join_ref must be a string or null"},
    {serializer::v2, R"(["1",[],"t","e",{}])", error_kind::bad_field_type, "ref must be a string or null"},
    {serializer::v1, R"(["1","2","t","e",{}])", error_kind::wrong_shape, "V1 message must be a JSON object"},
    {serializer::v1, R"({"topic":"t","event":"e","payload":{}})", error_kind::wrong_shape, "V1 message is missing \"ref\""},
  };
  for (auto& r : rows) {
    INFO(r.text);
    auto res = decode_frame(r.ser, false, r.text);
    REQUIRE_FALSE(res.has_value());
    CHECK(res.error().kind == r.kind);
    CHECK(res.error().detail == r.detail);
    CHECK(close_code_for(r.kind) == 1007);
  }
}

TEST_CASE("a non-object push payload is a reply-level error, not a close") {
  auto msg = decode_v2(R"(["1","2","t","e",[1,2]])");
  REQUIRE(msg.has_value());
  auto err = validate_inbound(*msg);
  REQUIRE(err.has_value());
  CHECK(err->kind == error_kind::bad_payload);
  CHECK(err->detail == "payload must be a JSON object");
  CHECK(close_code_for(err->kind) == 0);
  CHECK_FALSE(validate_inbound(*decode_v2(R"(["1","2","t","e",{}])")).has_value());
}

TEST_CASE("strings are escaped exactly as nlohmann/Phoenix write them") {
  for (std::string s : {std::string{"plain"}, std::string{"q\"b\\s"}, std::string{"\n\r\t\b\f"},
                        std::string{"\x01\x1f"}, std::string{"h\xc3\xa9 \xf0\x9f\x98\x80"}, std::string{""}}) {
    INFO(s);
    std::string ours;
    append_json_string(ours, s);
    CHECK(ours == json(s).dump());
  }
}
