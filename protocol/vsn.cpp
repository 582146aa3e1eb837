#include "protocol/vsn.hpp"

#include <string>

namespace chorus::protocol {

namespace {

bool is_number(std::string_view s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return s.size() == 1 || s[0] != '0';  // semver forbids leading zeros
}

} // namespace

result<serializer> negotiate_vsn(std::optional<std::string_view> vsn) {
  if (!vsn) return serializer::v1;
  std::string_view v = *vsn;
  // MAJOR.MINOR.PATCH, optionally with -pre or +build suffixes (ignored, as Elixir's ~>).
  std::string_view core = v.substr(0, v.find_first_of("-+"));
  auto d1 = core.find('.');
  auto d2 = d1 == std::string_view::npos ? d1 : core.find('.', d1 + 1);
  if (d2 != std::string_view::npos && is_number(core.substr(0, d1)) &&
      is_number(core.substr(d1 + 1, d2 - d1 - 1)) && is_number(core.substr(d2 + 1))) {
    std::string_view major_minor = core.substr(0, d2);
    if (major_minor == "1.0") return serializer::v1;
    if (major_minor == "2.0") return serializer::v2;
  }
  return protocol_error{error_kind::unsupported_vsn,
                        "unsupported vsn \"" + std::string{v.substr(0, 32)} + "\""};
}

} // namespace chorus::protocol
