#include "net/static_files.hpp"

#include <fstream>
#include <sstream>

namespace chorus::net_detail {

std::string content_type_for(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json") || ends(".map")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

std::optional<static_file> static_files::find(std::string_view path) const {
  if (path.find("..") != std::string_view::npos || path.find('\0') != std::string_view::npos ||
      path.find('\\') != std::string_view::npos)
    return std::nullopt;
  for (auto& [prefix, dir] : mounts_) {
    if (path.substr(0, prefix.size()) != prefix) continue;
    std::string rel{path.substr(prefix.size())};
    if (rel.empty() || rel.back() == '/') rel += "index.html";
    if (rel.front() != '/') rel.insert(rel.begin(), '/');
    std::ifstream in{dir + rel, std::ios::binary};
    if (!in) continue;
    std::ostringstream body;
    body << in.rdbuf();
    return static_file{body.str(), content_type_for(rel)};
  }
  return std::nullopt;
}

} // namespace chorus::net_detail
