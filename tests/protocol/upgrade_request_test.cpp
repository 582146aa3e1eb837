#include <catch2/catch.hpp>

#include "protocol/upgrade_request.hpp"

using namespace chorus::protocol;

TEST_CASE("the request target splits into path and query") {
  auto t = split_target("/socket/websocket?vsn=2.0.0&token=x");
  CHECK(t.path == "/socket/websocket");
  CHECK(t.query == "vsn=2.0.0&token=x");
  CHECK(split_target("/socket").query.empty());
}

TEST_CASE("a mount matches itself and <mount>/websocket") {
  mount_path m{"/socket"};
  CHECK(m.match("/socket"));
  CHECK(m.match("/socket/websocket"));
  CHECK_FALSE(m.match("/socket/longpoll"));
  CHECK_FALSE(m.match("/sockets/websocket"));
  CHECK_FALSE(m.match("/"));
  CHECK_FALSE(m.match("/socket/"));
}

TEST_CASE("route params are captured from ':name' segments") {
  mount_path m{"/t/:tenant/socket"};
  auto p = m.match("/t/acme%20co/socket/websocket");
  REQUIRE(p.has_value());
  CHECK(p->at("tenant") == "acme co");
  CHECK_FALSE(m.match("/t//socket"));
}

TEST_CASE("the auth token is taken from Sec-WebSocket-Protocol and phoenix is answered") {
  // phoenix.js: btoa("my token") with '=' stripped
  auto offer = parse_subprotocols("phoenix, base64url.bearer.phx.bXkgdG9rZW4");
  REQUIRE(offer.has_value());
  CHECK(offer->auth_token == "my token");
  CHECK(offer->protocols == std::vector<std::string>{"phoenix"});
  CHECK(offer->answer() == "phoenix");
  CHECK(parse_subprotocols("chat")->answer().empty());
  auto bad = parse_subprotocols("phoenix, base64url.bearer.phx.***");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().detail == "auth token is not valid base64");
}
