#pragma once
#include "actors/channel_config.hpp"

namespace chat {

/// The seed's chat room: "room:*"; new_msg is broadcast to every subscriber including
/// the sender; ping is answered ok with its own payload (bytes in → bytes back). Who is
/// in the room is Phoenix Presence: each connection is tracked under its user_id connect
/// param (or a generated "anon-N"), presence_state follows every join reply.
chorus::channel_def room_channel();

} // namespace chat
