// A topic's presence list (docs/presence.md): the topic actor keeps it beside its
// subscribers; these are its handlers and its diff window.
#include "actors/topic_presence.hpp"

#include <algorithm>
#include <random>
#include <unordered_set>
#include <utility>

#include "actors/log.hpp"
#include "protocol/base64.hpp"
#include "protocol/json_text.hpp"

namespace chorus::detail {

using self_ptr = topic_self;
using protocol::json;

namespace {

/// A unique reference per tracked meta, as Phoenix makes them (random, base64).
std::string new_phx_ref() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string bytes(12, '\0');
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    auto r = rng();
    for (std::size_t j = 0; j < 8 && i + j < bytes.size(); ++j) bytes[i + j] = static_cast<char>(r >> (8 * j));
  }
  return protocol::base64_encode(bytes);
}

void append_key_group(std::string& out, std::string_view key, std::string_view metas) {
  protocol::append_json_string(out, key);
  out += ":{\"metas\":[";
  out += metas;
  out += "]}";
}

} // namespace

/// The topic's presences as Phoenix lists them, {key: {metas: [meta, …]}}, as JSON text
/// (keys in first-seen order: a JSON object's order means nothing to clients).
const std::string& presence_list(topic_state& st) {
  if (st.list_valid) return st.list_text;
  std::unordered_map<std::string_view, std::size_t> index;
  std::vector<std::pair<std::string_view, std::string>> groups;
  auto add = [&](const presence_entry& p) {
    auto [it, fresh] = index.try_emplace(p.key, groups.size());
    if (fresh) groups.emplace_back(p.key, std::string{});
    auto& metas = groups[it->second].second;
    if (!metas.empty()) metas += ',';
    metas += p.text;
  };
  for (auto& p : st.presences) add(p);
  for (auto& [_, list] : st.remote)
    for (auto& p : list) add(p);
  auto& out = st.list_text;
  out = "{";
  for (auto& [key, metas] : groups) {
    if (out.size() > 1) out += ',';
    append_key_group(out, key, metas);
  }
  out += '}';
  st.list_valid = true;
  return out;
}

namespace {

/// Bookkeeping for the rendered list: a meta under a new key extends it in place, any
/// other change renders it again on next use.
void list_added(topic_state& st, const presence_entry& p) {
  auto& n = st.metas_per_key[p.key];
  if (++n == 1 && st.list_valid) {
    st.list_text.pop_back();  // '}'
    if (st.list_text.size() > 1) st.list_text += ',';
    append_key_group(st.list_text, p.key, p.text);
    st.list_text += '}';
  } else {
    st.list_valid = false;
  }
}

void list_removed(topic_state& st, const presence_entry& p) {
  if (auto it = st.metas_per_key.find(p.key); it != st.metas_per_key.end() && --it->second == 0)
    st.metas_per_key.erase(it);
  st.list_valid = false;
}

void schedule_diff(self_ptr self) {
  auto& st = self->state;
  if (st.diff_scheduled) return;
  st.diff_scheduled = true;
  if (st.limits.presence_window.count() > 0) self->delayed_send(self, st.limits.presence_window, presence_flush{});
  else self->send(self, presence_flush{});
}

/// `local`: one of this node's presences, which the cluster's other nodes hear about.
void diff_join(self_ptr self, const presence_entry& p, bool local = true) {
  auto& st = self->state;
  st.pending_joins[p.key]["metas"].push_back(p.meta);
  if (local && st.uplink) st.uplink_delta.joins.push_back({p.key, p.text});
  schedule_diff(self);
}

/// A leave cancels a join of the same meta still waiting in this window.
void diff_leave(self_ptr self, const presence_entry& p, bool local = true) {
  auto& st = self->state;
  if (local && st.uplink) {
    // Peers apply a change's leaves before its joins: a meta that joins and leaves in
    // one window must not reach them as both.
    const auto& text = p.text;
    auto& joins = st.uplink_delta.joins;
    auto same = std::find_if(joins.begin(), joins.end(), [&](const peer_presence_meta& m) { return m.key == p.key && m.meta == text; });
    if (same != joins.end()) joins.erase(same);
    else st.uplink_delta.leaves.push_back({p.key, text});
    schedule_diff(self);
  }
  if (auto it = st.pending_joins.find(p.key); it != st.pending_joins.end()) {
    auto& metas = (*it)["metas"];
    for (auto m = metas.begin(); m != metas.end(); ++m)
      if ((*m)["phx_ref"] == p.meta["phx_ref"]) {
        metas.erase(m);
        if (metas.empty()) st.pending_joins.erase(it);
        return;
      }
  }
  st.pending_leaves[p.key]["metas"].push_back(p.meta);
  schedule_diff(self);
}

} // namespace

void flush_diff(self_ptr self) {
  auto& st = self->state;
  st.diff_scheduled = false;
  if (!st.uplink_delta.joins.empty() || !st.uplink_delta.leaves.empty()) {
    st.uplink_delta.topic = st.topic;
    caf::anon_send(st.uplink, std::exchange(st.uplink_delta, peer_presence{}));
  }
  if (st.pending_joins.empty() && st.pending_leaves.empty()) return;
  json diff = {{"joins", std::move(st.pending_joins)}, {"leaves", std::move(st.pending_leaves)}};
  st.pending_joins = json::object();
  st.pending_leaves = json::object();
  // Every node computes its own diffs: local_only, never forwarded.
  fan_out(self, broadcast_request{st.topic, "presence_diff", std::move(diff), {}, true});
}

/// The presences of subscribers that are gone leave with them (a leave, a disconnect).
/// Linear in the presences: a drain of n members costs n², not n³.
void drop_presences_of(self_ptr self, const std::vector<caf::actor_addr>& gone) {
  auto& st = self->state;
  auto was_gone = [&](const caf::actor_addr& owner) { return std::find(gone.begin(), gone.end(), owner) != gone.end(); };
  auto keep = st.presences.begin();
  for (auto it = st.presences.begin(); it != st.presences.end(); ++it) {
    if (was_gone(it->owner)) {
      diff_leave(self, *it);
      list_removed(st, *it);
    }
    else if (keep != it) *keep++ = std::move(*it);
    else ++keep;
  }
  st.presences.erase(keep, st.presences.end());
}

/// This node's presences, as a peer gets them when its interest in the topic appears.
peer_presence local_snapshot(const topic_state& st) {
  peer_presence out{st.topic, true, {}, {}};
  for (auto& p : st.presences) out.joins.push_back({p.key, p.text});
  return out;
}

/// Another node's presences (docs/presence.md, "Across a cluster"): a snapshot replaces
/// what that node had here, a change applies; either way local subscribers get the
/// difference in their next presence_diff. Metas are matched by phx_ref, so a change
/// already contained in a snapshot applies as nothing.
void on_remote_presence(self_ptr self, remote_presence& msg) {
  auto& st = self->state;
  auto& list = st.remote[msg.node];
  auto parse = [&](const peer_presence_meta& m, presence_entry& out) {
    auto meta = protocol::parse_json(m.meta);
    if (!meta || !meta->is_object()) return false;
    out.key = m.key;
    out.meta = std::move(*meta);
    out.text = m.meta;
    return true;
  };
  auto ref_of = [](const presence_entry& p) { return p.meta.value("phx_ref", std::string{}); };
  auto find_ref = [&](const std::string& key, const std::string& ref) {
    return std::find_if(list.begin(), list.end(), [&](const presence_entry& p) { return p.key == key && ref_of(p) == ref; });
  };
  if (msg.presence.snapshot) {
    // (key, phx_ref) sets: a snapshot of thousands must not cost thousands squared.
    auto id_of = [&](const presence_entry& p) { return p.key + '\0' + ref_of(p); };
    std::vector<presence_entry> fresh;
    std::unordered_set<std::string> fresh_ids, old_ids;
    for (auto& m : msg.presence.joins)
      if (presence_entry e; parse(m, e)) {
        fresh_ids.insert(id_of(e));
        fresh.push_back(std::move(e));
      }
    for (auto& old : list) {
      auto id = id_of(old);
      if (!fresh_ids.count(id)) diff_leave(self, old, false);
      list_removed(st, old);
      old_ids.insert(std::move(id));
    }
    for (auto& e : fresh) {
      if (!old_ids.count(id_of(e))) diff_join(self, e, false);
      list_added(st, e);
    }
    list = std::move(fresh);
  } else {
    for (auto& m : msg.presence.leaves) {
      presence_entry e;
      if (!parse(m, e)) continue;
      if (auto it = find_ref(e.key, ref_of(e)); it != list.end()) {
        diff_leave(self, *it, false);
        list_removed(st, *it);
        list.erase(it);
      }
    }
    for (auto& m : msg.presence.joins) {
      presence_entry e;
      if (!parse(m, e) || find_ref(e.key, ref_of(e)) != list.end()) continue;
      list.push_back(std::move(e));
      list_added(st, list.back());
      diff_join(self, list.back(), false);
    }
  }
  if (list.empty()) st.remote.erase(msg.node);
}

void on_presence(self_ptr self, presence_request& req) {
  auto& st = self->state;
  auto refused = [&](const std::string& why) {
    log_line(log_level::warn, "topic", "presence refused: " + why, {{"topic", st.topic}, {"key", req.key}});
  };
  bool member = std::any_of(st.subscribers.begin(), st.subscribers.end(),
                            [&](const subscriber& s) { return s.owner.address() == req.owner; });
  if (!member) {
    refused("only a subscriber of the topic can be tracked on it");
    return;
  }
  auto mine = [&](const presence_entry& p) { return p.owner == req.owner && p.key == req.key; };
  auto it = std::find_if(st.presences.begin(), st.presences.end(), mine);
  if (req.op == presence_op::untrack) {
    for (auto p = st.presences.begin(); p != st.presences.end();) {
      if (!mine(*p)) {
        ++p;
        continue;
      }
      diff_leave(self, *p);
      list_removed(st, *p);
      p = st.presences.erase(p);
    }
    return;
  }
  if (!req.meta.is_object()) {
    refused("its meta must be a JSON object");
    return;
  }
  auto meta = std::move(req.meta);
  meta["phx_ref"] = new_phx_ref();
  if (it != st.presences.end()) {  // an update (or a second track: the same)
    meta["phx_ref_prev"] = it->meta["phx_ref"];
    diff_leave(self, *it);
    list_removed(st, *it);
    it->meta = std::move(meta);
    it->text = it->meta.dump();
    list_added(st, *it);
    diff_join(self, *it);
    return;
  }
  auto owned = std::count_if(st.presences.begin(), st.presences.end(),
                             [&](const presence_entry& p) { return p.owner == req.owner; });
  if (static_cast<std::size_t>(owned) >= st.limits.max_presences_per_subscriber) {
    refused(std::to_string(owned) + " keys tracked already (max_presences_per_subscriber)");
    return;
  }
  auto text = meta.dump();
  st.presences.push_back(presence_entry{req.key, req.owner, std::move(meta), std::move(text)});
  list_added(st, st.presences.back());
  diff_join(self, st.presences.back());
}

} // namespace chorus::detail
