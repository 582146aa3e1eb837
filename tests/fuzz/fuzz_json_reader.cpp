// libFuzzer target: chorus's JSON reader against nlohmann's own parser (the reference it
// replaces on the hot path). For every input both must agree on accepted / invalid / too
// deep, and on an accepted document down to each value's type (unsigned vs integer vs
// float) and the order of its members; the one intended difference is a NUL byte. What
// protocol/json_text writes from the document must equal nlohmann's dump of it. The first byte picks the depth limit so the
// too-deep path is compared at small limits too.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "json_fuzz.hpp"
#include "protocol/json_reader.hpp"
#include "protocol/json_text.hpp"
#include "protocol/text_parse.hpp"
#include "protocol/utf8.hpp"

namespace {

using json = nlohmann::json;
using chorus::protocol::detail::json_read_status;

/// nlohmann's DOM builder with the depth limit chorus used before it had its own reader.
class reference_builder : public nlohmann::detail::json_sax_dom_parser<json> {
public:
  reference_builder(json& result, std::size_t max_depth) : json_sax_dom_parser(result, false), max_depth_(max_depth) {}
  bool start_object(std::size_t n) { return enter() && json_sax_dom_parser::start_object(n); }
  bool start_array(std::size_t n) { return enter() && json_sax_dom_parser::start_array(n); }
  bool end_object() { return --depth_, json_sax_dom_parser::end_object(); }
  bool end_array() { return --depth_, json_sax_dom_parser::end_array(); }
  bool too_deep = false;

private:
  bool enter() { return ++depth_ <= max_depth_ || (too_deep = true, false); }
  std::size_t max_depth_;
  std::size_t depth_ = 0;
};

json_read_status reference(std::string_view text, std::size_t max_depth, json& out) {
  reference_builder builder{out, max_depth};
  bool ok = json::sax_parse(text, &builder, json::input_format_t::json, true);
  if (builder.too_deep) return json_read_status::too_deep;
  return ok && !builder.is_errored() ? json_read_status::ok : json_read_status::invalid;
}

/// Same types and values all the way down (json's operator== calls 1 and 1u equal).
bool same_document(const json& a, const json& b) {
  std::vector<std::pair<const json*, const json*>> todo{{&a, &b}};
  while (!todo.empty()) {
    auto [x, y] = todo.back();
    todo.pop_back();
    if (x->type() != y->type() || x->size() != y->size()) return false;
    if (x->is_object()) {
      for (auto i = x->begin(), j = y->begin(); i != x->end(); ++i, ++j) {
        if (i.key() != j.key()) return false;
        todo.emplace_back(&*i, &*j);
      }
    } else if (x->is_array()) {
      for (std::size_t i = 0; i < x->size(); ++i) todo.emplace_back(&(*x)[i], &(*y)[i]);
    } else if (x->is_number_float()) {
      if (x->get<double>() != y->get<double>() || std::signbit(x->get<double>()) != std::signbit(y->get<double>()))
        return false;
    } else if (*x != *y) {
      return false;
    }
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t max_depth = data[0] % 8 == 0 ? chorus::protocol::default_max_json_depth : data[0] % 8;
  std::string_view text{reinterpret_cast<const char*>(data + 1), size - 1};
  // The reader's contract: its callers check UTF-8 first.
  if (!chorus::protocol::is_valid_utf8(text)) return 0;
  json mine, theirs;
  auto a = chorus::protocol::detail::read_json(text, max_depth, mine);
  auto b = reference(text, max_depth, theirs);
  // One difference on purpose: nlohmann takes a NUL byte for the end of its input and
  // ignores what follows; a raw NUL is never JSON, so chorus refuses it.
  if (text.find('\0') != std::string_view::npos) {
    if (a == json_read_status::ok) std::abort();
    return 0;
  }
  if (a != b) std::abort();
  if (a != json_read_status::ok) return 0;
  if (!same_document(mine, theirs)) std::abort();
  // And chorus's writer (protocol/json_text) writes what nlohmann's dump writes.
  std::string written;
  chorus::protocol::append_json(written, mine);
  if (written != theirs.dump(-1, ' ', false, json::error_handler_t::replace)) std::abort();
  return 0;
}
