#pragma once
// One-line operator log on stderr. CAF's own logging is compiled out of the Debian
// package, so chorus logs for itself. Thread-safe; each call writes one whole line.
#include <string_view>

namespace chorus {

enum class log_level { debug, info, warn, error };

void log_line(log_level level, std::string_view component, std::string_view text);
/// Lines below this level are dropped (default info; CHORUS_LOG=debug|info|warn|error).
void set_log_level(log_level level);

} // namespace chorus
