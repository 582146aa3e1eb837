#include "actors/caf_types.hpp"

#include "actors/cluster_messages.hpp"
#include "actors/limit_error.hpp"
#include "actors/pubsub_message.hpp"

namespace chorus {

void register_chorus_types(caf::actor_system_config& cfg) {
  // (CAF 0.17.6's add_error_category<T> template does not compile: its renderer has the
  // old signature. The plain overload takes the current one.)
  cfg.add_error_category(limit_error_category, [](std::uint8_t code, caf::atom_value, const caf::message&) {
    return "chorus: " + to_string(static_cast<limit_error>(code));
  });
  cfg.add_message_type<pubsub_message>("chorus.pubsub_message");
  // What crosses between nodes (actors/cluster_wire.hpp). A type missing here shows only
  // at run time, as a message the peer cannot read: every node registers all of them.
  cfg.add_message_type<detail::peer_hello>("chorus.peer_hello");
  cfg.add_message_type<detail::peer_interest>("chorus.peer_interest");
  cfg.add_message_type<detail::peer_batch>("chorus.peer_batch");
  cfg.add_message_type<detail::peer_ack>("chorus.peer_ack");
  cfg.add_message_type<detail::peer_count_request>("chorus.peer_count_request");
  cfg.add_message_type<detail::peer_count_reply>("chorus.peer_count_reply");
  cfg.add_message_type<detail::peer_presence>("chorus.peer_presence");
  cfg.add_message_type<detail::remote_presence>("chorus.remote_presence");
  cfg.add_message_type<detail::presence_snapshot_request>("chorus.presence_snapshot_request");
  cfg.add_message_type<cluster_count>("chorus.cluster_count");
  // The rest of the cluster actor's interface (named in its published signature).
  cfg.add_message_type<detail::topic_up>("chorus.topic_up");
  cfg.add_message_type<detail::topic_down>("chorus.topic_down");
  cfg.add_message_type<detail::broadcast_request>("chorus.broadcast_request");
  cfg.add_message_type<detail::peer_connect>("chorus.peer_connect");
  cfg.add_message_type<detail::cluster_start>("chorus.cluster_start");
  cfg.add_message_type<detail::flush_peers>("chorus.flush_peers");
  cfg.add_message_type<detail::redial>("chorus.redial");
  cfg.add_message_type<detail::hello_timeout>("chorus.hello_timeout");
  cfg.add_message_type<detail::count_timeout>("chorus.count_timeout");
  cfg.add_message_type<detail::cluster_count_request>("chorus.cluster_count_request");
  cfg.add_message_type<detail::peers_request>("chorus.peers_request");
  cfg.add_message_type<detail::presence_list_request>("chorus.presence_list_request");
  cfg.add_message_type<detail::presence_flush>("chorus.presence_flush");
}

} // namespace chorus
