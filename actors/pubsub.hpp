#pragma once
// The node's PubSub, usable from app code and from any CAF actor. Every call is a
// one-way message or an asynchronous request (nothing here blocks); subscribed actors
// receive pubsub_message.
#include <chrono>
#include <string>

#include <caf/actor.hpp>
#include <caf/duration.hpp>
#include <caf/message.hpp>

#include "actors/cluster_count.hpp"
#include "actors/limit_error.hpp"
#include "actors/pubsub_message.hpp"

namespace chorus {

class pubsub {
public:
  explicit pubsub(caf::actor registry) : registry_(std::move(registry)) {}

  /// Subscribes the calling actor and tells it how that went, without blocking it:
  ///   bus.subscribe(self, "room:1").then(
  ///     [](const caf::actor& topic) { /* subscribed */ },
  ///     [](caf::error& e) { /* limit_error::topic_limit_reached or subscriber_limit_reached */ });
  /// From then on `self` receives a pubsub_message for every broadcast on the topic.
  template <class Self>
  auto subscribe(Self* self, const std::string& topic,
                 caf::duration timeout = caf::duration{std::chrono::seconds{5}}) const {
    return self->request(registry_, timeout, subscribe_message(topic, caf::actor{self}));
  }
  /// The same one-way, for any actor: a refusal is only logged.
  void subscribe(const std::string& topic, const caf::actor& subscriber) const;
  void unsubscribe(const std::string& topic, const caf::actor& subscriber) const;
  void unsubscribe_all(const caf::actor& subscriber) const;
  /// To every subscriber of `topic` (connections get one shared frame per serializer).
  void broadcast(const std::string& topic, const std::string& event, protocol::payload body) const;
  /// As broadcast, skipping `from` (an actor subscriber or a socket's actor).
  void broadcast_from(const caf::actor& from, const std::string& topic, const std::string& event,
                      protocol::payload body) const;

  /// A topic's subscriber count on this node, without blocking:
  ///   bus.subscriber_count(self, "room:1").then([](std::size_t n) { ... });
  template <class Self>
  auto subscriber_count(Self* self, const std::string& topic,
                        caf::duration timeout = caf::duration{std::chrono::seconds{5}}) const {
    return self->request(registry_, timeout, count_message(topic));
  }

  /// The same summed over the cluster: every node that answers within `wait` counts.
  /// Answered with a cluster_count {total, nodes_answered, nodes_up} (1 of 1 alone):
  ///   bus.cluster_subscriber_count(self, "room:1").then([](const chorus::cluster_count& c) { ... });
  template <class Self>
  auto cluster_subscriber_count(Self* self, const std::string& topic,
                                std::chrono::milliseconds wait = std::chrono::milliseconds{1000}) const {
    return self->request(registry_, caf::duration{wait + std::chrono::seconds{1}}, cluster_count_message(topic, wait));
  }

  const caf::actor& registry() const noexcept { return registry_; }

private:
  // The requests behind the templates above (keeps chorus's internal types out of here).
  static caf::message subscribe_message(const std::string& topic, const caf::actor& subscriber);
  static caf::message count_message(const std::string& topic);
  static caf::message cluster_count_message(const std::string& topic, std::chrono::milliseconds wait);

  caf::actor registry_;
};

} // namespace chorus
