#pragma once
// Everything that configures the channel layer, with its defaults and why.
#include <chrono>
#include <cstddef>
#include <vector>

#include "actors/channel_def.hpp"
#include "actors/cluster_config.hpp"
#include "actors/connect.hpp"
#include "protocol/text_parse.hpp"

namespace chorus {

struct channel_config {
  /// Routing table: the first definition whose pattern matches a topic wins.
  std::vector<channel_def> channels;
  /// Accepts or refuses a connection; absent means accept everyone with no assigns.
  connect_callback connect;
  /// A connection silent this long is closed with 1001 "heartbeat timeout". phoenix.js
  /// beats every 30 s, so 60 s (Phoenix's own idle timeout) never trips a live client.
  int heartbeat_timeout_s = 60;
  /// Channels one connection may join (the seed's 16; Phoenix allows 100).
  std::size_t max_channels_per_socket = 16;
  /// Live topics per node (the seed's 64): bounds registry memory against topic spraying.
  std::size_t max_topics = 64;
  /// Subscribers per topic (the seed's 256): bounds one broadcast's fan-out work.
  std::size_t max_subscribers = 256;

  /// Presence (docs/presence.md): joins and leaves on a topic are gathered this long and
  /// sent as one presence_diff (0 = after the messages already queued), so a burst of
  /// 1 000 joins costs each subscriber a few frames, not 1 000.
  int presence_batch_ms = 50;
  /// Keys one connection (or app actor) may track on one topic.
  std::size_t max_presences_per_subscriber = 16;

  /// Arrays/objects an inbound frame may nest, its envelope included (serde_json's
  /// 128). Deeper frames are closed with 1007 while parsing: nothing downstream ever
  /// recurses over a deeper value. Payloads an app builds itself are not checked.
  std::size_t max_json_depth = protocol::default_max_json_depth;

  /// Per-connection rate limit on inbound messages (token bucket; heartbeats are free).
  /// 0 = off (the default: apps differ too much for one number). Over the limit, a
  /// message gets the error reply {"reason":"rate limited"} and is not handled.
  double rate_limit_per_s = 0;
  /// Bucket size: how many messages may arrive at once after a quiet period.
  double rate_limit_burst = 50;

  /// Several nodes as one server (docs/cluster.md); off by default.
  cluster_config cluster;

  std::chrono::seconds heartbeat_timeout() const { return std::chrono::seconds{heartbeat_timeout_s}; }
};

} // namespace chorus
