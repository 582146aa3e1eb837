#include "actors/cluster_membership.hpp"

#include <algorithm>

#include <caf/send.hpp>

#include "actors/log.hpp"

namespace chorus::detail::cluster_membership {

namespace {
using snapshot_actor = caf::typed_actor<caf::replies_to<presence_snapshot_request>::with<peer_presence>>;
/// What the dialler answers.
using dial_actor = caf::typed_actor<caf::replies_to<dial_request>::with<caf::actor>>;
} // namespace

/// "[cluster] a: …": which node speaks matters when several log to one place.
void log(self_ptr self, log_level level, const std::string& text) {
  log_line(level, "cluster", self->state.node_name + ": " + text);
}

std::string where(const cluster_peer& p) { return p.address.empty() ? p.name : p.name + " (" + p.address + ")"; }

bool address_up(self_ptr self, const std::string& address) {
  for (auto& [_, p] : self->state.peers)
    if (p.address == address) return true;
  return false;
}

/// /stats reads this copy; one lock per change of a peer. A peer going down keeps its
/// counters there, with nothing queued and no interest.
void publish(self_ptr self, const cluster_peer& p, bool up) {
  auto& stats = *self->state.stats;
  std::lock_guard<std::mutex> lock{stats.cluster_mutex};
  auto& c = stats.peers[p.name];
  c = p.counters;
  c.address = p.address;
  c.incarnation = p.incarnation;
  c.up = up;
  c.queued_bytes = up ? p.pending_bytes + p.in_flight_bytes : 0;
  c.interest = up ? p.interest.size() : 0;
}

peer_hello make_hello(self_ptr self, bool reply) {
  auto& st = self->state;
  peer_hello h;
  h.cluster = st.config.cluster_name;
  h.name = st.node_name;
  h.incarnation = st.incarnation;
  h.address = st.address;
  for (auto& [_, p] : st.peers)
    if (!p.address.empty()) h.members.push_back(p.address);
  for (auto& [topic, _] : st.topics) h.topics.push_back(topic);
  h.reply = reply;
  return h;
}

void dial(self_ptr self, const std::string& address) {
  auto& st = self->state;
  auto it = st.dials.find(address);
  if (it == st.dials.end() || it->second.dialing || !st.dialer || address_up(self, address)) return;
  auto& d = it->second;
  d.dialing = true;
  auto attempt = ++d.attempt;
  // The dialler probes with a non-blocking connect first, so a dead address never
  // stalls CAF's middleman actor (whose own connect blocks); the timeout covers a peer
  // that accepts and then never answers the handshake.
  auto wait = st.config.timeout * 2;
  self->request(caf::actor_cast<dial_actor>(st.dialer), wait, dial_request{address})
    .then(
      [self, address, attempt](caf::actor& peer) {
        auto it = self->state.dials.find(address);
        if (it == self->state.dials.end() || it->second.attempt != attempt) return;
        it->second.dialing = false;
        self->send(caf::actor_cast<cluster_actor>(peer), make_hello(self, false));
        self->delayed_send(self, self->state.config.timeout, hello_timeout{address, attempt});
      },
      [self, address, attempt](caf::error& err) {
        auto it = self->state.dials.find(address);
        if (it == self->state.dials.end() || it->second.attempt != attempt) return;
        auto& d = it->second;
        d.dialing = false;
        auto why = self->system().render(err);
        ++d.failures;
        // One line when a target starts failing or fails differently, not one per retry.
        if (d.failures == 1 || why != d.last_error)
          log(self, log_level::warn, "dial " + address + " failed: " + why + " (retrying with backoff)");
        d.last_error = why;
        schedule_redial(self, address);
      });
}

void schedule_redial(self_ptr self, const std::string& address) {
  auto& st = self->state;
  auto it = st.dials.find(address);
  if (it == st.dials.end() || !st.dialer) return;
  auto& d = it->second;
  d.backoff = d.backoff.count() == 0 ? st.config.redial_min : std::min(d.backoff * 2, st.config.redial_max);
  // ±25 % jitter: nodes that lost the same peer do not all dial it in the same instant.
  auto span = std::max<std::int64_t>(d.backoff.count() / 2, 1);
  auto delay = d.backoff - std::chrono::milliseconds{span / 2} +
               std::chrono::milliseconds{static_cast<std::int64_t>(st.jitter() % static_cast<std::uint64_t>(span))};
  self->delayed_send(self, delay, redial{address, d.attempt});
}

void want(self_ptr self, const std::string& address, bool seed) {
  auto& st = self->state;
  if (address.empty() || address == st.address) return;
  auto [it, added] = st.dials.try_emplace(address);
  if (seed) it->second.seed = true;
  if (added) dial(self, address);
}

/// Forgets a peer: its interest, its queue; re-dials its address after a backoff.
void drop_peer(self_ptr self, const std::string& name, const std::string& why) {
  auto& st = self->state;
  auto it = st.peers.find(name);
  if (it == st.peers.end()) return;
  auto& p = it->second;
  p.counters.dropped += p.pending.size();
  ++p.counters.downs;
  log(self, log_level::warn, "peer " + where(p) + " down: " + why + "; " +
                         std::to_string(p.pending.size()) + " queued broadcasts dropped");
  self->demonitor(p.handle.address());
  publish(self, p, false);
  auto address = p.address;
  auto name_copy = p.name;
  st.peers.erase(it);
  // Its presences leave every local list (an empty snapshot replaces them); when it comes
  // back, its snapshot brings them again.
  for (auto& [topic, actor] : st.topics)
    caf::anon_send(actor, remote_presence{name_copy, peer_presence{topic, true, {}, {}}});
  // Answers it owed to cluster-wide counts will not come: those finish on their timeout.
  if (!address.empty()) {
    st.dials.try_emplace(address);
    schedule_redial(self, address);
  }
}

/// A peer has just said it has subscribers for `topics`: it gets this node's presences on
/// those of them that live here too.
void send_presence_snapshots(self_ptr self, const std::string& peer, std::uint64_t incarnation,
                             const std::vector<std::string>& topics) {
  for (auto& topic : topics) {
    auto it = self->state.topics.find(topic);
    if (it == self->state.topics.end()) continue;
    self->request(caf::actor_cast<snapshot_actor>(it->second), std::chrono::seconds{5}, presence_snapshot_request{topic})
      .then(
        [self, peer, incarnation](peer_presence& snapshot) {
          auto p = self->state.peers.find(peer);
          if (p != self->state.peers.end() && p->second.incarnation == incarnation) self->send(p->second.handle, snapshot);
        },
        [](caf::error&) {});  // the topic retired meanwhile: nothing of ours to tell
  }
}

void on_hello(self_ptr self, peer_hello& h) {
  auto& st = self->state;
  auto from = caf::actor_cast<cluster_actor>(self->current_sender());
  if (!from) return;
  if (h.version != cluster_wire_version || h.cluster != st.config.cluster_name) {
    log(self, log_level::error, "refused node " + h.name + " at " + h.address + ": cluster \"" + h.cluster +
                            "\" version " + std::to_string(h.version) + ", this is cluster \"" +
                            st.config.cluster_name + "\" version " + std::to_string(cluster_wire_version));
    st.dials.erase(h.address);
    return;
  }
  if (h.name == st.node_name) {
    if (h.incarnation != st.incarnation)
      log(self, log_level::error, "refused node at " + h.address + ": it is also named \"" + h.name +
                              "\" (node names must be unique)");
    st.dials.erase(h.address);  // (a seed that is this node)
    return;
  }
  auto it = st.peers.find(h.name);
  if (it != st.peers.end() && it->second.incarnation != h.incarnation) {
    drop_peer(self, h.name, "replaced by a new incarnation");  // a restart: the old one is gone
    it = st.peers.end();
  }
  bool fresh = it == st.peers.end();
  if (fresh) {
    it = st.peers.emplace(h.name, cluster_peer{}).first;
    auto& p = it->second;
    p.name = h.name;
    p.incarnation = h.incarnation;
    {
      std::lock_guard<std::mutex> lock{st.stats->cluster_mutex};
      if (auto old = st.stats->peers.find(h.name); old != st.stats->peers.end()) p.counters = old->second;
    }
    ++p.counters.ups;
  }
  auto& p = it->second;
  if (caf::actor_cast<caf::strong_actor_ptr>(p.handle) != caf::actor_cast<caf::strong_actor_ptr>(from)) {
    if (p.handle) self->demonitor(p.handle.address());
    p.handle = from;
    self->monitor(from);
  }
  p.address = h.address;
  p.interest = {h.topics.begin(), h.topics.end()};  // its whole interest, replacing any older
  if (!h.address.empty()) {
    auto& d = st.dials[h.address];
    d.failures = 0;
    d.backoff = {};
    d.dialing = false;
  }
  if (!h.reply) self->send(from, make_hello(self, true));
  send_presence_snapshots(self, p.name, p.incarnation, h.topics);
  if (fresh)
    log(self, log_level::info, "peer " + where(p) + " up, incarnation " +
                           std::to_string(p.incarnation) + ", " + std::to_string(p.interest.size()) + " topics");
  publish(self, p);
  for (auto& member : h.members) want(self, member, false);  // a full mesh from any seed
}

} // namespace chorus::detail::cluster_membership
