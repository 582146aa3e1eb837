#include "protocol/text_parse.hpp"

#include "protocol/utf8.hpp"

namespace chorus::protocol::detail {

namespace {

/// nlohmann's own DOM builder (an explicit stack, no recursion) that refuses to open a
/// container past the depth limit; returning false ends the parse at that byte.
class depth_bounded_builder : public nlohmann::detail::json_sax_dom_parser<json> {
public:
  depth_bounded_builder(json& result, std::size_t max_depth)
    : json_sax_dom_parser(result, /*allow_exceptions=*/false), max_depth_(max_depth) {}

  bool start_object(std::size_t n) { return enter() && json_sax_dom_parser::start_object(n); }
  bool start_array(std::size_t n) { return enter() && json_sax_dom_parser::start_array(n); }
  bool end_object() {
    --depth_;
    return json_sax_dom_parser::end_object();
  }
  bool end_array() {
    --depth_;
    return json_sax_dom_parser::end_array();
  }

  bool too_deep() const noexcept { return too_deep_; }

private:
  bool enter() {
    if (++depth_ <= max_depth_) return true;
    too_deep_ = true;
    return false;
  }

  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
};

} // namespace

result<json> parse_text_frame(std::string_view text, std::size_t max_depth) {
  if (!is_valid_utf8(text))
    return protocol_error{error_kind::invalid_utf8, "text frame is not valid UTF-8"};
  json value;
  depth_bounded_builder builder{value, max_depth};
  bool ok = json::sax_parse(text, &builder, json::input_format_t::json, /*strict=*/true);
  if (builder.too_deep())
    return protocol_error{error_kind::too_deep, "JSON nests deeper than " + std::to_string(max_depth) +
                                                  " levels (max_json_depth)"};
  if (!ok || builder.is_errored())
    return protocol_error{error_kind::invalid_json, "text frame is not valid JSON"};
  return value;
}

} // namespace chorus::protocol::detail

namespace chorus::protocol {

result<json> parse_json(std::string_view text, std::size_t max_depth) {
  return detail::parse_text_frame(text, max_depth);
}

} // namespace chorus::protocol
