#pragma once
// Phoenix.Presence for chorus channels (docs/presence.md): who is on a topic, with what
// metadata. One list per topic, kept by the topic actor beside its subscribers: a
// presence belongs to a subscriber of the topic and leaves with it (leave, disconnect,
// crash). Changes reach every subscriber as presence_diff {joins, leaves}, gathered over
// channel_config::presence_batch_ms; phoenix.js's Presence class reads them unchanged.
//
//   .join = [](const json&, chorus::socket& sock) {
//     chorus::presence::track(sock, sock.query().value("user_id", "anon"), {{"online_at", now()}});
//     chorus::presence::push_state(sock);   // presence_state right after the join reply
//     return chorus::join_result::ok();
//   },
#include <chrono>
#include <string>

#include <caf/duration.hpp>
#include <caf/message.hpp>

#include "actors/pubsub.hpp"
#include "actors/socket.hpp"

namespace chorus {

class presence {
public:
  /// Tracks this connection under `key` on the socket's topic. `meta` must be a JSON
  /// object; it gets a unique "phx_ref". Tracking a key this connection already tracks
  /// updates it. At most channel_config::max_presences_per_subscriber keys per connection
  /// and topic; a refusal is logged.
  static void track(const socket& sock, std::string key, json meta);
  /// Replaces the meta of a tracked key: the new one gets a new "phx_ref" and
  /// "phx_ref_prev" (the old one); the diff carries the old meta as a leave and the new
  /// one as a join, as Phoenix's does.
  static void update(const socket& sock, std::string key, json meta);
  static void untrack(const socket& sock, std::string key);
  /// Pushes "presence_state" (the topic's whole list) to this connection, after its
  /// join reply when called in the join callback — on every join and rejoin, with that
  /// join's join_ref, which is what phoenix.js's Presence waits for.
  static void push_state(const socket& sock);

  /// A topic's list ({key: {metas: [...]}}) as JSON text, without blocking:
  ///   chorus::presence::list(self, bus, "room:1").then([](const std::string& text) { ... });
  template <class Self>
  static auto list(Self* self, const pubsub& bus, const std::string& topic,
                   caf::duration timeout = caf::duration{std::chrono::seconds{5}}) {
    return self->request(bus.registry(), timeout, list_message(topic));
  }

private:
  static caf::message list_message(const std::string& topic);
};

} // namespace chorus
