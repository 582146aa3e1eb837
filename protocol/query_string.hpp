#pragma once
// Connect params from the upgrade request's query string, decoded the way Plug decodes
// what phoenix.js encodes: percent-encoding and '+', bracket keys for nested objects
// (user[id]=1), `a[]=x` appends, and an object whose keys are exactly 0..n-1 (how
// phoenix.js encodes a JS array) becomes a JSON array. Values are strings.
#include <string>
#include <string_view>

#include "protocol/message.hpp"
#include "protocol/result.hpp"

namespace chorus::protocol {

struct query_limits {
  std::size_t max_params = 256;  // key=value pairs
  std::size_t max_depth = 8;     // bracket nesting
};

/// Percent-decodes one component ('+' is a space). Fails on a bad escape or non-UTF-8.
result<std::string> percent_decode(std::string_view text);

/// The query string (without '?') as a JSON object.
result<json> parse_query(std::string_view query, query_limits limits = {});

} // namespace chorus::protocol
