#pragma once
// check_origin (docs/protocol.md §5): which browser origins may open a socket. A request
// without an Origin header (non-browser clients) is always allowed, as in Phoenix.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::protocol {

enum class origin_policy {
  same_host,   // the Origin's host must equal the Host header's host (Phoenix `true`)
  allow_list,  // the Origin must match an entry of the list
  off,         // every origin is allowed
};

struct origin_parts {
  std::string scheme;
  std::string host;  // lower-case
  std::string port;  // "" if absent
};

/// "https://Example.com:8443" → {https, example.com, 8443}; nullopt if malformed.
std::optional<origin_parts> parse_origin(std::string_view origin);

/// Allow-list entries: "https://example.com" (scheme, host and port if given),
/// "//example.com" (any scheme), "//*.example.com" (any subdomain).
bool origin_allowed(std::optional<std::string_view> origin, std::string_view host_header, origin_policy policy,
                    const std::vector<std::string>& allowed);

} // namespace chorus::protocol
