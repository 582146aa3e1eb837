#include "net/prometheus_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace chorus::net_detail {

namespace {
/// HELP text escapes only backslash and newline (the exposition format's rule).
std::string escape_help(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}
} // namespace

std::string prometheus_text::escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string prometheus_text::number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // shortest form that reads back the same
  for (int precision = 1; precision < 17; ++precision) {
    char shorter[32];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    if (std::strtod(shorter, nullptr) == v) return shorter;
  }
  return buf;
}

void prometheus_text::family(std::string_view name, std::string_view type, std::string_view help) {
  out_.append("# HELP ").append(name).append(" ").append(escape_help(help)).append("\n");
  out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void prometheus_text::write_labels(labels l) {
  if (l.size() == 0) return;
  out_ += '{';
  bool first = true;
  for (auto& [key, value] : l) {
    if (!first) out_ += ',';
    first = false;
    out_.append(key).append("=\"").append(escape_label_value(value)).append("\"");
  }
  out_ += '}';
}

void prometheus_text::sample(std::string_view name, double value, labels l) {
  out_.append(name);
  write_labels(l);
  out_.append(" ").append(number(value)).append("\n");
}

void prometheus_text::sample(std::string_view name, std::uint64_t value, labels l) {
  out_.append(name);
  write_labels(l);
  out_.append(" ").append(std::to_string(value)).append("\n");
}

} // namespace chorus::net_detail
