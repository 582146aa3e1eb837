#pragma once
// /metrics: every counter of the node in the Prometheus text format (docs/operations.md
// lists them). /stats keeps the same figures as JSON.
#include <string>

namespace chorus {
struct runtime_stats;
}

namespace chorus::net_detail {

struct server_context;

std::string render_metrics(const server_context& server, const runtime_stats& stats);

} // namespace chorus::net_detail
