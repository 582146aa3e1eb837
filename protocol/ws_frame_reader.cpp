#include "protocol/ws_frame_reader.hpp"

#include <algorithm>

#include "protocol/utf8.hpp"

namespace chorus::protocol {

namespace {
constexpr unsigned char fin_bit = 0x80;
constexpr unsigned char rsv_bits = 0x70;
constexpr unsigned char mask_bit = 0x80;
constexpr std::size_t max_control_payload = 125;

bool is_control(std::uint8_t opcode) noexcept { return opcode & 0x8; }

// Codes a peer may send (RFC 6455 §7.4; 1012-1014 registered since; 3000-4999 for
// libraries and apps). 1004-1006 and 1015 are never sent on the wire.
bool valid_close_code(std::uint16_t code) noexcept {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

std::uint16_t close_code_for(ws_violation v) noexcept {
  switch (v) {
    case ws_violation::invalid_utf8: return 1007;
    case ws_violation::message_too_big: return 1009;
    case ws_violation::protocol_error: break;
  }
  return 1002;
}

// The header's size once its first two bytes are known: 2, the extended length, the mask.
std::size_t header_size(unsigned char second) noexcept {
  auto len7 = second & 0x7F;
  return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((second & mask_bit) ? 4 : 0);
}
} // namespace

ws_read_event ws_frame_reader::refuse(ws_violation v, std::string_view reason) noexcept {
  finished_ = true;
  message_ = {};
  control_ = {};
  ws_read_event ev;
  ev.what = ws_read_event::kind::refused;
  ev.violation = v;
  ev.code = close_code_for(v);
  ev.reason = reason;
  return ev;
}

ws_read_event ws_frame_reader::next(std::string_view& in) {
  if (finished_) {
    in = {};
    return {};
  }
  for (;;) {
    if (!in_header_payload_) {
      if (in.empty()) return {};
      // Gather the header: two bytes say how long it is.
      std::size_t want = header_have_ < 2 ? 2 : header_size(header_[1]);
      auto take = std::min(want - header_have_, in.size());
      std::copy_n(in.data(), take, header_.data() + header_have_);
      header_have_ = static_cast<std::uint8_t>(header_have_ + take);
      in.remove_prefix(take);
      if (header_have_ == 2) {
        // Refuse what the first two bytes already show, before waiting for more.
        unsigned char first = header_[0], second = header_[1];
        std::uint8_t op = first & 0x0F;
        if (first & rsv_bits) return refuse(ws_violation::protocol_error, "reserved bits set (no extension was agreed)");
        if (!(second & mask_bit)) return refuse(ws_violation::protocol_error, "client frame not masked");
        if (op > 0x2 && op != 0x8 && op != 0x9 && op != 0xA) return refuse(ws_violation::protocol_error, "reserved opcode");
        if (is_control(op)) {
          if (!(first & fin_bit)) return refuse(ws_violation::protocol_error, "fragmented control frame");
          if ((second & 0x7F) > max_control_payload) return refuse(ws_violation::protocol_error, "control frame over 125 bytes");
        } else if (op == 0x0 && !in_message_) {
          return refuse(ws_violation::protocol_error, "continuation frame without a message");
        } else if (op != 0x0 && in_message_) {
          return refuse(ws_violation::protocol_error, "new message inside a fragmented message");
        }
      }
      if (header_have_ < 2 || header_have_ < header_size(header_[1])) continue;
      if (auto ev = parse_header(); ev.what != ws_read_event::kind::need_more) return ev;
    }
    // The payload: unmasked into the message or the control frame being read.
    auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
    if (take > 0) {
      std::string& target = is_control(opcode_) ? control_ : message_;
      auto at = target.size();
      target.resize(at + take);
      for (std::size_t i = 0; i < take; ++i)
        target[at + i] = static_cast<char>(static_cast<unsigned char>(in[i]) ^ mask_[(mask_offset_ + i) & 3]);
      mask_offset_ += take;
      remaining_ -= take;
      in.remove_prefix(take);
    }
    if (remaining_ > 0) return {};
    // The frame is complete.
    in_header_payload_ = false;
    header_have_ = 0;
    if (is_control(opcode_)) return finish_control();
    if (!fin_) continue;
    in_message_ = false;
    if (!message_binary_ && !is_valid_utf8(message_)) return refuse(ws_violation::invalid_utf8, "text message is not UTF-8");
    ws_read_event ev;
    ev.what = ws_read_event::kind::message;
    ev.binary = message_binary_;
    return ev;
  }
}

ws_read_event ws_frame_reader::parse_header() {
  unsigned char first = header_[0], second = header_[1];
  opcode_ = first & 0x0F;
  fin_ = first & fin_bit;
  std::uint64_t len = second & 0x7F;
  std::size_t at = 2;
  if (len == 126) {
    len = (std::uint64_t{header_[2]} << 8) | header_[3];
    at = 4;
    if (len < 126) return refuse(ws_violation::protocol_error, "length not minimally encoded");
  } else if (len == 127) {
    len = 0;
    for (int i = 0; i < 8; ++i) len = (len << 8) | header_[2 + i];
    at = 10;
    if (len >> 63) return refuse(ws_violation::protocol_error, "64-bit length with the high bit set");
    if (len <= 0xFFFF) return refuse(ws_violation::protocol_error, "length not minimally encoded");
  }
  std::copy_n(header_.data() + at, 4, mask_.data());
  remaining_ = len;
  mask_offset_ = 0;
  in_header_payload_ = true;
  if (is_control(opcode_)) {
    control_.clear();  // (the last control frame's payload was valid until this call)
  } else {
    // The cap counts the whole message, and is checked before its bytes are read.
    if (len > max_message_ || message_.size() > max_message_ - len)
      return refuse(ws_violation::message_too_big, "message over max_frame_bytes");
    if (opcode_ != 0x0) {
      in_message_ = true;
      message_binary_ = opcode_ == 0x2;
      message_.clear();
    }
  }
  return {};
}

ws_read_event ws_frame_reader::finish_control() {
  ws_read_event ev;
  switch (opcode_) {
    case 0x9:
      ev.what = ws_read_event::kind::ping;
      ev.payload = control_;
      return ev;
    case 0xA:
      ev.what = ws_read_event::kind::pong;
      ev.payload = control_;
      return ev;
    default: break;  // close
  }
  if (control_.size() == 1) return refuse(ws_violation::protocol_error, "close frame with a 1-byte body");
  ev.what = ws_read_event::kind::close;
  ev.code = 1005;  // "no status received"
  if (control_.size() >= 2) {
    ev.code = static_cast<std::uint16_t>((static_cast<unsigned char>(control_[0]) << 8) | static_cast<unsigned char>(control_[1]));
    if (!valid_close_code(ev.code)) return refuse(ws_violation::protocol_error, "invalid close code");
    ev.payload = std::string_view{control_}.substr(2);
    if (!is_valid_utf8(ev.payload)) return refuse(ws_violation::invalid_utf8, "close reason is not UTF-8");
  }
  finished_ = true;
  message_ = {};
  return ev;
}

} // namespace chorus::protocol
