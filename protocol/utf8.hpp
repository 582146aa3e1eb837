#pragma once
#include <string_view>

namespace chorus::protocol {

/// Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, max U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

} // namespace chorus::protocol
