#include "protocol/topic_pattern.hpp"

namespace chorus::protocol {

topic_pattern::topic_pattern(std::string pattern)
  : text_(std::move(pattern)),
    fixed_size_(text_.size() - (!text_.empty() && text_.back() == '*' ? 1 : 0)),
    wildcard_(fixed_size_ != text_.size()) {}

bool topic_pattern::matches(std::string_view topic) const noexcept {
  std::string_view fixed{text_.data(), fixed_size_};
  return wildcard_ ? topic.substr(0, fixed_size_) == fixed : topic == fixed;
}

bool is_valid_topic_pattern(std::string_view pattern) noexcept {
  auto star = pattern.find('*');
  return star == std::string_view::npos || star + 1 == pattern.size();
}

} // namespace chorus::protocol
