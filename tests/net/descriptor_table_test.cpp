// The descriptor table is grown once at start (net/listener.hpp presize_descriptor_table).
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "net/listener.hpp"

namespace {
/// The current size of this process's descriptor table (FDSize in /proc/self/status).
long descriptor_table_size() {
  std::ifstream status{"/proc/self/status"};
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("FDSize:", 0) == 0) return std::stol(line.substr(7));
  return -1;
}
} // namespace

TEST_CASE("the descriptor table is grown once to the limit, within the open-file limit", "[fd]") {
  auto limit = chorus::raise_open_file_limit();
  REQUIRE(limit >= 1024);
  auto target = std::min<std::uint64_t>(limit, 4096);
  auto before = descriptor_table_size();
  REQUIRE(before > 0);
  chorus::presize_descriptor_table(target);
  CHECK(descriptor_table_size() >= long(target));
  CHECK(descriptor_table_size() >= before);
  // A limit the process cannot reach is not an error: the call does nothing harmful.
  chorus::presize_descriptor_table(std::uint64_t{1} << 40);
  CHECK(descriptor_table_size() >= long(target));
}
