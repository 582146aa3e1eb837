#include "actors/socket.hpp"

#include "actors/pubsub.hpp"
#include "actors/socket_actor.hpp"

namespace chorus {

socket::socket(std::shared_ptr<detail::socket_context> ctx, std::string topic, json join_ref, json ref)
  : ctx_(ctx), topic_(std::move(topic)), join_ref_(std::move(join_ref)), ref_(std::move(ref)) {}

template <class F>
void socket::run(F&& fn) const {
  if (outbox_.box) {
    outbox_.box->calls.emplace_back(std::forward<F>(fn));  // carried out after the callback
  } else if (auto ctx = ctx_.lock()) {
    if (auto target = caf::actor_cast<caf::actor>(ctx->self))
      caf::anon_send(target, detail::socket_call{std::forward<F>(fn)});
  }
}

void socket::call(std::function<void(socket_actor_state&)> fn) const { run(std::move(fn)); }

void socket::push(std::string_view event, payload body) const {
  run([topic = topic_, jr = join_ref_, ev = std::string{event}, b = std::move(body)](socket_actor_state& st) {
    st.push(topic, jr, ev, b);
  });
}

void socket::reply(std::string_view status, payload response) const {
  run([topic = topic_, jr = join_ref_, ref = ref_, s = std::string{status},
       r = std::move(response)](socket_actor_state& st) { st.reply(topic, jr, ref, s, r); });
}

void socket::broadcast(std::string_view event, payload body) const {
  run([topic = topic_, ev = std::string{event}, b = std::move(body)](socket_actor_state& st) {
    st.broadcast(topic, ev, b, false);
  });
}

void socket::broadcast_from(std::string_view event, payload body) const {
  run([topic = topic_, ev = std::string{event}, b = std::move(body)](socket_actor_state& st) {
    st.broadcast(topic, ev, b, true);
  });
}

void socket::push_to(const socket& target, std::string_view event, payload body) const {
  target.push(event, std::move(body));
}

void socket::resolve_join(join_result result) const {
  run([topic = topic_, jr = join_ref_, r = std::move(result)](socket_actor_state& st) {
    st.apply_join_result(topic, jr, r);
  });
}

std::string socket::param(std::string_view name) const {
  auto ctx = ctx_.lock();
  if (!ctx) return {};
  auto it = ctx->info.route_params.find(std::string{name});
  return it == ctx->info.route_params.end() ? std::string{} : it->second;
}

json socket::query() const {
  auto ctx = ctx_.lock();
  if (!ctx) return json::object();
  if (ctx->params_text.empty()) return ctx->info.params;  // (still connecting)
  return json::parse(ctx->params_text);
}

std::string socket::auth_token() const {
  auto ctx = ctx_.lock();
  return ctx ? ctx->info.auth_token.value_or("") : std::string{};
}

json socket::get_assign(std::string_view key) const {
  auto ctx = ctx_.lock();
  if (!ctx) return nullptr;
  std::lock_guard<std::mutex> lock{ctx->mutex};
  auto it = ctx->assigns.find(key);
  return it == ctx->assigns.end() ? json() : *it;
}

void socket::assign(std::string key, json value) const {
  auto ctx = ctx_.lock();
  if (!ctx) return;
  std::lock_guard<std::mutex> lock{ctx->mutex};
  ctx->assigns[std::move(key)] = std::move(value);
}

bool socket::is_joined(std::string_view topic) const {
  auto ctx = ctx_.lock();
  if (!ctx) return false;
  std::lock_guard<std::mutex> lock{ctx->mutex};
  return ctx->joined.find(topic) != ctx->joined.end();
}

pubsub socket::bus() const {
  auto ctx = ctx_.lock();
  return pubsub{ctx ? caf::actor_cast<caf::actor>(ctx->registry) : caf::actor{}};
}

caf::actor socket::actor() const {
  auto ctx = ctx_.lock();
  return ctx ? caf::actor_cast<caf::actor>(ctx->self) : caf::actor{};
}

} // namespace chorus
