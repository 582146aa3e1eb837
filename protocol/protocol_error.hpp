#pragma once
// Every way client input can be wrong, and what the README's tables say
// the client gets for it. One enum so code, tests and README name the same cases.
#include <cstdint>
#include <string>
#include <string_view>

namespace chorus::protocol {

enum class error_kind : std::uint8_t {
  // Undecodable frames: the connection is closed (no ref to reply to).
  invalid_json,          // text frame is not JSON
  too_deep,              // JSON nests deeper than max_json_depth
  invalid_utf8,          // text frame is not UTF-8
  wrong_shape,           // JSON, but not a V2 array of >= 5 / a V1 object with the 4 keys
  bad_field_type,        // topic/event not a string, ref/join_ref not string/number/null
  bad_binary_frame,      // truncated header, field past the end, unknown kind
  binary_not_supported,  // binary frame on a V1 connection
  // Decodable message with a bad field: reply error, connection stays.
  bad_payload,           // push payload is not a JSON object
  // Handshake (HTTP upgrade) errors: HTTP status, no WebSocket.
  unsupported_vsn,       // vsn present and not 1.0.x / 2.0.x
  bad_query,             // malformed percent-encoding, too deep/too many params
  bad_subprotocol,       // undecodable auth token in Sec-WebSocket-Protocol
  not_found,             // path does not match the mount
};

struct protocol_error {
  error_kind kind;
  std::string detail;  // human-readable, specific; safe to send to the client
};

/// Short stable name of an error kind (log lines, counters, tests).
std::string_view to_string(error_kind kind) noexcept;

/// WebSocket close code for errors that end the connection (README, "What the client gets"):
/// 1007 for undecodable data, 1003 for a frame type the connection cannot accept.
/// Returns 0 for kinds that are answered with a reply instead of a close.
std::uint16_t close_code_for(error_kind kind) noexcept;

/// HTTP status for handshake errors: 403 for a refused vsn (Phoenix behaviour),
/// 400 for malformed requests, 404 for an unknown path. 0 for non-handshake kinds.
unsigned http_status_for(error_kind kind) noexcept;

} // namespace chorus::protocol
