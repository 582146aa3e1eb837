#include <catch2/catch.hpp>

#include "hex.hpp"
#include "protocol/ws_frame_header.hpp"

using namespace chorus::protocol;

TEST_CASE("server frame headers use the shortest length form, unmasked") {
  CHECK(to_hex(make_ws_frame_header(ws_opcode::text, 5).view()) == "81 05");
  CHECK(to_hex(make_ws_frame_header(ws_opcode::binary, 125).view()) == "82 7d");
  CHECK(to_hex(make_ws_frame_header(ws_opcode::text, 126).view()) == "81 7e 00 7e");
  CHECK(to_hex(make_ws_frame_header(ws_opcode::text, 65535).view()) == "81 7e ff ff");
  CHECK(to_hex(make_ws_frame_header(ws_opcode::text, 65536).view()) == "81 7f 00 00 00 00 00 01 00 00");
}

TEST_CASE("a framed message is header plus payload") {
  CHECK(to_hex(frame_ws_message(ws_opcode::text, "Hello")) == "81 05 48 65 6c 6c 6f");
}

TEST_CASE("a close payload is the code in network order plus a bounded reason") {
  CHECK(to_hex(ws_close_payload(1001, "bye")) == "03 e9 62 79 65");
  CHECK(ws_close_payload(1000, std::string(300, 'x')).size() == 125);
}
