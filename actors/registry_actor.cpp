#include "actors/registry_actor.hpp"

#include <caf/send.hpp>

#include "actors/log.hpp"
#include "actors/topic_actor.hpp"

namespace chorus::detail {

// A statically typed actor may send() only to statically typed actors (CAF 0.17); topic
// actors are dynamically typed, so what the registry forwards to them goes out with
// anon_send (a topic never answers the registry for those) or as a delegated request.

namespace {
using self_ptr = registry_actor::stateful_pointer<registry_state>;

void erase_topic(self_ptr self, const std::string& topic) {
  if (self->state.topics.erase(topic) == 0) return;
  self->state.stats->topics.fetch_sub(1);
  if (self->state.cluster) self->send(self->state.cluster, topic_down{topic});
}
} // namespace

registry_actor::behavior_type registry(self_ptr self, std::size_t max_topics, topic_limits limits,
                                       std::shared_ptr<runtime_stats> stats, supervisor_actor supervisor,
                                       cluster_actor cluster) {
  self->state.supervisor = std::move(supervisor);
  self->state.cluster = std::move(cluster);
  self->state.max_topics = max_topics;
  self->state.limits = limits;
  self->state.stats = stats;
  self->set_down_handler([self](caf::down_msg& dm) {
    // A topic that stopped on its own (it never should) must not be handed out again.
    for (auto& [topic, slot] : self->state.topics)
      if (slot.actor.address() == dm.source) {
        erase_topic(self, std::string{topic});
        return;
      }
  });
  // An error message (e.g. an answer bounced by an app actor) must not stop the node's
  // registry, which CAF's default error handler would do.
  self->set_error_handler([self](caf::error& err) {
    log_line(log_level::warn, "registry", "ignored an error: " + self->system().render(err));
  });
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& [_, slot] : self->state.topics) self->send_exit(slot.actor, msg.reason);
    self->quit(msg.reason);
  });
  return {
    [self](subscribe_request& req) -> caf::typed_response_promise<caf::actor> {
      auto& st = self->state;
      auto rp = self->make_response_promise<caf::actor>();
      auto it = st.topics.find(req.topic);
      if (it == st.topics.end()) {
        if (st.topics.size() >= st.max_topics) {
          log_line(log_level::warn, "registry", req.topic + ": topic limit reached");
          rp.deliver(make_error(limit_error::topic_limit_reached));  // (nothing when sent one-way)
          return rp;
        }
        auto topic = self->spawn(topic_actor, req.topic, registry_actor{self}, st.limits, st.stats,
                                 st.cluster);
        self->monitor(topic);
        // Before the subscribe is forwarded: this node's interest leaves for the peers
        // ahead of anything that follows the join (docs/cluster.md, "Interest").
        if (st.cluster) self->send(st.cluster, topic_up{req.topic, topic});
        it = st.topics.emplace(req.topic, registry_state::slot{topic, 0}).first;
        st.stats->topics.fetch_add(1);
      }
      ++it->second.forwarded;
      rp.delegate(it->second.actor, std::move(req));  // the topic answers the requester
      return rp;
    },
    [self](const retire_request& req) {
      const auto& topic = req.topic;
      auto it = self->state.topics.find(topic);
      auto sender = caf::actor_cast<caf::actor>(self->current_sender());
      if (it == self->state.topics.end() || it->second.actor != sender) return;
      if (it->second.forwarded != req.seen) return;  // a subscribe is on its way: stay alive
      self->demonitor(it->second.actor);
      caf::anon_send(it->second.actor, retire_topic{});
      erase_topic(self, topic);
    },
    [self](broadcast_request& msg) {
      auto& st = self->state;
      // Phoenix: "disconnect" broadcast to a socket id closes those connections.
      if (is_socket_disconnect(msg)) self->send(st.supervisor, disconnect_socket_id{msg.topic});
      auto it = st.topics.find(msg.topic);
      bool to_cluster = st.cluster && !msg.local_only;
      if (it != st.topics.end()) {
        if (!to_cluster) return caf::anon_send(it->second.actor, std::move(msg));
        auto local = msg;
        local.local_only = true;  // forwarded from here, not by the topic
        caf::anon_send(it->second.actor, std::move(local));
      }
      if (to_cluster) self->send(st.cluster, std::move(msg));
    },
    [self](presence_request& req) {
      if (auto it = self->state.topics.find(req.topic); it != self->state.topics.end())
        caf::anon_send(it->second.actor, std::move(req));
    },
    [self](presence_state_request& req) {
      if (auto it = self->state.topics.find(req.topic); it != self->state.topics.end())
        caf::anon_send(it->second.actor, std::move(req));
    },
    [self](presence_list_request& req) -> caf::typed_response_promise<std::string> {
      auto rp = self->make_response_promise<std::string>();
      auto it = self->state.topics.find(req.topic);
      if (it == self->state.topics.end()) rp.deliver(std::string{"{}"});
      else rp.delegate(it->second.actor, std::move(req));
      return rp;
    },
    [self](unsubscribe_request& req) {
      if (auto it = self->state.topics.find(req.topic); it != self->state.topics.end())
        caf::anon_send(it->second.actor, std::move(req));
    },
    [self](const unsubscribe_all& req) {
      for (auto& [_, slot] : self->state.topics) caf::anon_send(slot.actor, req);
    },
    [self](subscriber_count_request& req) -> caf::typed_response_promise<std::size_t> {
      auto rp = self->make_response_promise<std::size_t>();
      auto it = self->state.topics.find(req.topic);
      if (it == self->state.topics.end()) rp.deliver(std::size_t{0});
      else rp.delegate(it->second.actor, std::move(req));
      return rp;
    },
    [self](topic_count_request) -> std::size_t { return self->state.topics.size(); },
    [self](cluster_count_request& req) -> caf::typed_response_promise<cluster_count> {
      auto rp = self->make_response_promise<cluster_count>();
      if (self->state.cluster) {
        rp.delegate(self->state.cluster, std::move(req));
        return rp;
      }
      auto it = self->state.topics.find(req.topic);
      if (it == self->state.topics.end()) {
        rp.deliver(cluster_count{0, 1, 1});
        return rp;
      }
      using count_actor = caf::typed_actor<caf::replies_to<subscriber_count_request>::with<std::size_t>>;
      self->request(caf::actor_cast<count_actor>(it->second.actor), std::chrono::seconds{5},
                    subscriber_count_request{req.topic})
        .then([rp](std::size_t n) mutable { rp.deliver(cluster_count{n, 1, 1}); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
  };
}

} // namespace chorus::detail
