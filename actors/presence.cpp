#include "actors/presence.hpp"

#include "actors/socket_actor.hpp"

namespace chorus {

void presence::track(const socket& sock, std::string key, json meta) {
  sock.call([topic = sock.topic(), jr = sock.join_ref(), k = std::move(key), m = std::move(meta)](socket_actor_state& st) mutable {
    st.presence(topic, jr, detail::presence_op::track, k, std::move(m));
  });
}

void presence::update(const socket& sock, std::string key, json meta) {
  sock.call([topic = sock.topic(), jr = sock.join_ref(), k = std::move(key), m = std::move(meta)](socket_actor_state& st) mutable {
    st.presence(topic, jr, detail::presence_op::update, k, std::move(m));
  });
}

void presence::untrack(const socket& sock, std::string key) {
  sock.call([topic = sock.topic(), jr = sock.join_ref(), k = std::move(key)](socket_actor_state& st) {
    st.presence(topic, jr, detail::presence_op::untrack, k, nullptr);
  });
}

void presence::push_state(const socket& sock) {
  sock.call([topic = sock.topic(), jr = sock.join_ref()](socket_actor_state& st) { st.push_presence_state(topic, jr); });
}

caf::message presence::list_message(const std::string& topic) {
  return caf::make_message(detail::presence_list_request{topic});
}

} // namespace chorus
