#include "protocol/protocol_error.hpp"

namespace chorus::protocol {

std::string_view to_string(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::invalid_json: return "invalid_json";
    case error_kind::too_deep: return "too_deep";
    case error_kind::invalid_utf8: return "invalid_utf8";
    case error_kind::wrong_shape: return "wrong_shape";
    case error_kind::bad_field_type: return "bad_field_type";
    case error_kind::bad_binary_frame: return "bad_binary_frame";
    case error_kind::binary_not_supported: return "binary_not_supported";
    case error_kind::bad_payload: return "bad_payload";
    case error_kind::unsupported_vsn: return "unsupported_vsn";
    case error_kind::bad_query: return "bad_query";
    case error_kind::bad_subprotocol: return "bad_subprotocol";
    case error_kind::not_found: return "not_found";
  }
  return "unknown";
}

std::uint16_t close_code_for(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::invalid_json:
    case error_kind::too_deep:
    case error_kind::invalid_utf8:
    case error_kind::wrong_shape:
    case error_kind::bad_field_type:
    case error_kind::bad_binary_frame: return 1007;
    case error_kind::binary_not_supported: return 1003;
    default: return 0;
  }
}

unsigned http_status_for(error_kind kind) noexcept {
  switch (kind) {
    case error_kind::unsupported_vsn: return 403;
    case error_kind::bad_query:
    case error_kind::bad_subprotocol: return 400;
    case error_kind::not_found: return 404;
    default: return 0;
  }
}

} // namespace chorus::protocol
