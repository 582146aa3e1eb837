#include "protocol/origin.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace chorus::protocol {

namespace {

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

/// "host[:port]" → (host, port); IPv6 literals keep their brackets.
std::pair<std::string, std::string> split_host_port(std::string_view hp) {
  auto colon = hp.rfind(':');
  if (colon == std::string_view::npos || (hp.find(']') != std::string_view::npos && colon < hp.find(']')))
    return {lower(hp), ""};
  return {lower(hp.substr(0, colon)), std::string{hp.substr(colon + 1)}};
}

bool matches(const origin_parts& o, std::string_view entry) {
  std::string_view scheme;
  if (auto sep = entry.find("//"); sep != std::string_view::npos) {
    scheme = entry.substr(0, sep == 0 ? 0 : sep - 1);  // "https:" → "https"
    entry = entry.substr(sep + 2);
  }
  if (!scheme.empty() && lower(scheme) != o.scheme) return false;
  auto [host, port] = split_host_port(entry);
  if (!port.empty() && port != o.port) return false;
  if (host.rfind("*.", 0) == 0) {
    std::string_view suffix = std::string_view{host}.substr(1);  // ".example.com"
    return o.host.size() > suffix.size() && o.host.compare(o.host.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return host == o.host;
}

} // namespace

std::optional<origin_parts> parse_origin(std::string_view origin) {
  auto sep = origin.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  origin_parts out;
  out.scheme = lower(origin.substr(0, sep));
  std::string_view rest = origin.substr(sep + 3);
  rest = rest.substr(0, rest.find('/'));
  if (rest.empty()) return std::nullopt;
  std::tie(out.host, out.port) = split_host_port(rest);
  if (out.host.empty()) return std::nullopt;
  return out;
}

bool origin_allowed(std::optional<std::string_view> origin, std::string_view host_header, origin_policy policy,
                    const std::vector<std::string>& allowed) {
  if (!origin || policy == origin_policy::off) return true;
  auto parts = parse_origin(*origin);
  if (!parts) return false;  // includes "null" (sandboxed documents)
  if (policy == origin_policy::same_host) return split_host_port(host_header).first == parts->host;
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& e) { return matches(*parts, e); });
}

} // namespace chorus::protocol
