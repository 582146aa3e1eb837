#pragma once
// The bytes of the few HTTP responses chorus writes itself: a complete response that
// ends the connection (static files, /stats, refusals) and the WebSocket 101.
#include <string>
#include <string_view>

namespace chorus::net_detail {

/// "HTTP/1.1 <status>" with Server, Connection: close, Content-Length and, when the body
/// is not empty, Content-Type. `extra_headers`: more "Name: value\r\n" lines.
std::string http_response(unsigned status, std::string_view body, std::string_view content_type,
                          std::string_view extra_headers = {});

/// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 §4.2.2: base64 of the
/// SHA-1 of the key and the protocol's GUID).
std::string websocket_accept(std::string_view key);

/// The 101 Switching Protocols answer; `subprotocol` empty: no Sec-WebSocket-Protocol.
std::string switching_protocols(std::string_view key, std::string_view subprotocol);

} // namespace chorus::net_detail
