#include "actors/log.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>

namespace chorus {

namespace {

log_level initial_level() {
  const char* env = std::getenv("CHORUS_LOG");
  std::string v = env ? env : "";
  if (v == "debug") return log_level::debug;
  if (v == "warn") return log_level::warn;
  if (v == "error") return log_level::error;
  return log_level::info;
}

std::atomic<log_level> threshold{initial_level()};
std::mutex out_mutex;

const char* name(log_level l) {
  switch (l) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
  }
  return "?";
}

} // namespace

void set_log_level(log_level level) { threshold = level; }

void log_line(log_level level, std::string_view component, std::string_view text) {
  if (level < threshold.load(std::memory_order_relaxed)) return;
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::lock_guard<std::mutex> lock{out_mutex};
  std::fprintf(stderr, "%s %s [%.*s] %.*s\n", stamp, name(level), int(component.size()),
               component.data(), int(text.size()), text.data());
}

} // namespace chorus
