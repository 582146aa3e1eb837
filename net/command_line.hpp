#pragma once
// The same flags and --help for every server built on chorus: one flag per field of
// server_options and per limit of channel_config.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/channel_config.hpp"
#include "net/server_options.hpp"

namespace chorus {

struct command_line {
  server_options options;
  channel_config channels;  // limits only: the app adds channels and the connect callback
  /// Set when the process should exit now: 0 after --help, 2 after a bad flag (the
  /// reason is already printed on stderr).
  std::optional<int> exit_code;
};

/// Parses `--flag value` / `--flag=value`. `static_dirs` (URL prefix → directory) are
/// the defaults for the static-file flags (`--static` for "/", `--static-vendor` for
/// "/vendor", …). `defaults` starts from the app's own options rather than chorus's.
command_line parse_command_line(int argc, char** argv, std::string_view program,
                                std::vector<std::pair<std::string, std::string>> static_dirs = {},
                                command_line defaults = {});

} // namespace chorus
