#include "protocol/upgrade_request.hpp"

#include <algorithm>

#include "protocol/base64.hpp"
#include "protocol/query_string.hpp"

namespace chorus::protocol {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    auto pos = s.find(sep);
    parts.push_back(s.substr(0, pos));
    if (pos == std::string_view::npos) return parts;
    s.remove_prefix(pos + 1);
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr std::string_view token_prefix = "base64url.bearer.phx.";

} // namespace

request_target split_target(std::string_view target) noexcept {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

mount_path::mount_path(std::string pattern) : text_(std::move(pattern)) {
  for (auto seg : split(text_, '/'))
    if (!seg.empty()) segments_.emplace_back(seg);
}

std::optional<std::map<std::string, std::string>> mount_path::match(std::string_view path) const {
  if (path.empty() || path.front() != '/') return std::nullopt;
  auto parts = split(path.substr(1), '/');
  if (!parts.empty() && parts.back().empty() && parts.size() > 1) return std::nullopt;
  if (parts.size() == segments_.size() + 1 && parts.back() == "websocket") parts.pop_back();
  if (segments_.empty() && parts.size() == 1 && parts[0].empty()) parts.clear();
  if (parts.size() != segments_.size()) return std::nullopt;
  std::map<std::string, std::string> params;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = segments_[i];
    if (seg.front() == ':') {
      if (parts[i].empty()) return std::nullopt;
      auto decoded = percent_decode(parts[i]);
      if (!decoded) return std::nullopt;
      params[seg.substr(1)] = std::move(*decoded);
    } else if (parts[i] != seg) {
      return std::nullopt;
    }
  }
  return params;
}

std::string subprotocol_offer::answer() const {
  return std::find(protocols.begin(), protocols.end(), "phoenix") != protocols.end() ? "phoenix" : "";
}

handshake_check check_handshake(std::string_view version, std::string_view key) {
  if (trim(version) != "13") return handshake_check::unsupported_version;
  key = trim(key);
  // 16 random bytes are 24 base64 characters with "==" at the end.
  if (key.size() != 24 || key.substr(22) != "==") return handshake_check::bad_key;
  auto bytes = base64_decode(key);
  if (!bytes || bytes->size() != 16) return handshake_check::bad_key;
  return handshake_check::ok;
}

result<subprotocol_offer> parse_subprotocols(std::string_view header) {
  subprotocol_offer offer;
  for (auto item : split(header, ',')) {
    item = trim(item);
    if (item.empty()) continue;
    if (item.substr(0, token_prefix.size()) == token_prefix) {
      auto token = base64_decode(item.substr(token_prefix.size()));
      if (!token)
        return protocol_error{error_kind::bad_subprotocol, "auth token is not valid base64"};
      offer.auth_token = std::move(*token);
    } else {
      offer.protocols.emplace_back(item);
    }
  }
  return offer;
}

} // namespace chorus::protocol
