#pragma once
// The node's PubSub, usable from app code and from any CAF actor. Every call is a
// one-way message (nothing here blocks); subscribed actors receive pubsub_message.
#include <string>

#include <caf/actor.hpp>
#include <caf/duration.hpp>

#include "actors/messages.hpp"

namespace chorus {

class pubsub {
public:
  explicit pubsub(caf::actor registry) : registry_(std::move(registry)) {}

  /// `subscriber` receives a pubsub_message for every broadcast on `topic`. Counts
  /// against the topic's subscriber cap (a refusal is logged).
  void subscribe(const std::string& topic, const caf::actor& subscriber) const;
  void unsubscribe(const std::string& topic, const caf::actor& subscriber) const;
  void unsubscribe_all(const caf::actor& subscriber) const;
  /// To every subscriber of `topic` (connections get one shared frame per serializer).
  void broadcast(const std::string& topic, const std::string& event, protocol::payload body) const;
  /// As broadcast, skipping `from` (an actor subscriber or a socket's actor).
  void broadcast_from(const caf::actor& from, const std::string& topic, const std::string& event,
                      protocol::payload body) const;

  /// Asks for a topic's subscriber count without blocking:
  ///   bus.subscriber_count(self, "room:1").then([](std::size_t n) { ... });
  template <class Self>
  auto subscriber_count(Self* self, const std::string& topic,
                        caf::duration timeout = caf::duration{std::chrono::seconds{5}}) const {
    return self->request(registry_, timeout, detail::count_atom::value, topic);
  }

  const caf::actor& registry() const noexcept { return registry_; }

private:
  caf::actor registry_;
};

} // namespace chorus
