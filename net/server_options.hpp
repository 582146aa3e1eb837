#pragma once
// Transport settings: every limit, timeout and thread count of net/, with its default.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sched.h>

#include "actors/log.hpp"
#include "protocol/origin.hpp"

namespace chorus {

/// Cores this process may run on (its affinity mask, so `taskset -c 0` counts as one).
inline unsigned available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return 1;
}

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4000;  // 0 = pick a free port (server::start returns it)
  /// Where the socket is mounted; "/socket" also answers at "/socket/websocket".
  /// Segments like ":tenant" become route params (socket::param).
  std::string mount = "/socket";
  /// io threads, one io_context each, connections pinned to one (default: one per core).
  unsigned io_threads = available_cores();
  /// Largest inbound WebSocket message; bigger ones close the connection with 1009.
  std::size_t max_frame_bytes = 1 << 20;
  /// Bytes queued for one connection before it is a slow consumer (close 1013). 1 MiB,
  /// like Centrifugo's client queue: ~16 k small broadcasts of slack.
  std::size_t max_outbound_bytes = 1 << 20;
  /// What happens at that cap: close (drop what is not started, queue close 1013, cut
  /// the TCP connection after close_timeout) or drop (discard the frame and count it;
  /// the connection stays, and its reader silently misses messages).
  enum class slow_consumer_policy { close, drop };
  slow_consumer_policy on_slow_consumer = slow_consumer_policy::close;
  /// Inbound frames delivered to a socket actor but not yet handled; at this many the
  /// connection stops being read until half are done (bounds mailboxes under floods).
  std::uint32_t max_unhandled_frames = 64;
  /// Open connections beyond this get HTTP 503.
  std::size_t max_connections = 100000;
  /// Time for a client to send its upgrade request and finish the handshakes.
  std::chrono::milliseconds handshake_timeout{10000};
  /// After a close frame is queued, time before the TCP connection is reset anyway.
  std::chrono::milliseconds close_timeout{2000};
  /// On stop(): time for sockets to close cleanly before the rest are cut.
  std::chrono::milliseconds drain_timeout{5000};
  /// On stop(): sockets are told to close `drain_batch` at a time every `drain_interval`
  /// (more per batch when needed to tell all within half the drain_timeout), so the
  /// clients' reconnects reach the other nodes spread out, not as one storm.
  std::size_t drain_batch = 500;
  std::chrono::milliseconds drain_interval{50};
  /// Which browser origins may connect (docs/protocol.md §5); refusals get HTTP 403.
  protocol::origin_policy check_origin = protocol::origin_policy::same_host;
  std::vector<std::string> allowed_origins;  // for origin_policy::allow_list
  /// TLS (https/wss): PEM certificate chain and private key. Both empty: plain TCP.
  std::string tls_cert_file;
  std::string tls_key_file;
  /// Static files: URL prefix → directory ("/" → "examples/chat/static").
  std::vector<std::pair<std::string, std::string>> static_dirs;

  // The actor system a chorus::server starts when the app brings none.
  /// CAF worker threads (default: one per core).
  unsigned workers = available_cores();
  /// Where socket actors run: on the io thread that reads their connection (a request
  /// and its reply without a thread hop: +10% replies/s, server on one core), or only on
  /// CAF's workers (a callback that blocks then holds a worker, not an io thread and its
  /// connections). Topics, the registry and app actors always run on the workers
  /// (docs/architecture.md, "Where socket actors run").
  enum class socket_actor_placement { io_threads, workers };
  socket_actor_placement socket_actors = socket_actor_placement::io_threads;
  /// CAF's scheduler. sharing: idle workers block on a condition variable. stealing
  /// (CAF's default) polls with short sleeps, which on a busy shared core costs a context
  /// switch every 50 us per idle worker.
  enum class scheduler_policy { sharing, stealing };
  scheduler_policy scheduler = scheduler_policy::sharing;
  /// Run the server's threads under SCHED_BATCH: a woken thread does not preempt the
  /// running one, so the io thread finishes its pass (reading many frames) before the
  /// worker runs, and the worker handles all of them before the io thread flushes. On a
  /// shared core that turns a context switch per message into one per batch (measured:
  /// 3.6 M → 5.3 M broadcast frames/s). An idle CPU still runs a woken thread at once.
  /// Applies to the thread constructing the server and every thread it starts.
  bool sched_batch = true;

  // The operator log (actors/log.hpp): process-wide, applied when a server is constructed.
  log_format log_style = log_format::text;           // text | logfmt | json
  std::optional<log_level> log_threshold;            // unset: CHORUS_LOG, else info
  double log_rate = 100;  // lines per second per component below error; 0 = unlimited
};

} // namespace chorus
