#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace chorus::protocol {

/// Standard base64 with '=' padding.
std::string base64_encode(std::string_view bytes);

/// Decodes standard or URL-safe base64, padding optional (phoenix.js strips it from
/// the auth token). Returns nullopt on any character outside the alphabet.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace chorus::protocol
