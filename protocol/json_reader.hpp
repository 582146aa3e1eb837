#pragma once
// chorus's own JSON text → nlohmann::json reader, for the inbound hot path. nlohmann's
// parser took 8 % of the server's CPU in request/reply (docs/architecture.md, "Reading
// JSON"): its lexer handles a string one character at a time and copies each into a token
// buffer. This reader copies a run of plain characters at once and builds the same
// document nlohmann's DOM parser would — same types (unsigned / integer / float), the last
// of duplicate keys wins, a leading BOM skipped, non-finite numbers refused — which
// tests/fuzz/fuzz_json_reader.cpp checks against nlohmann on every input. One difference
// on purpose: nlohmann takes a NUL byte for the end of the text and ignores the rest
// ("[1]\0junk" passes); a raw NUL is never JSON, so this reader refuses it.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace chorus::protocol::detail {

enum class json_read_status : unsigned char { ok, invalid, too_deep };

/// Reads JSON values one after another from one text, for decoders that walk an envelope
/// themselves (protocol/v2_serializer.cpp) instead of building it as a document.
class json_cursor {
public:
  using json = nlohmann::json;

  /// `text` must be valid UTF-8; containers nest at most `max_depth` levels in all.
  json_cursor(std::string_view text, std::size_t max_depth);

  /// Skips a UTF-8 byte order mark at the very start, as nlohmann does.
  void skip_bom();
  /// After whitespace: whether `c` comes next (then it is consumed).
  bool take(char c);
  /// Whether only whitespace remains.
  bool at_end();
  /// After whitespace: a string, into `out` (false if the next value is not a valid string).
  bool string(std::string& out);
  /// After whitespace: one value into `out`, inside `depth` containers opened by the caller.
  json_read_status value(json& out, std::size_t depth = 0);

private:
  void skip_whitespace();
  json* member_slot(json& object);
  static json* element_slot(json& array);
  bool scalar(json& out);
  bool literal(std::string_view word);
  bool string_body(std::string& out);
  bool unicode_escape(std::string& out);
  long hex4();
  bool number(json& out);

  const char* p_;
  const char* end_;
  std::size_t max_depth_;
  /// The containers being filled, outermost first; the first 16 levels need no allocation.
  class open_stack {
  public:
    void clear() noexcept { size_ = 0, deep_.clear(); }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    json* back() const noexcept { return size_ <= shallow_levels ? shallow_[size_ - 1] : deep_.back(); }
    void push_back(json* v) {
      if (size_ < shallow_levels) shallow_[size_] = v;
      else deep_.push_back(v);
      ++size_;
    }
    void pop_back() noexcept {
      if (--size_ >= shallow_levels) deep_.pop_back();
    }

  private:
    static constexpr std::size_t shallow_levels = 16;
    json* shallow_[shallow_levels];
    std::vector<json*> deep_;
    std::size_t size_ = 0;
  };

  open_stack open_;
  std::string key_;
};

/// Parses one JSON text (RFC 8259, nothing after the value but whitespace) into `out`.
/// `text` must already be valid UTF-8 (the callers check it first). Containers nest at
/// most `max_depth` levels: the reader keeps its own stack and never recurses, so any
/// limit is safe for the calling thread. On failure `out` holds a partial document.
json_read_status read_json(std::string_view text, std::size_t max_depth, nlohmann::json& out);

} // namespace chorus::protocol::detail
