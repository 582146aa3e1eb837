#pragma once
// A connection without a network: records every frame the actors write and the close,
// for tests on CAF's deterministic scheduler. Thread-safe like a real one.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/connection.hpp"

namespace chorus::testing {

class fake_connection : public connection {
public:
  void send(shared_frame frame) override;
  void close(std::uint16_t code, std::string reason) override;

  /// Bodies of the frames written since the last take(), in order.
  std::vector<std::string> take();
  std::vector<shared_frame> take_frames();
  std::optional<std::pair<std::uint16_t, std::string>> closed() const;

private:
  mutable std::mutex mutex_;
  std::vector<shared_frame> frames_;
  std::optional<std::pair<std::uint16_t, std::string>> closed_;
};

} // namespace chorus::testing
