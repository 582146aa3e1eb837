#pragma once
#include "actors/channel_config.hpp"

namespace chat {

/// The seed's chat room: "room:*"; new_msg is broadcast to every subscriber including
/// the sender; ping is answered ok with its own payload (bytes in → bytes back).
chorus::channel_def room_channel();

} // namespace chat
