#pragma once
// The actors' view of a session (the seam's net side): hands frames and closes to the
// session's io thread. Holds the session weakly: app code may keep socket handles long
// after the TCP connection is gone.
#include <memory>

#include "actors/connection.hpp"
#include "net/io_loop.hpp"

namespace chorus::net_detail {

class session_connection : public connection {
public:
  session_connection(std::weak_ptr<loop_client> session, io_loop& loop)
    : session_(std::move(session)), loop_(loop) {}
  void send(shared_frame frame) override { loop_.post_frame(session_, std::move(frame)); }
  void close(std::uint16_t code, std::string reason) override {
    loop_.post_close(session_, code, std::move(reason));
  }

private:
  std::weak_ptr<loop_client> session_;
  io_loop& loop_;
};

} // namespace chorus::net_detail
