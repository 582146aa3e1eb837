#include "actors/topic_actor.hpp"

#include <algorithm>

#include "actors/log.hpp"
#include "actors/topic_presence.hpp"

namespace chorus::detail {

namespace {

using self_ptr = caf::stateful_actor<topic_state>*;
using protocol::json;

/// The frame for one serializer, built on first use and reused for every subscriber.
struct frame_cache {
  const broadcast_request& msg;
  shared_frame frames[2];
  bool failed[2] = {false, false};

  shared_frame get(protocol::serializer ser) {
    auto i = std::size_t(ser);
    if (!frames[i] && !failed[i]) {
      auto enc = protocol::encode_broadcast(ser, msg.topic, msg.event, msg.body);
      if (enc) {
        frames[i] = make_shared_frame(std::move(*enc));
      } else if (enc.error().kind == protocol::error_kind::binary_not_supported) {
        failed[i] = true;  // raw user broadcasts skip V1 members (realtime's rule), quietly
      } else {
        failed[i] = true;
        log_line(log_level::warn, "topic", "broadcast not delivered: " + enc.error().detail,
                 {{"topic", msg.topic}, {"event", msg.event}});
      }
    }
    return frames[i];
  }
};

/// Groups connection subscribers by (delivery group, serializer). New vectors each time:
/// lists handed to io threads earlier stay valid and unchanged.
void rebuild_lists(topic_state& st) {
  st.lists.clear();
  st.direct.clear();
  st.intercepted.clear();
  const std::vector<std::string>* seen = nullptr;  // subscribers of one channel share one list
  for (auto& sub : st.subscribers) {
    if (sub.intercepts && sub.intercepts.get() != seen) {
      seen = sub.intercepts.get();
      for (auto& event : *seen)
        if (std::find(st.intercepted.begin(), st.intercepted.end(), event) == st.intercepted.end())
          st.intercepted.push_back(event);
    }
    auto* group = sub.conn ? sub.conn->group() : nullptr;
    if (!group) {
      st.direct.push_back(sub);
      continue;
    }
    auto it = std::find_if(st.lists.begin(), st.lists.end(),
                           [&](const member_list& l) { return l.group == group && l.ser == sub.ser; });
    if (it == st.lists.end())
      it = st.lists.insert(st.lists.end(), member_list{group, sub.ser, std::make_shared<std::vector<connection_ptr>>()});
    it->members->push_back(sub.conn);
  }
  st.lists_stale = false;
}

bool intercepts(const subscriber& sub, const std::string& event) {
  return sub.intercepts && std::find(sub.intercepts->begin(), sub.intercepts->end(), event) != sub.intercepts->end();
}

/// An intercepted event: each subscriber whose channel intercepts it gets it in its
/// socket actor (handle_out); the rest as on the fast path, one by one.
void fan_out_intercepted(self_ptr self, const broadcast_request& msg, frame_cache& cache) {
  std::shared_ptr<const outgoing_broadcast::data> shared;  // one copy for every handle_out
  for (auto& sub : self->state.subscribers) {
    if (msg.except && sub.owner.address() == msg.except) continue;
    if (!sub.conn) {
      self->send(sub.owner, pubsub_message{msg.topic, msg.event, msg.body});
    } else if (intercepts(sub, msg.event)) {
      if (!shared) shared = std::make_shared<const outgoing_broadcast::data>(msg.topic, msg.event, msg.body);
      self->send(sub.owner, outgoing_broadcast{shared});
    } else if (auto frame = cache.get(sub.ser)) {
      sub.conn->send(std::move(frame));
    }
  }
}

} // namespace

/// To every local subscriber: connections get one frame per serializer in use (one
/// hand-over per io thread), app actors a pubsub_message.
void fan_out(self_ptr self, const broadcast_request& msg) {
  auto& st = self->state;
  if (st.lists_stale) rebuild_lists(st);
  frame_cache cache{msg, {}};
  if (!st.intercepted.empty() &&
      std::find(st.intercepted.begin(), st.intercepted.end(), msg.event) != st.intercepted.end())
    return fan_out_intercepted(self, msg, cache);
  const connection* skip = nullptr;  // broadcast_from: the sender's connection
  if (msg.except) {
    auto it = std::find_if(st.subscribers.begin(), st.subscribers.end(),
                           [&](const subscriber& s) { return s.owner.address() == msg.except; });
    if (it != st.subscribers.end()) skip = it->conn.get();
  }
  for (auto& sub : st.direct) {
    if (msg.except && sub.owner.address() == msg.except) continue;
    if (!sub.conn) self->send(sub.owner, pubsub_message{msg.topic, msg.event, msg.body});
    else if (auto frame = cache.get(sub.ser)) sub.conn->send(std::move(frame));
  }
  for (auto& list : st.lists)
    if (auto frame = cache.get(list.ser)) list.group->deliver(std::move(frame), list.members, skip);
}

namespace {

void remove_where(self_ptr self, auto pred) {
  auto& subs = self->state.subscribers;
  auto removed = std::stable_partition(subs.begin(), subs.end(), [&](const subscriber& s) { return !pred(s); });
  self->state.stats->subscribers.fetch_sub(std::size_t(subs.end() - removed), std::memory_order_relaxed);
  if (!self->state.presences.empty() && removed != subs.end()) {
    std::vector<caf::actor_addr> gone;
    for (auto it = removed; it != subs.end(); ++it) gone.push_back(it->owner.address());
    subs.erase(removed, subs.end());
    drop_presences_of(self, gone);
  } else {
    subs.erase(removed, subs.end());
  }
  self->state.lists_stale = true;
  if (subs.empty())  // ask to retire; the registry decides (a subscribe may be in flight)
    self->send(self->state.registry, retire_request{self->state.topic, self->state.subscribes_seen});
}

} // namespace

caf::behavior topic_actor(self_ptr self, std::string topic, registry_actor registry,
                          topic_limits limits, std::shared_ptr<runtime_stats> stats, cluster_actor uplink) {
  auto& st = self->state;
  st.uplink = std::move(uplink);
  st.pending_joins = json::object();
  st.pending_leaves = json::object();
  st.topic = std::move(topic);
  st.registry = std::move(registry);
  st.limits = limits;
  st.stats = stats;
  self->set_down_handler([self](caf::down_msg& dm) {
    remove_where(self, [&](const subscriber& s) { return s.owner.address() == dm.source; });
  });
  // A subscriber that cannot take a pubsub_message (no handler, or a handler that fails)
  // answers it with an error. CAF's default would stop this actor on it, ending the topic
  // for every other subscriber: the fault costs that subscriber only instead.
  self->set_error_handler([self](caf::error& err) {
    auto from = caf::actor_cast<caf::actor_addr>(self->current_sender());
    auto is_sender = [&](const subscriber& s) { return s.owner.address() == from; };
    auto& subs = self->state.subscribers;
    if (std::none_of(subs.begin(), subs.end(), is_sender)) {
      log_line(log_level::warn, "topic", "ignored an error: " + self->system().render(err), {{"topic", self->state.topic}});
      return;
    }
    self->state.stats->count(refusal::faulty_subscriber);
    log_line(log_level::warn, "topic",
             "dropped subscriber " + caf::to_string(from) + ": it answered a broadcast with " + self->system().render(err),
             {{"topic", self->state.topic}});
    self->demonitor(from);
    remove_where(self, is_sender);
  });
  // Whatever a subscriber's handler returns comes back here and means nothing to a topic.
  // Dropped without an answer: caf::drop would answer with an error, and CAF's default
  // error handler would then stop that subscriber for having answered.
  self->set_default_handler([](caf::scheduled_actor*, caf::message_view&) -> caf::result<caf::message> {
    return caf::delegated<caf::message>{};
  });
  return {
    [self](subscribe_request& req) -> caf::result<caf::actor> {
      auto& st = self->state;
      ++st.subscribes_seen;
      auto existing = std::find_if(st.subscribers.begin(), st.subscribers.end(),
                                   [&](const subscriber& s) { return s.owner == req.sub.owner; });
      bool ok = existing != st.subscribers.end() || st.subscribers.size() < st.limits.max_subscribers;
      if (ok) {
        if (existing != st.subscribers.end()) {
          *existing = req.sub;
        } else {
          self->monitor(req.sub.owner);
          st.subscribers.push_back(req.sub);
          st.stats->subscribers.fetch_add(1, std::memory_order_relaxed);
        }
        st.lists_stale = true;
        // Written before any later broadcast of this topic: the join reply comes first.
        if (req.first_frame && req.sub.conn) req.sub.conn->send(req.first_frame);
      }
      if (ok) return caf::actor{self};
      log_line(log_level::warn, "topic", "subscriber limit reached", {{"topic", st.topic}});
      if (st.subscribers.empty()) self->send(st.registry, retire_request{st.topic, st.subscribes_seen});
      return make_error(limit_error::subscriber_limit_reached);
    },
    [self](unsubscribe_request& req) {
      remove_where(self, [&](const subscriber& s) {
        return s.owner.address() == req.owner && (req.id == 0 || s.id == req.id);
      });
    },
    [self](const unsubscribe_all& req) {
      remove_where(self, [&](const subscriber& s) { return s.owner.address() == req.owner; });
    },
    [self](broadcast_request& msg) {
      auto& st = self->state;
      auto started = std::chrono::steady_clock::now();
      fan_out(self, msg);
      st.stats->fanout_duration.observe(std::chrono::steady_clock::now() - started);
      st.stats->broadcasts.fetch_add(1, std::memory_order_relaxed);
      // A socket's broadcast reaches its topic first: the peers get it from here, once,
      // without `except` (the sender is on this node).
      if (st.uplink && !msg.local_only) {
        msg.except = {};
        caf::anon_send(st.uplink, std::move(msg));
      }
    },
    [self](const subscriber_count_request&) -> std::size_t { return self->state.subscribers.size(); },
    [self](presence_request& req) { on_presence(self, req); },
    [self](const presence_state_request& req) {
      auto& st = self->state;
      auto it = std::find_if(st.subscribers.begin(), st.subscribers.end(),
                             [&](const subscriber& s) { return s.owner.address() == req.owner; });
      if (it == st.subscribers.end() || !it->conn) return;  // left meanwhile (or not a connection)
      it->conn->send(make_shared_frame(
        protocol::encode_push_json_text(it->ser, req.join_ref, st.topic, "presence_state", presence_list(st))));
    },
    [self](const presence_list_request&) -> std::string { return presence_list(self->state); },
    [self](remote_presence& msg) { on_remote_presence(self, msg); },
    [self](const presence_snapshot_request&) -> peer_presence { return local_snapshot(self->state); },
    [self](presence_flush) { flush_diff(self); },
    [self](retire_topic) {  // the registry's go-ahead
      flush_diff(self);  // the other nodes still hear of the last members' presences leaving
      self->quit();
    },
  };
}

} // namespace chorus::detail
