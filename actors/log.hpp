#pragma once
// The operator's log: one line per event on stderr, as text (the default), logfmt or
// JSON (--log-format), with the event's context as key=value fields (a connection's
// peer and conn id on every line about it). CAF's own logging is compiled out of the
// Debian package, so chorus logs for itself. Thread-safe; each call writes one whole
// line. Lines below error level are rate-limited per component, so a flood of bad
// clients cannot fill a disk: what is dropped is counted and reported on the
// component's next line (`suppressed=N`) and in /metrics.
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace chorus {

enum class log_level { debug, info, warn, error };
enum class log_format { text, logfmt, json };

/// One key=value of a line. Numbers stay numbers in JSON.
struct log_field {
  log_field(std::string_view k, std::string_view v) : key(k), value(v) {}
  log_field(std::string_view k, const std::string& v) : key(k), value(v) {}
  log_field(std::string_view k, const char* v) : key(k), value(v) {}
  template <std::integral T>
  log_field(std::string_view k, T v) : key(k), value(std::to_string(v)), number(true) {}
  std::string_view key;
  std::string value;
  bool number = false;
};
using log_fields = std::initializer_list<log_field>;

void log_line(log_level level, std::string_view component, std::string_view text, log_fields fields = {});

/// Lines below this level are dropped (default info; CHORUS_LOG=debug|info|warn|error).
void set_log_level(log_level level);
void set_log_format(log_format format);
/// Lines per second each component may write (burst: as many); 0 = unlimited. Default 100.
void set_log_rate(double lines_per_second);
/// Lines dropped by the rate limit since start.
std::uint64_t log_lines_suppressed() noexcept;

std::optional<log_level> parse_log_level(std::string_view name);
std::optional<log_format> parse_log_format(std::string_view name);

/// Formats one line without writing it (what log_line writes; for tests).
std::string format_log_line(log_format format, std::string_view timestamp, log_level level,
                            std::string_view component, std::string_view text, std::span<const log_field> fields);

} // namespace chorus
