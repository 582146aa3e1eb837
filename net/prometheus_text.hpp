#pragma once
// Writes the Prometheus text exposition format (version 0.0.4): one HELP and TYPE line
// per family, then its samples; label values escaped (\\, \", \n). Pure string work.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace chorus::net_detail {

class prometheus_text {
public:
  using labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  static constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

  /// Starts a family: type is counter, gauge or histogram.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, double value, labels l = {});
  void sample(std::string_view name, std::uint64_t value, labels l = {});
  /// A histogram's samples from per-bucket (non-cumulative) counts.
  template <class Histogram>
  void histogram(std::string_view name, const Histogram& h) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < h.size(); ++i) {
      cumulative += h.count_in(i);
      auto le = number(h.bound(i));
      sample(std::string{name} + "_bucket", cumulative, {{"le", le}});
    }
    cumulative += h.count_in(h.size());
    sample(std::string{name} + "_bucket", cumulative, {{"le", "+Inf"}});
    sample(std::string{name} + "_sum", h.sum_seconds());
    sample(std::string{name} + "_count", cumulative);
  }

  const std::string& text() const noexcept { return out_; }
  static std::string escape_label_value(std::string_view v);
  static std::string number(double v);

private:
  void write_labels(labels l);
  std::string out_;
};

} // namespace chorus::net_detail
