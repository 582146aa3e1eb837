#pragma once
// What a join callback answers (seed: JoinResult .ok / .error).
#include <nlohmann/json.hpp>

namespace chorus {

class join_result {
public:
  enum class outcome { ok, error, deferred };

  /// Join accepted; `response` becomes the reply's "response".
  static join_result ok(nlohmann::json response = nlohmann::json::object()) {
    return {outcome::ok, std::move(response)};
  }
  /// Join refused; no phx_close follows (phoenix.js retries on its rejoin backoff).
  static join_result error(nlohmann::json response = {{"reason", "join rejected"}}) {
    return {outcome::error, std::move(response)};
  }
  /// The answer comes later through socket::resolve_join (e.g. from another actor);
  /// until then the connection holds this topic's later frames.
  static join_result deferred() { return {outcome::deferred, nullptr}; }

  outcome status() const noexcept { return status_; }
  const nlohmann::json& response() const noexcept { return response_; }

private:
  join_result(outcome s, nlohmann::json r) : status_(s), response_(std::move(r)) {}
  outcome status_;
  nlohmann::json response_;
};

} // namespace chorus
