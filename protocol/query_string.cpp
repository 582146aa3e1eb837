#include "protocol/query_string.hpp"

#include <vector>

#include "protocol/utf8.hpp"

namespace chorus::protocol {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

protocol_error bad(std::string detail) { return {error_kind::bad_query, std::move(detail)}; }

/// "a[b][]" → {"a", "b", ""}; a key that is not of that form is taken literally.
std::vector<std::string> split_key(const std::string& key) {
  auto open = key.find('[');
  if (open == 0 || open == std::string::npos) return {key};
  std::vector<std::string> parts{key.substr(0, open)};
  size_t pos = open;
  while (pos < key.size()) {
    if (key[pos] != '[') return {key};
    auto close = key.find(']', pos);
    if (close == std::string::npos) return {key};
    parts.push_back(key.substr(pos + 1, close - pos - 1));
    pos = close + 1;
  }
  return parts;
}

bool is_index_list(const json& obj) {
  if (!obj.is_object() || obj.empty()) return false;
  for (size_t i = 0; i < obj.size(); ++i)
    if (!obj.contains(std::to_string(i))) return false;
  return true;
}

void arrays_from_index_objects(json& node) {
  if (node.is_object()) {
    for (auto& [_, child] : node.items()) arrays_from_index_objects(child);
    if (is_index_list(node)) {
      json arr = json::array();
      for (size_t i = 0; i < node.size(); ++i) arr.push_back(std::move(node[std::to_string(i)]));
      node = std::move(arr);
    }
  } else if (node.is_array()) {
    for (auto& child : node) arrays_from_index_objects(child);
  }
}

} // namespace

result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) return bad("malformed percent-encoding in query string");
      out += char(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  if (!is_valid_utf8(out)) return bad("query string is not valid UTF-8");
  return out;
}

result<json> parse_query(std::string_view query, query_limits limits) {
  json params = json::object();
  size_t count = 0;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    if (++count > limits.max_params) return bad("too many query parameters");
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    if (!key) return key.error();
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!value) return value.error();
    auto path = split_key(*key);
    if (path.size() > limits.max_depth + 1) return bad("query parameter nested too deeply");
    json* node = &params;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      const std::string& next = path[i + 1];
      json& child = node->is_array() ? (node->emplace_back(), node->back()) : (*node)[path[i]];
      if (next.empty()) {
        if (!child.is_array()) child = json::array();
      } else if (!child.is_object()) {
        child = json::object();
      }
      node = &child;
    }
    if (node->is_array()) node->push_back(std::move(*value));
    else (*node)[path.back()] = std::move(*value);
  }
  arrays_from_index_objects(params);
  return params;
}

} // namespace chorus::protocol
