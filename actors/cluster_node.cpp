#include "actors/cluster_node.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/sec.hpp>

#include "actors/caf_types.hpp"
#include "actors/cluster_messages.hpp"
#include "actors/log.hpp"
#include "actors/runtime.hpp"

namespace chorus {

namespace {

std::pair<std::string, std::uint16_t> split_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) return {address, 0};
  return {address.substr(0, colon), static_cast<std::uint16_t>(std::stoul(address.substr(colon + 1)))};
}

/// Is anything accepting at host:port? A non-blocking connect bounded by `timeout`: the
/// middleman's own connect blocks its actor (and every dial behind it) for as long as
/// the kernel retries SYNs, about two minutes for an address that drops them.
std::string probe(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
    return std::string{"cannot resolve: "} + ::gai_strerror(rc);
  std::string error = "no address";
  for (auto* ai = found; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
      if (rc == 0) {
        error = "no answer within " + std::to_string(timeout.count()) + " ms";
        rc = -1;
      } else if (rc > 0) {
        int so_error = 0;
        socklen_t len = sizeof so_error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
        if (so_error != 0) error = std::strerror(so_error);
        rc = so_error == 0 ? 0 : -1;
      }
    } else if (rc != 0) {
      error = std::strerror(errno);
    }
    ::close(fd);
    if (rc == 0) {
      ::freeaddrinfo(found);
      return {};
    }
  }
  ::freeaddrinfo(found);
  return error;
}

/// Answers dial_request with the cluster actor published at the address. Detached: its
/// probe may block its own thread (up to the probe timeout), never a worker.
caf::behavior dialer(caf::event_based_actor* self, std::chrono::milliseconds timeout) {
  return {
    [self, timeout](const detail::dial_request& req) -> caf::result<caf::actor> {
      auto [host, port] = split_address(req.address);
      auto probe_timeout = std::min(timeout, std::chrono::milliseconds{1000});
      if (auto why = probe(host, port, probe_timeout); !why.empty())
        return caf::make_error(caf::sec::cannot_connect_to_node, why);
      auto rp = self->make_response_promise<caf::actor>();
      // Asynchronous, with a timeout: a peer that accepts and never completes the
      // handshake would otherwise hold this request (and its requester) forever.
      self->request(self->system().middleman().actor_handle(), timeout, caf::connect_atom::value, host, port)
        .then(
          [rp](const caf::node_id&, caf::strong_actor_ptr& peer, const std::set<std::string>&) mutable {
            if (!peer) rp.deliver(caf::make_error(caf::sec::no_actor_published_at_port, "no cluster actor there"));
            else rp.deliver(caf::actor_cast<caf::actor>(peer));
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
  };
}

} // namespace

void enable_cluster(caf::actor_system_config& cfg, const cluster_config& cluster) {
  register_chorus_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.heartbeat-interval", caf::timespan{cluster.heartbeat});
  cfg.set("middleman.connection-timeout", caf::timespan{cluster.timeout});
  cfg.set("middleman.app-identifiers", std::vector<std::string>{"chorus:" + cluster.cluster_name});
  // Routes only over links chorus dialled (indirect routes have open bugs in 0.17).
  cfg.set("middleman.enable-automatic-connections", false);
}

std::uint16_t start_cluster(caf::actor_system& system, runtime& rt) {
  const auto& c = rt.config().cluster;
  if (!system.has_middleman())
    throw std::runtime_error("clustered node without CAF's middleman: call chorus::enable_cluster on the config");
  auto [host, port] = split_address(c.bind);
  auto bound = system.middleman().publish(rt.cluster(), port, host.c_str(), true);
  if (!bound)
    throw std::runtime_error("cannot listen for cluster peers on " + c.bind + ": " + system.render(bound.error()));
  auto address = host + ":" + std::to_string(*bound);
  auto dial = system.spawn<caf::detached>(dialer, c.timeout);
  // The dialler lives as long as the cluster actor (linked: it stops with it).
  caf::anon_send(rt.cluster(), detail::cluster_start{dial, address});
  log_line(log_level::info, "cluster",
           "node " + rt.node_name() + " (cluster \"" + c.cluster_name + "\") listening for peers on " + address);
  return *bound;
}

} // namespace chorus
