// The conformance server for the end-to-end tests: channels that exercise what the chat
// example does not (rejection, crashes, no-reply, broadcast_from, push, push_to,
// deferred join, route params, socket ids, intercept/handle_out).
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "actors/pubsub.hpp"
#include "actors/socket.hpp"
#include "net/command_line.hpp"
#include "net/server.hpp"

using namespace chorus;

namespace {

/// Connections by user name, for push_to.
struct directory {
  std::mutex mutex;
  std::map<std::string, socket> by_user;
};

channel_def test_channel(std::shared_ptr<directory> dir) {
  return channel_def{
    .topic_pattern = "room:*",
    .join = [dir](const json& p, socket& s) {
      if (p.value("reject", false)) return join_result::error({{"reason", "rejected by app"}});
      if (p.value("crash", false)) throw std::runtime_error("join exploded");
      if (auto user = s.get_assign("user"); user.is_string()) {
        std::lock_guard<std::mutex> lock{dir->mutex};
        dir->by_user.insert_or_assign(user.get<std::string>(), s);
      }
      if (p.value("defer", false)) {
        std::thread{[s] {  // an answer from elsewhere, a little later
          std::this_thread::sleep_for(std::chrono::milliseconds{50});
          s.push("before_reply", json{{"held", true}});
          s.resolve_join(join_result::ok({{"deferred", true}}));
        }}.detach();
        return join_result::deferred();
      }
      return join_result::ok({{"topic", s.topic()}});
    },
    .leave = nullptr,
    .handlers = {
      {"echo", [](const payload& p, socket& s) { s.reply("ok", p); }},
      {"echo_error", [](const payload& p, socket& s) { s.reply("error", p); }},
      {"noreply", [](const payload&, socket&) {}},
      {"boom", [](const payload&, socket&) { throw std::runtime_error("handler exploded"); }},
      {"shout", [](const payload& p, socket& s) { s.broadcast("shout", p); }},
      {"shout_from", [](const payload& p, socket& s) { s.broadcast_from("shout_from", p); }},
      {"push_me", [](const payload& p, socket& s) { s.push("pushed", p); }},
      {"poke", [dir](const payload& p, socket& s) {
        auto to = std::get<json>(p).value("to", "");
        std::lock_guard<std::mutex> lock{dir->mutex};
        if (auto it = dir->by_user.find(to); it != dir->by_user.end()) s.push_to(it->second, "poked", p);
        s.reply("ok", json::object());
      }},
      {"kick", [](const payload& p, socket& s) {
        s.bus().broadcast("user_socket:" + std::get<json>(p).value("user", ""), "disconnect", json::object());
        s.reply("ok", json::object());
      }},
      {"whoami", [](const payload&, socket& s) {
        s.reply("ok", json{{"tenant", s.param("tenant")}, {"query", s.query()}, {"auth_token", s.auth_token()},
                           {"user", s.get_assign("user")}});
      }},
    }};
}

/// `new_msg` is broadcast to every member, as in the chat room. On "fast:*" it takes the
/// encode-once path; on "intercept:*" it is intercepted: handle_out passes it to each
/// member (bench/intercept_cost.sh compares the two), except a member that joined with
/// {"mute": true}, and "secret" reaches only members whose user is "admin".
channel_def new_msg_channel(std::string pattern, bool intercepted) {
  channel_def def{
    .topic_pattern = std::move(pattern),
    .join = [](const json& p, socket& s) {
      s.assign("mute", p.value("mute", false));
      return join_result::ok();
    },
    .leave = nullptr,
    .handlers = {
      {"new_msg", [](const payload& p, socket& s) { s.broadcast("new_msg", p); }},
      {"secret", [](const payload& p, socket& s) { s.broadcast("secret", p); }},
    }};
  if (intercepted) {
    def.intercept = {"new_msg", "secret"};
    def.handle_out = [](const std::string& event, const payload& body, socket& s) {
      if (event == "new_msg" && s.get_assign("mute") != true) s.push(event, body);
      if (event == "secret" && s.get_assign("user") == "admin") s.push(event, body);
    };
  }
  return def;
}

} // namespace

int main(int argc, char** argv) {
  auto cli = parse_command_line(argc, argv, "conformance_server");
  if (cli.exit_code) return *cli.exit_code;
  server srv{cli.options, cli.channels};
  srv.set_connect([](const connect_info& info) {
    if (info.params.value("token", "") == "bad" || info.auth_token == "bad") return connect_result::error(403);
    std::string user = info.params.value("user", "");
    return connect_result::ok({{"user", user}}, user.empty() ? "" : "user_socket:" + user);
  });
  srv.add_channel(test_channel(std::make_shared<directory>()));
  srv.add_channel(new_msg_channel("fast:*", false));
  srv.add_channel(new_msg_channel("intercept:*", true));
  return srv.run();
}
