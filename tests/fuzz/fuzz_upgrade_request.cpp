// libFuzzer target: everything parsed from the HTTP upgrade request. The input is
// split on newlines into: request target, Sec-WebSocket-Protocol, Origin, Host.
#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/origin.hpp"
#include "protocol/query_string.hpp"
#include "protocol/upgrade_request.hpp"
#include "protocol/vsn.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chorus::protocol;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  std::string_view parts[4];
  for (auto& part : parts) {
    auto nl = input.find('\n');
    part = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
  }
  auto target = split_target(parts[0]);
  static const mount_path plain{"/socket"}, with_param{"/t/:tenant/socket"};
  (void)plain.match(target.path);
  (void)with_param.match(target.path);
  if (auto params = parse_query(target.query); params && params->contains("vsn") && (*params)["vsn"].is_string())
    (void)negotiate_vsn((*params)["vsn"].get_ref<const std::string&>());
  (void)negotiate_vsn(parts[0]);
  if (auto offer = parse_subprotocols(parts[1])) (void)offer->answer();
  (void)check_handshake(parts[2], parts[3]);
  static const std::vector<std::string> allowed{"https://app.example.com", "//*.trusted.org", "//localhost:3000"};
  (void)origin_allowed(parts[2], parts[3], origin_policy::same_host, allowed);
  (void)origin_allowed(parts[2], parts[3], origin_policy::allow_list, allowed);
  return 0;
}
