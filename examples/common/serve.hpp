#pragma once
// The main() of a chorus server, shared by the examples and the test servers: parses
// one flag per config field and limit, starts CAF, the runtime and the server, prints
// "listening on HOST:PORT", and drains on SIGINT/SIGTERM.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "actors/channel_config.hpp"
#include "net/server_options.hpp"

namespace chorus::examples {

struct serve_defaults {
  std::string name;                                                // for --help and errors
  std::vector<std::pair<std::string, std::string>> static_dirs;   // URL prefix → directory
};

/// `define` fills in channels and the connect callback, after the flags (limits,
/// timeouts) have been applied to the config. Returns the process exit code.
int serve(int argc, char** argv, serve_defaults defaults, const std::function<void(channel_config&)>& define);

} // namespace chorus::examples
