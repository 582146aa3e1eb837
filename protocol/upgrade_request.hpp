#pragma once
// Pure parsing of the HTTP upgrade request: request target, mount path with route
// params, and the Sec-WebSocket-Protocol offer that may carry the auth token (docs/protocol.md §1).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/result.hpp"

namespace chorus::protocol {

struct request_target {
  std::string_view path;
  std::string_view query;  // without '?'; empty if absent
};

request_target split_target(std::string_view target) noexcept;

/// A mount path like "/socket" or "/tenants/:tenant/socket". A request matches at the
/// mount itself and at "<mount>/websocket" (phoenix.js appends "/websocket").
class mount_path {
public:
  explicit mount_path(std::string pattern);
  /// Route params ({"tenant": "acme"}) when the path matches, nullopt otherwise.
  std::optional<std::map<std::string, std::string>> match(std::string_view path) const;
  const std::string& text() const noexcept { return text_; }

private:
  std::string text_;
  std::vector<std::string> segments_;
};

struct subprotocol_offer {
  std::vector<std::string> protocols;    // offered names other than the token entry
  std::optional<std::string> auth_token; // decoded from base64url.bearer.phx.<b64>
  /// What the server answers in Sec-WebSocket-Protocol ("phoenix" when offered, else empty).
  std::string answer() const;
};

/// What a WebSocket upgrade request's own fields say (RFC 6455 §4.2.1): the version must be
/// 13 (else the answer is 426 naming it), the key 16 bytes in base64 (else 400).
enum class handshake_check : std::uint8_t { ok, unsupported_version, bad_key };
handshake_check check_handshake(std::string_view version, std::string_view key);

/// Parses a comma-separated Sec-WebSocket-Protocol header.
result<subprotocol_offer> parse_subprotocols(std::string_view header);

} // namespace chorus::protocol
