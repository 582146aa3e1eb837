#include "actors/runtime_stats.hpp"

namespace chorus {

const char* to_string(refusal r) noexcept {
  switch (r) {
    case refusal::unmatched_topic: return "unmatched_topic";
    case refusal::join_rejected: return "join_rejected";
    case refusal::join_crashed: return "join_crashed";
    case refusal::too_many_channels: return "too_many_channels";
    case refusal::topic_limit: return "topic_limit";
    case refusal::subscriber_limit: return "subscriber_limit";
    case refusal::handler_crashed: return "handler_crashed";
    case refusal::unhandled_event: return "unhandled_event";
    case refusal::bad_payload: return "bad_payload";
    case refusal::undecodable_frame: return "undecodable_frame";
    case refusal::heartbeat_timeout: return "heartbeat_timeout";
    case refusal::connect_refused: return "connect_refused";
    case refusal::rate_limited: return "rate_limited";
    case refusal::faulty_subscriber: return "faulty_subscriber";
    case refusal::count_: break;
  }
  return "?";
}

const char* to_string(join_outcome j) noexcept {
  switch (j) {
    case join_outcome::ok: return "ok";
    case join_outcome::rejected: return "rejected";
    case join_outcome::crashed: return "crashed";
    case join_outcome::unmatched_topic: return "unmatched_topic";
    case join_outcome::too_many_channels: return "too_many_channels";
    case join_outcome::topic_limit: return "topic_limit";
    case join_outcome::subscriber_limit: return "subscriber_limit";
    case join_outcome::failed: return "failed";
    case join_outcome::count_: break;
  }
  return "?";
}

const char* to_string(reply_status s) noexcept {
  switch (s) {
    case reply_status::ok: return "ok";
    case reply_status::error: return "error";
    case reply_status::other: return "other";
    case reply_status::count_: break;
  }
  return "?";
}

nlohmann::json runtime_stats::to_json() const {
  nlohmann::json errors = nlohmann::json::object();
  for (std::size_t i = 0; i < refusals.size(); ++i)
    errors[to_string(refusal(i))] = refusals[i].load();
  nlohmann::json out = {{"connections", connections.load()}, {"connections_total", connections_total.load()},
                        {"topics", topics.load()},           {"frames_in", frames_in.load()},
                        {"frames_out", frames_out.load()},   {"bytes_in", bytes_in.load()},
                        {"bytes_out", bytes_out.load()},     {"errors", errors}};
  std::lock_guard<std::mutex> lock{cluster_mutex};
  if (!node_name.empty()) {
    nlohmann::json list = nlohmann::json::object();
    std::size_t up = 0;
    for (auto& [name, p] : peers) {
      up += p.up ? 1 : 0;
      list[name] = {{"address", p.address},       {"incarnation", p.incarnation}, {"up", p.up},
                    {"queued_bytes", p.queued_bytes}, {"batches_out", p.batches_out},
                    {"items_out", p.items_out},   {"batches_in", p.batches_in},   {"items_in", p.items_in},
                    {"dropped", p.dropped},       {"ups", p.ups},                 {"downs", p.downs},
                    {"seq_gaps", p.seq_gaps},     {"bad_items", p.bad_items},     {"interest", p.interest}};
    }
    out["cluster"] = {{"node", node_name}, {"peers_up", up}, {"peers", list}};
  }
  return out;
}

} // namespace chorus
