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
#include <string_view>

#include <nlohmann/json.hpp>

namespace chorus::protocol::detail {

enum class json_read_status : unsigned char { ok, invalid, too_deep };

/// Parses one JSON text (RFC 8259, nothing after the value but whitespace) into `out`.
/// `text` must already be valid UTF-8 (the callers check it first). Containers nest at
/// most `max_depth` levels: the reader keeps its own stack and never recurses, so any
/// limit is safe for the calling thread. On failure `out` holds a partial document.
json_read_status read_json(std::string_view text, std::size_t max_depth, nlohmann::json& out);

} // namespace chorus::protocol::detail
