#include "testing/fake_connection.hpp"

namespace chorus::testing {

void fake_connection::send(shared_frame frame) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (!closed_) frames_.push_back(std::move(frame));
}

void fake_connection::close(std::uint16_t code, std::string reason) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (!closed_) closed_ = {code, std::move(reason)};
}

std::vector<std::string> fake_connection::take() {
  std::vector<std::string> out;
  for (auto& f : take_frames()) out.emplace_back(f->body());
  return out;
}

std::vector<shared_frame> fake_connection::take_frames() {
  std::lock_guard<std::mutex> lock{mutex_};
  return std::exchange(frames_, {});
}

std::optional<std::pair<std::uint16_t, std::string>> fake_connection::closed() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return closed_;
}

} // namespace chorus::testing
