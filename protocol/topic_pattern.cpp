#include "protocol/topic_pattern.hpp"

namespace chorus::protocol {

topic_pattern::topic_pattern(std::string pattern)
  : text_(std::move(pattern)), wildcard_(!text_.empty() && text_.back() == '*') {}

bool topic_pattern::matches(std::string_view topic) const noexcept { return topic_matches(text_, topic); }

bool topic_matches(std::string_view pattern, std::string_view topic) noexcept {
  if (!pattern.empty() && pattern.back() == '*') {
    pattern.remove_suffix(1);
    return topic.substr(0, pattern.size()) == pattern;
  }
  return topic == pattern;
}

bool is_valid_topic_pattern(std::string_view pattern) noexcept {
  auto star = pattern.find('*');
  return star == std::string_view::npos || star + 1 == pattern.size();
}

} // namespace chorus::protocol
