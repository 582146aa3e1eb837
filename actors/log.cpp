#include "actors/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <vector>

#include <nlohmann/json.hpp>

namespace chorus {

namespace {

using clock_type = std::chrono::steady_clock;

log_level initial_level() {
  const char* env = std::getenv("CHORUS_LOG");
  return parse_log_level(env ? env : "").value_or(log_level::info);
}

/// A token bucket per component: `rate` lines a second, bursts of as many.
struct bucket {
  double tokens = 0;
  clock_type::time_point at{};
  std::uint64_t dropped = 0;  // since this component's last written line
};

std::atomic<log_level> threshold{initial_level()};
std::atomic<log_format> format{log_format::text};
std::atomic<std::uint64_t> suppressed{0};
std::mutex out_mutex;  // guards the buckets and the write
double rate = 100;
std::map<std::string, bucket, std::less<>> buckets;

const char* name(log_level l) {
  switch (l) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
  }
  return "?";
}

/// logfmt: bare when the value has no space, quote, '=' or control byte; else quoted.
void append_logfmt_value(std::string& out, std::string_view v) {
  bool bare = !v.empty();
  for (unsigned char c : v)
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) bare = false;
  if (bare) {
    out += v;
    return;
  }
  out += '"';
  for (unsigned char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        } else {
          out += char(c);
        }
    }
  }
  out += '"';
}

std::string json_string(std::string_view v) {
  // Text can carry client bytes (topic names, reasons): invalid UTF-8 is replaced.
  return nlohmann::json(std::string{v}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[40];
  std::size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(stamp + n, sizeof stamp - n, ".%03dZ", int(ms));
  return stamp;
}

/// Under out_mutex: may this component write now? Returns the lines it had dropped.
std::optional<std::uint64_t> admit(std::string_view component, log_level level) {
  if (rate <= 0 || level == log_level::error) return 0;
  auto now = clock_type::now();
  auto it = buckets.find(component);
  if (it == buckets.end()) it = buckets.emplace(std::string{component}, bucket{rate, now, 0}).first;
  auto& b = it->second;
  b.tokens = std::min(rate, b.tokens + std::chrono::duration<double>(now - b.at).count() * rate);
  b.at = now;
  if (b.tokens < 1) {
    ++b.dropped;
    suppressed.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  b.tokens -= 1;
  return std::exchange(b.dropped, 0);
}

void write_line(log_level level, std::string_view component, std::string_view text, log_fields fields,
                std::uint64_t dropped) {
  std::vector<log_field> all{fields};
  if (dropped > 0) all.emplace_back("suppressed", dropped);
  auto line = format_log_line(format.load(std::memory_order_relaxed), timestamp(), level, component, text, all);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace

std::optional<log_level> parse_log_level(std::string_view v) {
  if (v == "debug") return log_level::debug;
  if (v == "info") return log_level::info;
  if (v == "warn") return log_level::warn;
  if (v == "error") return log_level::error;
  return std::nullopt;
}

std::optional<log_format> parse_log_format(std::string_view v) {
  if (v == "text") return log_format::text;
  if (v == "logfmt") return log_format::logfmt;
  if (v == "json") return log_format::json;
  return std::nullopt;
}

void set_log_level(log_level level) { threshold = level; }
void set_log_format(log_format f) { format = f; }
void set_log_rate(double lines_per_second) {
  std::lock_guard<std::mutex> lock{out_mutex};
  rate = lines_per_second;
  buckets.clear();
}
std::uint64_t log_lines_suppressed() noexcept { return suppressed.load(std::memory_order_relaxed); }

std::string format_log_line(log_format f, std::string_view stamp, log_level level, std::string_view component,
                            std::string_view text, std::span<const log_field> fields) {
  std::string out;
  switch (f) {
    case log_format::text:
      out.append(stamp).append(" ").append(name(level)).append(" [").append(component).append("] ").append(text);
      for (auto& field : fields) {
        out.append(" ").append(field.key).append("=");
        append_logfmt_value(out, field.value);
      }
      break;
    case log_format::logfmt:
      out.append("ts=").append(stamp).append(" level=").append(name(level)).append(" component=");
      append_logfmt_value(out, component);
      out.append(" msg=");
      append_logfmt_value(out, text);
      for (auto& field : fields) {
        out.append(" ").append(field.key).append("=");
        append_logfmt_value(out, field.value);
      }
      break;
    case log_format::json:
      out.append("{\"ts\":").append(json_string(stamp)).append(",\"level\":\"").append(name(level));
      out.append("\",\"component\":").append(json_string(component)).append(",\"msg\":").append(json_string(text));
      for (auto& field : fields) {
        out.append(",").append(json_string(field.key)).append(":");
        out.append(field.number ? field.value : json_string(field.value));
      }
      out.append("}");
      break;
  }
  return out;
}

void log_line(log_level level, std::string_view component, std::string_view text, log_fields fields) {
  if (level < threshold.load(std::memory_order_relaxed)) return;
  std::lock_guard<std::mutex> lock{out_mutex};
  auto dropped = admit(component, level);
  if (!dropped) return;
  write_line(level, component, text, fields, *dropped);
}

} // namespace chorus
