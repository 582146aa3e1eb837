#include "actors/pubsub.hpp"

#include <caf/send.hpp>

#include "actors/topic_messages.hpp"

namespace chorus {

using namespace detail;

caf::message pubsub::subscribe_message(const std::string& topic, const caf::actor& subscriber) {
  return caf::make_message(subscribe_request{topic, {subscriber, nullptr, protocol::serializer::v2, 0}, nullptr});
}

caf::message pubsub::count_message(const std::string& topic) {
  return caf::make_message(subscriber_count_request{topic});
}

caf::message pubsub::cluster_count_message(const std::string& topic, std::chrono::milliseconds wait) {
  return caf::make_message(cluster_count_request{topic, static_cast<std::uint32_t>(wait.count())});
}

void pubsub::subscribe(const std::string& topic, const caf::actor& subscriber) const {
  caf::anon_send(registry_, subscribe_request{topic, {subscriber, nullptr, protocol::serializer::v2, 0}, nullptr});
}

void pubsub::unsubscribe(const std::string& topic, const caf::actor& subscriber) const {
  caf::anon_send(registry_, unsubscribe_request{topic, subscriber.address(), 0});
}

void pubsub::unsubscribe_all(const caf::actor& subscriber) const {
  caf::anon_send(registry_, detail::unsubscribe_all{subscriber.address()});
}

void pubsub::broadcast(const std::string& topic, const std::string& event, protocol::payload body) const {
  caf::anon_send(registry_, broadcast_request{topic, event, std::move(body), {}});
}

void pubsub::broadcast_from(const caf::actor& from, const std::string& topic, const std::string& event,
                            protocol::payload body) const {
  caf::anon_send(registry_, broadcast_request{topic, event, std::move(body), from.address()});
}

} // namespace chorus
