// The Prometheus text writer: escaping, number forms and histogram lines.
#include <catch2/catch.hpp>

#include "actors/histogram.hpp"
#include "net/prometheus_text.hpp"

using chorus::histogram;
using chorus::net_detail::prometheus_text;

TEST_CASE("label values escape backslash, quote and newline", "[metrics]") {
  CHECK(prometheus_text::escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  prometheus_text out;
  out.family("x_total", "counter", "help with \\ and\nnewline");
  out.sample("x_total", std::uint64_t{7}, {{"peer", "n\"1"}});
  CHECK(out.text() == "# HELP x_total help with \\\\ and\\nnewline\n# TYPE x_total counter\nx_total{peer=\"n\\\"1\"} 7\n");
}

TEST_CASE("numbers in their shortest exact form", "[metrics]") {
  CHECK(prometheus_text::number(0.00025) == "0.00025");
  CHECK(prometheus_text::number(5) == "5");
  CHECK(prometheus_text::number(1.0 / 0.0) == "+Inf");
}

TEST_CASE("a histogram's buckets are cumulative and end with +Inf", "[metrics]") {
  const double bounds[] = {0.001, 0.01};
  histogram h{bounds};
  using namespace std::chrono_literals;
  h.observe(500us);
  h.observe(5ms);
  h.observe(5ms);
  h.observe(2s);
  prometheus_text out;
  out.histogram("d_seconds", h);
  CHECK(out.text() ==
        "d_seconds_bucket{le=\"0.001\"} 1\n"
        "d_seconds_bucket{le=\"0.01\"} 3\n"
        "d_seconds_bucket{le=\"+Inf\"} 4\n"
        "d_seconds_sum 2.0105\n"
        "d_seconds_count 4\n");
}
