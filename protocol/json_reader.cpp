#include "protocol/json_reader.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <locale.h>
#include <stdlib.h>

namespace chorus::protocol::detail {

namespace {
bool digit(char c) { return c >= '0' && c <= '9'; }
} // namespace

json_cursor::json_cursor(std::string_view text, std::size_t max_depth)
  : p_(text.data()), end_(text.data() + text.size()), max_depth_(max_depth) {}

void json_cursor::skip_bom() {
  if (end_ - p_ >= 3 && static_cast<unsigned char>(p_[0]) == 0xEF && static_cast<unsigned char>(p_[1]) == 0xBB &&
      static_cast<unsigned char>(p_[2]) == 0xBF)
    p_ += 3;  // a UTF-8 byte order mark, as nlohmann skips it
}

bool json_cursor::take(char c) {
  skip_whitespace();
  if (p_ == end_ || *p_ != c) return false;
  ++p_;
  return true;
}

bool json_cursor::at_end() {
  skip_whitespace();
  return p_ == end_;
}

bool json_cursor::string(std::string& out) {
  if (!take('"')) return false;
  return string_body(out);
}

json_read_status json_cursor::value(json& root, std::size_t depth) {
  open_.clear();
  json* target = &root;  // where the next value goes
  for (;;) {
    // A value into *target.
    skip_whitespace();
    if (p_ == end_) return json_read_status::invalid;
    char c = *p_;
    if (c == '{' || c == '[') {
      if (depth + open_.size() >= max_depth_) return json_read_status::too_deep;
      bool object = c == '{';
      *target = object ? json(json::value_t::object) : json(json::value_t::array);
      open_.push_back(target);
      ++p_;
      skip_whitespace();
      if (p_ != end_ && *p_ == (object ? '}' : ']')) {
        ++p_;
        open_.pop_back();
      } else {
        target = object ? member_slot(*target) : element_slot(*target);
        if (!target) return json_read_status::invalid;
        continue;
      }
    } else if (!scalar(*target)) {
      return json_read_status::invalid;
    }
    // After a value: the next member or element, or the end of containers.
    for (;;) {
      if (open_.empty()) return json_read_status::ok;
      skip_whitespace();
      if (p_ == end_) return json_read_status::invalid;
      json& top = *open_.back();
      bool object = top.is_object();
      if (*p_ == ',') {
        ++p_;
        if (object) skip_whitespace();
        target = object ? member_slot(top) : element_slot(top);
        if (!target) return json_read_status::invalid;
        break;
      }
      if (*p_ != (object ? '}' : ']')) return json_read_status::invalid;
      ++p_;
      open_.pop_back();
    }
  }
}

void json_cursor::skip_whitespace() {
  while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
}

/// At a member's key (whitespace skipped): reads `"key" :` and returns the member's slot,
/// replacing an earlier member of the same name (nlohmann's DOM parser does the same).
json_cursor::json* json_cursor::member_slot(json& object) {
  if (p_ == end_ || *p_ != '"') return nullptr;
  ++p_;
  key_.clear();
  if (!string_body(key_)) return nullptr;
  skip_whitespace();
  if (p_ == end_ || *p_ != ':') return nullptr;
  ++p_;
  return &object.get_ref<json::object_t&>()[key_];
}

json_cursor::json* json_cursor::element_slot(json& array) {
  auto& elements = array.get_ref<json::array_t&>();
  elements.emplace_back();
  return &elements.back();
}

bool json_cursor::scalar(json& out) {
  switch (*p_) {
    case '"': {
      ++p_;
      std::string s;
      if (!string_body(s)) return false;
      out = std::move(s);
      return true;
    }
    case 't': return literal("true") && (out = true, true);
    case 'f': return literal("false") && (out = false, true);
    case 'n': return literal("null") && (out = nullptr, true);
    default: return number(out);
  }
}

bool json_cursor::literal(std::string_view word) {
  if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view{p_, word.size()} != word) return false;
  p_ += word.size();
  return true;
}

/// After the opening quote: appends the string's characters to `out` and consumes the
/// closing quote. Runs of plain characters are copied at once.
bool json_cursor::string_body(std::string& out) {
  for (;;) {
    const char* run = p_;
    while (p_ != end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) ++p_;
    out.append(run, p_);
    if (p_ == end_) return false;
    char c = *p_++;
    if (c == '"') return true;
    if (c != '\\') return false;  // a control character must be escaped
    if (p_ == end_) return false;
    switch (*p_++) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u':
        if (!unicode_escape(out)) return false;
        break;
      default: return false;
    }
  }
}

/// After `\u`: one code point, a surrogate pair counting as one; lone surrogates are
/// refused.
bool json_cursor::unicode_escape(std::string& out) {
  long cp = hex4();
  if (cp < 0) return false;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
    p_ += 2;
    long low = hex4();
    if (low < 0xDC00 || low > 0xDFFF) return false;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
  }
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return true;
}

long json_cursor::hex4() {
  if (end_ - p_ < 4) return -1;
  long v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = *p_++;
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}


/// RFC 8259's number grammar, typed as nlohmann types it: no fraction or exponent →
/// unsigned (or integer when negative) if it fits, otherwise a finite double.
bool json_cursor::number(json& out) {
  const char* start = p_;
  bool negative = *p_ == '-';
  if (negative) ++p_;
  if (p_ == end_ || !digit(*p_)) return false;
  if (*p_ == '0') ++p_;
  else while (p_ != end_ && digit(*p_)) ++p_;
  std::size_t integer_digits = static_cast<std::size_t>(p_ - start) - (negative ? 1 : 0);
  bool integral = true;
  if (p_ != end_ && *p_ == '.') {
    integral = false;
    ++p_;
    if (p_ == end_ || !digit(*p_)) return false;
    while (p_ != end_ && digit(*p_)) ++p_;
  }
  if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
    integral = false;
    ++p_;
    if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ == end_ || !digit(*p_)) return false;
    while (p_ != end_ && digit(*p_)) ++p_;
  }
  if (integral && integer_digits <= 18) {  // fits in 63 bits: no conversion call needed
    std::uint64_t v = 0;
    for (const char* d = start + (negative ? 1 : 0); d != p_; ++d) v = v * 10 + static_cast<std::uint64_t>(*d - '0');
    if (negative) out = -static_cast<std::int64_t>(v);
    else out = v;
    return true;
  }
  // Long or fractional: the C library's conversions, on a terminated copy.
  std::string token{start, p_};
  char* stop = nullptr;
  if (integral) {
    errno = 0;
    if (negative) {
      long long v = std::strtoll(token.c_str(), &stop, 10);
      if (errno == 0) {
        out = static_cast<std::int64_t>(v);
        return true;
      }
    } else {
      unsigned long long v = std::strtoull(token.c_str(), &stop, 10);
      if (errno == 0) {
        out = static_cast<std::uint64_t>(v);
        return true;
      }
    }
  }
  // In the "C" locale whatever the app set (strtod would stop at the '.' under a locale
  // with a decimal comma).
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", locale_t{});
  double v = strtod_l(token.c_str(), &stop, c_locale);
  if (!std::isfinite(v)) return false;  // nlohmann refuses a number that overflows a double
  out = v;
  return true;
}

json_read_status read_json(std::string_view text, std::size_t max_depth, nlohmann::json& out) {
  json_cursor cursor{text, max_depth};
  cursor.skip_bom();
  auto status = cursor.value(out);
  if (status == json_read_status::ok && !cursor.at_end()) return json_read_status::invalid;
  return status;
}

} // namespace chorus::protocol::detail
