#pragma once
#include "actors/channel_config.hpp"

namespace realtime {

/// "realtime:*" as Supabase Realtime's Broadcast and Presence behave for socket clients
/// (@supabase/realtime-js, unchanged): the join config (broadcast.self/ack,
/// presence.key/enabled), event "broadcast" relayed to every subscriber (the sender only
/// with self:true, an ok reply only with ack:true), event "presence" (track / untrack),
/// "access_token" accepted silently. docs/presence.md, docs/protocol.md §2.4.
chorus::channel_def realtime_channel();

} // namespace realtime
