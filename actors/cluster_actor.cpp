#include "actors/cluster_actor.hpp"
#include "actors/cluster_membership.hpp"

#include <caf/send.hpp>

#include "actors/log.hpp"
#include "protocol/text_parse.hpp"

namespace chorus::detail {

namespace {

using namespace cluster_membership;
/// Topic actors are dynamically typed; for counts the cluster actor sees this face.
using count_actor = caf::typed_actor<caf::replies_to<subscriber_count_request>::with<std::size_t>>;

/// What a broadcast costs in a peer's queue: its bytes plus a little for the framing.
std::size_t item_bytes(const peer_item& item) {
  return item.topic.size() + item.event.size() + item.data.size() + item.user_event.size() + 16;
}

cluster_peer* peer_of_sender(self_ptr self) {
  auto from = self->current_sender();
  if (!from) return nullptr;
  for (auto& [_, p] : self->state.peers)
    if (caf::actor_cast<caf::strong_actor_ptr>(p.handle) == from) return &p;
  return nullptr;
}

void flush_peer(self_ptr self, cluster_peer& p) {
  if (p.pending.empty()) return;
  peer_batch batch{p.next_seq++, std::move(p.pending)};
  p.pending.clear();
  p.in_flight.emplace_back(batch.seq, p.pending_bytes);
  p.in_flight_bytes += p.pending_bytes;
  p.pending_bytes = 0;
  ++p.counters.batches_out;
  p.counters.items_out += batch.items.size();
  self->send(p.handle, std::move(batch));
}

void enqueue(self_ptr self, cluster_peer& p, const peer_item& item) {
  auto& st = self->state;
  auto bytes = item_bytes(item);
  if (p.pending_bytes + p.in_flight_bytes + bytes > st.config.max_queued_bytes) {
    if (st.config.on_overflow == cluster_config::overflow_policy::cut) {
      ++p.counters.dropped;
      drop_peer(self, std::string{p.name},
                "cut: " + std::to_string(p.pending_bytes + p.in_flight_bytes) + " bytes queued (max_queued_bytes)");
      return;
    }
    ++p.counters.dropped;
    if (!p.overflowing) {
      p.overflowing = true;
      log(self, log_level::warn, "peer " + p.name + ": " + std::to_string(p.pending_bytes + p.in_flight_bytes) +
                             " bytes queued (max_queued_bytes): dropping broadcasts to it until it catches up");
      publish(self, p);
    }
    return;
  }
  p.pending.push_back(item);
  p.pending_bytes += bytes;
  if (p.pending.size() >= st.config.max_batch_items || p.pending_bytes >= st.config.max_batch_bytes) {
    flush_peer(self, p);
  } else if (!st.flush_scheduled) {
    // Behind the forwards already queued: batches grow with the load, no timer needed.
    st.flush_scheduled = true;
    self->send(self, flush_peers{});
  }
}

/// A local broadcast: to every peer with subscribers for its topic ("disconnect" to all).
void forward(self_ptr self, broadcast_request& msg) {
  auto& st = self->state;
  if (st.peers.empty()) return;
  peer_item item;
  item.topic = std::move(msg.topic);
  item.event = std::move(msg.event);
  if (auto* bytes = std::get_if<protocol::binary>(&msg.body)) {
    item.binary = true;
    item.data = std::move(bytes->bytes);
    item.user_event = std::move(bytes->user_event);
  } else {
    item.data = std::get<protocol::json>(msg.body).dump();  // once, for every peer
  }
  bool everyone = item.event == "disconnect";
  // Copies: enqueue may drop a peer (cut), so walk a snapshot of the names.
  std::vector<std::string> names;
  for (auto& [name, p] : st.peers)
    if (everyone || p.interest.count(item.topic)) names.push_back(name);
  for (auto& name : names)
    if (auto it = st.peers.find(name); it != st.peers.end()) enqueue(self, it->second, item);
}

/// A peer's broadcast, fanned out here by the local topic actor (never forwarded again).
void deliver(self_ptr self, cluster_peer& p, peer_item& item) {
  auto& st = self->state;
  bool disconnect = item.event == "disconnect";
  auto topic = st.topics.find(item.topic);
  if (topic == st.topics.end() && !disconnect) return;  // retired meanwhile: nobody to tell
  protocol::payload body;
  if (item.binary) {
    body = protocol::binary{std::move(item.data), std::move(item.user_event)};
  } else {
    auto parsed = protocol::parse_json(item.data, st.max_json_depth);
    if (!parsed) {
      if (p.counters.bad_items++ == 0)
        log(self, log_level::warn, "peer " + p.name + " sent a broadcast that does not parse (" + item.topic +
                               "): " + parsed.error().detail);
      return;
    }
    body = std::move(*parsed);
  }
  if (disconnect) self->send(st.supervisor, disconnect_socket_id{item.topic});
  if (topic != st.topics.end())
    caf::anon_send(topic->second, broadcast_request{std::move(item.topic), std::move(item.event), std::move(body), {}, true});
}

void finish_count(self_ptr self, std::uint64_t id) {
  auto it = self->state.counts.find(id);
  if (it == self->state.counts.end()) return;
  it->second.promise.deliver(it->second.result);
  self->state.counts.erase(it);
}

void add_count(self_ptr self, std::uint64_t id, std::uint64_t n) {
  auto it = self->state.counts.find(id);
  if (it == self->state.counts.end()) return;
  it->second.result.total += n;
  if (++it->second.result.nodes_answered >= it->second.expected) finish_count(self, id);
}

/// This node's count of `topic`, then `done(n)`.
template <class F>
void count_here(self_ptr self, const std::string& topic, F done) {
  auto it = self->state.topics.find(topic);
  if (it == self->state.topics.end()) return done(std::uint64_t{0});
  self->request(caf::actor_cast<count_actor>(it->second), std::chrono::seconds{5}, subscriber_count_request{topic})
    .then([done](std::size_t n) mutable { done(std::uint64_t{n}); },
          [done](caf::error&) mutable { done(std::uint64_t{0}); });  // retired meanwhile
}

void send_interest(self_ptr self, peer_interest msg) {
  for (auto& [_, p] : self->state.peers) self->send(p.handle, msg);
}

} // namespace

cluster_actor::behavior_type cluster(self_ptr self, cluster_config config, std::string name, std::uint64_t incarnation,
                                     std::size_t max_json_depth, supervisor_actor supervisor,
                                     std::shared_ptr<runtime_stats> stats) {
  auto& st = self->state;
  st.config = std::move(config);
  st.node_name = std::move(name);
  st.incarnation = incarnation;
  st.max_json_depth = max_json_depth;
  st.supervisor = std::move(supervisor);
  st.stats = std::move(stats);
  st.jitter.seed(static_cast<std::uint32_t>(incarnation));
  {
    std::lock_guard<std::mutex> lock{st.stats->cluster_mutex};
    st.stats->node_name = st.node_name;
  }
  // A peer's proxy (or link) went away: the connection broke, or its heartbeat stopped.
  self->set_down_handler([self](caf::down_msg& dm) {
    for (auto& [name, p] : self->state.peers)
      if (p.handle.address() == dm.source) {
        drop_peer(self, std::string{name}, self->system().render(dm.reason));
        return;
      }
  });
  self->set_error_handler([self](caf::error& err) {
    log(self, log_level::warn, "ignored an error: " + self->system().render(err));
  });
  return {
    [self](topic_up& msg) {
      self->state.topics[msg.topic] = std::move(msg.actor);
      send_interest(self, peer_interest{{msg.topic}, {}});
    },
    [self](const topic_down& msg) {
      if (self->state.topics.erase(msg.topic) > 0) send_interest(self, peer_interest{{}, {msg.topic}});
    },
    [self](broadcast_request& msg) { forward(self, msg); },
    [self](flush_peers) {
      self->state.flush_scheduled = false;
      for (auto& [_, p] : self->state.peers)
        if (!p.pending.empty()) {
          flush_peer(self, p);
          publish(self, p);
        }
    },
    [self](peer_batch& batch) {
      auto* p = peer_of_sender(self);
      if (!p) return;  // from a peer we dropped (cut): it will say hello again
      if (batch.seq != p->expected_seq) {
        ++p->counters.seq_gaps;
        log(self, log_level::warn, "peer " + p->name + ": batch " + std::to_string(batch.seq) + " where " +
                               std::to_string(p->expected_seq) + " was due");
      }
      p->expected_seq = batch.seq + 1;
      ++p->counters.batches_in;
      p->counters.items_in += batch.items.size();
      for (auto& item : batch.items) deliver(self, *p, item);
      self->send(p->handle, peer_ack{batch.seq});
      publish(self, *p);
    },
    [self](const peer_ack& ack) {
      auto* p = peer_of_sender(self);
      if (!p) return;
      while (!p->in_flight.empty() && p->in_flight.front().first <= ack.seq) {
        p->in_flight_bytes -= p->in_flight.front().second;
        p->in_flight.pop_front();
      }
      if (p->overflowing && p->pending_bytes + p->in_flight_bytes <= self->state.config.max_queued_bytes / 2) {
        p->overflowing = false;
        log(self, log_level::info, "peer " + p->name + " caught up; " + std::to_string(p->counters.dropped) +
                               " broadcasts dropped so far");
      }
      publish(self, *p);
    },
    [self](peer_hello& h) { on_hello(self, h); },
    [self](peer_presence& msg) {
      auto& st = self->state;
      if (!self->current_sender()) {
        // From a local topic actor: this node's presence changes, to the peers that have
        // the topic. Outside the byte cap: small, and a dropped one would leave a peer's
        // list wrong until the next snapshot.
        for (auto& [_, p] : st.peers)
          if (p.interest.count(msg.topic)) self->send(p.handle, msg);
        return;
      }
      auto* p = peer_of_sender(self);
      if (!p) return;
      if (auto it = st.topics.find(msg.topic); it != st.topics.end())
        caf::anon_send(it->second, remote_presence{p->name, std::move(msg)});
    },
    [self](peer_interest& msg) {
      auto* p = peer_of_sender(self);
      if (!p) return;
      for (auto& t : msg.added) p->interest.insert(t);
      for (auto& t : msg.removed) p->interest.erase(t);
      publish(self, *p);
      send_presence_snapshots(self, p->name, p->incarnation, msg.added);
    },
    [self](peer_connect& msg) {
      if (!msg.address.empty()) self->state.dials.try_emplace(msg.address);
      self->send(caf::actor_cast<cluster_actor>(msg.peer), make_hello(self, false));
    },
    [self](cluster_start& msg) {
      auto& st = self->state;
      st.dialer = std::move(msg.dialer);
      st.address = std::move(msg.address);
      self->link_to(st.dialer);  // stops with this actor
      for (auto& seed : st.config.peers) want(self, seed, true);
    },
    [self](const redial& msg) {
      if (!address_up(self, msg.address)) dial(self, msg.address);
    },
    [self](const hello_timeout& msg) {
      auto& st = self->state;
      auto it = st.dials.find(msg.address);
      if (it == st.dials.end() || it->second.attempt != msg.attempt || address_up(self, msg.address)) return;
      ++it->second.failures;
      if (it->second.failures == 1)
        log(self, log_level::warn, "dial " + msg.address + ": no answer to hello within " +
                               std::to_string(st.config.timeout.count()) + " ms (retrying with backoff)");
      schedule_redial(self, msg.address);
    },
    [self](const peer_count_request& req) {
      auto* p = peer_of_sender(self);
      if (!p) return;
      auto to = p->handle;
      count_here(self, req.topic, [self, to, id = req.id](std::uint64_t n) { self->send(to, peer_count_reply{id, n}); });
    },
    [self](const peer_count_reply& msg) {
      if (peer_of_sender(self)) add_count(self, msg.id, msg.count);
    },
    [self](const count_timeout& msg) { finish_count(self, msg.id); },
    [self](const cluster_count_request& req) -> caf::typed_response_promise<cluster_count> {
      auto& st = self->state;
      auto id = st.next_count_id++;
      auto& c = st.counts[id];
      c.promise = self->make_response_promise<cluster_count>();
      c.expected = static_cast<std::uint32_t>(st.peers.size() + 1);
      c.result.nodes_up = c.expected;
      auto promise = c.promise;
      for (auto& [_, p] : st.peers) self->send(p.handle, peer_count_request{id, req.topic});
      count_here(self, req.topic, [self, id](std::uint64_t n) { add_count(self, id, n); });
      self->delayed_send(self, std::chrono::milliseconds{req.wait_ms}, count_timeout{id});
      return promise;
    },
    [self](peers_request) -> std::vector<std::string> {
      std::vector<std::string> names;
      for (auto& [name, _] : self->state.peers) names.push_back(name);
      return names;
    },
  };
}

} // namespace chorus::detail
