#pragma once
// Channel topic patterns (docs/protocol.md §3): an exact topic, or a prefix ending in '*'
// that matches every topic starting with the prefix, including the prefix itself.
#include <string>
#include <string_view>

namespace chorus::protocol {

class topic_pattern {
public:
  explicit topic_pattern(std::string pattern);

  bool matches(std::string_view topic) const noexcept;
  const std::string& text() const noexcept { return text_; }
  bool is_wildcard() const noexcept { return wildcard_; }

private:
  std::string text_;
  bool wildcard_;
};

/// The matching rule itself, for callers that hold the pattern as a string.
bool topic_matches(std::string_view pattern, std::string_view topic) noexcept;

/// A pattern is valid when '*' appears at most once, as the last character.
bool is_valid_topic_pattern(std::string_view pattern) noexcept;

} // namespace chorus::protocol
