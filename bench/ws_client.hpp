#pragma once
// A minimal non-blocking WebSocket client connection for the load generator: TCP
// connect, HTTP upgrade, masked client frames out, server frames in. Single-threaded,
// driven by the epoll loop in chorus_bench.cpp. Not a general-purpose client.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <netinet/in.h>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace bench {

std::uint64_t now_ns();

class ws_client {
public:
  enum class state { connecting, tls_handshake, upgrading, open, closed };

  /// Called for each complete text/binary message.
  std::function<void(ws_client&, std::string_view payload, bool binary)> on_message;
  /// Called once when the upgrade completes, and once when the connection ends.
  std::function<void(ws_client&)> on_open;
  std::function<void(ws_client&, std::string_view why)> on_close;

  int fd = -1;
  state st = state::connecting;
  std::size_t index = 0;     // owner's slot
  std::uint64_t started_ns = 0;
  std::uint64_t opened_ns = 0;  // when the upgrade's 101 arrived
  std::uint64_t read_ns = 0;  // when the current batch of frames was read (one clock read per batch)

  /// Starts a non-blocking connect; returns false if the socket could not be created.
  /// With `tls`, the connection speaks TLS (wss) once TCP is up.
  bool start(const sockaddr_in& addr, std::string host, std::string path, SSL_CTX* tls = nullptr);
  /// When set, frames queued by send_text are written by write_queued(), called by the
  /// loop once per pass (so a pass's frames leave in one write, as a real client's
  /// event loop batches them); when null, send_text writes at once.
  std::vector<ws_client*>* write_list = nullptr;

  /// Queues one text frame (masked); writes it now or at the end of the loop pass.
  void send_text(std::string_view payload);
  /// Writes what send_text queued (the loop's end-of-pass flush).
  bool write_queued();
  /// epoll said readable / writable. Returns false when the connection is gone.
  bool on_readable();
  bool on_writable();
  bool wants_write() const noexcept { return !out_.empty() || st == state::connecting; }
  void close(std::string_view why);
  ~ws_client();

private:
  bool flush();
  bool tls_step();  // drives the TLS handshake; then sends the upgrade request
  long receive(char* buf, std::size_t size);  // > 0 bytes, 0 closed, -1 with errno (EAGAIN: nothing now)
  bool consume(std::string_view& data);  // parses what it can, leaves the incomplete rest in data
  bool parse_handshake(std::string_view& data);
  bool parse_frames(std::string_view& data);

  std::string host_, path_, key_;
  std::string in_, out_;
  std::string fragments_;
  std::uint32_t mask_seed_ = 0x9e3779b9u;
  bool listed_ = false;  // on write_list already
  SSL_CTX* tls_ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

} // namespace bench
