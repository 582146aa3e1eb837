#include "net/http_response.hpp"

#include <ostream>  // (boost/core string_view needs it declared)

#include <openssl/evp.h>

#include <boost/beast/http/status.hpp>

#include "protocol/base64.hpp"

namespace chorus::net_detail {

std::string http_response(unsigned status, std::string_view body, std::string_view content_type,
                          std::string_view extra_headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
  out += boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  out += "\r\nServer: chorus\r\nConnection: close\r\n";
  if (!body.empty()) {
    out += "Content-Type: ";
    out += content_type;
    out += "\r\n";
  }
  out += extra_headers;
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

std::string websocket_accept(std::string_view key) {
  std::string input{key};
  input += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha1(), nullptr);
  return protocol::base64_encode({reinterpret_cast<const char*>(digest), size});
}

std::string switching_protocols(std::string_view key, std::string_view subprotocol) {
  std::string out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Accept: ";
  out += websocket_accept(key);
  out += "\r\nServer: chorus\r\n";
  if (!subprotocol.empty()) {
    out += "Sec-WebSocket-Protocol: ";
    out += subprotocol;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

} // namespace chorus::net_detail
