#pragma once
// The presence half of a topic actor (docs/presence.md), in a file of its own; the topic
// actor (topic_actor.cpp) calls these from its handlers.
#include <string>
#include <vector>

#include "actors/topic_actor.hpp"

namespace chorus::detail {

using topic_self = caf::stateful_actor<topic_state>*;

/// To every local subscriber, encoded once per serializer (topic_actor.cpp).
void fan_out(topic_self self, const broadcast_request& msg);

/// The list as Phoenix shapes it, {key: {metas: [...]}}, as JSON text (kept rendered).
const std::string& presence_list(topic_state& st);
/// The diff window is over: presence_diff to the members, this node's changes to the cluster.
void flush_diff(topic_self self);
/// The presences of members that are gone leave with them.
void drop_presences_of(topic_self self, const std::vector<caf::actor_addr>& gone);
/// This node's own presences, for a peer whose interest in the topic just appeared.
peer_presence local_snapshot(const topic_state& st);
void on_remote_presence(topic_self self, remote_presence& msg);
void on_presence(topic_self self, presence_request& req);

} // namespace chorus::detail
