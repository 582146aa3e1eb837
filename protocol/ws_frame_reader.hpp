#pragma once
// An incremental reader of RFC 6455 frames sent by a client: bytes go in as they arrive
// (any split, one byte at a time included), whole messages and control frames come out.
// It enforces what a server must refuse: unmasked frames, reserved bits and opcodes,
// fragmented or oversized control frames, continuation without a message, a data frame
// inside a fragmented message, non-minimal or 64-bit-overflowing lengths, messages over
// the size cap (checked from the header, before the payload is read), text and close
// reasons that are not UTF-8, and close frames with a 1-byte body or an invalid code
// (docs/protocol.md, §1.1 "WebSocket framing").
//
// Between messages it holds nothing but a few header bytes: the payload of a message
// being assembled is the only per-connection buffer, and it is released once taken.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chorus::protocol {

/// Why a frame was refused; decides the close code (1002, 1007, 1009).
enum class ws_violation : std::uint8_t { protocol_error, invalid_utf8, message_too_big };

struct ws_read_event {
  enum class kind : std::uint8_t {
    need_more,  // every byte given was consumed; nothing complete yet
    message,    // a whole text or binary message: take_message()
    ping,       // payload: what the pong must echo
    pong,
    close,      // the peer's close: code (1005 when it sent none) and reason
    refused,    // the stream is invalid: close with `code`; `reason` says why
  };
  kind what = kind::need_more;
  bool binary = false;             // message
  std::uint16_t code = 0;          // close, refused
  ws_violation violation{};        // refused
  std::string_view payload;        // ping, pong, close reason; valid until the next call
  std::string_view reason;         // refused: a short explanation (static text)
};

class ws_frame_reader {
public:
  explicit ws_frame_reader(std::size_t max_message_bytes) noexcept : max_message_(max_message_bytes) {}

  /// Consumes bytes from the front of `in` (unmasked into the reader's own buffers) until one event is
  /// complete or `in` is empty. After `close` or `refused` the reader is finished: it
  /// consumes everything and reports need_more.
  ws_read_event next(std::string_view& in);

  /// After a `message` event: its payload, moved out (the reader keeps no capacity).
  std::string take_message() noexcept { return std::move(message_); }

  bool finished() const noexcept { return finished_; }
  /// True between messages: no partial frame or message is held.
  bool idle() const noexcept { return header_have_ == 0 && !in_header_payload_ && !in_message_; }

private:
  ws_read_event refuse(ws_violation v, std::string_view reason) noexcept;
  ws_read_event parse_header();
  ws_read_event finish_control();

  std::size_t max_message_;
  // The frame being read.
  std::array<unsigned char, 14> header_{};
  std::uint8_t header_have_ = 0;
  bool in_header_payload_ = false;  // header parsed, payload pending
  std::uint8_t opcode_ = 0;
  bool fin_ = false;
  std::array<unsigned char, 4> mask_{};
  std::uint64_t remaining_ = 0;     // payload bytes of this frame still to come
  std::uint64_t mask_offset_ = 0;   // payload bytes of this frame already unmasked
  // The message being assembled (data frames) and the control frame being read.
  bool in_message_ = false;
  bool message_binary_ = false;
  std::string message_;
  std::string control_;
  bool finished_ = false;
};

} // namespace chorus::protocol
