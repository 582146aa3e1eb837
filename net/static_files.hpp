#pragma once
// Static files for example pages: URL prefix → directory, no path escapes.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chorus::net_detail {

struct static_file {
  std::string body;
  std::string content_type;
};

class static_files {
public:
  explicit static_files(std::vector<std::pair<std::string, std::string>> mounts) : mounts_(std::move(mounts)) {}
  /// The file for a request path ("/" → "index.html"); nullopt if none or if the path
  /// tries to leave its directory.
  std::optional<static_file> find(std::string_view path) const;

private:
  std::vector<std::pair<std::string, std::string>> mounts_;
};

std::string content_type_for(std::string_view path);

} // namespace chorus::net_detail
