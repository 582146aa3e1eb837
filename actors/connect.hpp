#pragma once
// The connect callback: runs once per connection before the WebSocket upgrade
// completes, sees what the client sent, and accepts (with assigns) or refuses (HTTP).
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace chorus {

class connect_result {
public:
  enum class outcome { ok, error, deferred };
  /// Accept; `assigns` seed the socket's assigns (socket::get_assign). A non-empty
  /// `id` (e.g. "users_socket:42") names the connection: broadcasting "disconnect" to
  /// that id closes every connection carrying it with 1001 (Phoenix semantics).
  static connect_result ok(nlohmann::json assigns = nlohmann::json::object(), std::string id = {}) {
    connect_result r{outcome::ok, std::move(assigns), 0};
    r.id_ = std::move(id);
    return r;
  }
  /// Refuse the upgrade with this HTTP status (Phoenix: 403).
  static connect_result error(unsigned http_status = 403) { return {outcome::error, nullptr, http_status}; }
  /// The answer comes later through connect_info::resolver().
  static connect_result deferred() { return {outcome::deferred, nullptr, 0}; }

  outcome status() const noexcept { return status_; }
  const nlohmann::json& assigns() const noexcept { return assigns_; }
  unsigned http_status() const noexcept { return http_status_; }
  const std::string& id() const noexcept { return id_; }

private:
  connect_result(outcome s, nlohmann::json a, unsigned h) : status_(s), assigns_(std::move(a)), http_status_(h) {}
  outcome status_;
  nlohmann::json assigns_;
  unsigned http_status_;
  std::string id_;
};

/// Resolves a deferred connect; callable once, from any thread.
using connect_resolver = std::function<void(connect_result)>;

struct connect_info {
  nlohmann::json params = nlohmann::json::object();    // query string (incl. vsn)
  std::map<std::string, std::string> route_params;     // ":name" segments of the mount
  std::map<std::string, std::string> headers;          // lower-case names
  std::optional<std::string> auth_token;               // from Sec-WebSocket-Protocol
  std::string peer;                                    // "ip:port"
  std::uint64_t conn_id = 0;                           // the server's number for this connection (logs)
  /// For a deferred connect: the function that completes it.
  connect_resolver resolver() const { return resolver_; }
  connect_resolver resolver_;  // set by the runtime
};

using connect_callback = std::function<connect_result(const connect_info&)>;

} // namespace chorus
