#include "sim/scenario/plot_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace softbms::sim {
namespace {

constexpr int kWidth = 1000;
constexpr int kLeft = 80;
constexpr int kRight = 170;  // legend
constexpr int kTop = 46;
constexpr int kGap = 54;  // between panels: title and x labels

struct TimeUnit {
  const char* name;
  double seconds;
};

TimeUnit time_unit(double span_s) {
  if (span_s > 3 * 86400.0) return {"d", 86400.0};
  if (span_s > 3 * 3600.0) return {"h", 3600.0};
  if (span_s > 3 * 60.0) return {"min", 60.0};
  return {"s", 1.0};
}

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", std::abs(v) < 1e-12 ? 0.0 : v);
  return buf;
}

std::string colour(std::size_t i, std::size_t n) {
  static const char* kFew[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                               "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  if (n <= 8) return kFew[i % 8];
  char buf[40];
  std::snprintf(buf, sizeof buf, "hsl(%d,70%%,42%%)",
                static_cast<int>(360.0 * static_cast<double>(i) / static_cast<double>(n)));
  return buf;
}

struct Frame {
  double x0, x1, y0, y1;  // data range
  int px, py, pw, ph;     // pixels
  [[nodiscard]] double X(double x) const { return px + (x - x0) / (x1 - x0) * pw; }
  [[nodiscard]] double Y(double y) const { return py + ph - (y - y0) / (y1 - y0) * ph; }
};

void y_range(const PlotPanel& p, double& lo, double& hi) {
  lo = 1e300;
  hi = -1e300;
  for (const auto& s : p.series) {
    for (double v : s.y) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (p.steps || lo > hi) {
    lo = p.steps ? -0.1 : 0.0;
    hi = p.steps ? 1.1 : 1.0;
    return;
  }
  const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(1.0, std::abs(hi) * 0.05);
  lo -= pad;
  hi += pad;
}

void axes(std::ostringstream& o, const Frame& f, const PlotPanel& p, const TimeUnit& tu,
          bool steps) {
  o << "<rect x='" << f.px << "' y='" << f.py << "' width='" << f.pw << "' height='" << f.ph
    << "' fill='#fff' stroke='#444'/>\n";
  o << "<text x='" << f.px << "' y='" << f.py - 8 << "' class='t'>" << esc(p.title)
    << (p.unit.empty() ? "" : " (" + esc(p.unit) + ")") << "</text>\n";
  const std::vector<double> yt = steps ? std::vector<double>{0.0, 1.0} : nice_ticks(f.y0, f.y1, 5);
  for (double v : yt) {
    o << "<line x1='" << f.px << "' x2='" << f.px + f.pw << "' y1='" << num(f.Y(v)) << "' y2='"
      << num(f.Y(v)) << "' class='g'/><text x='" << f.px - 6 << "' y='" << num(f.Y(v) + 4)
      << "' class='yl'>" << (steps ? (v > 0.5 ? "on" : "off") : num(v)) << "</text>\n";
  }
  for (double v : nice_ticks(f.x0 / tu.seconds, f.x1 / tu.seconds, 8)) {
    const double x = f.X(v * tu.seconds);
    o << "<line x1='" << num(x) << "' x2='" << num(x) << "' y1='" << f.py << "' y2='" << f.py + f.ph
      << "' class='g'/><text x='" << num(x) << "' y='" << f.py + f.ph + 16 << "' class='xl'>"
      << num(v) << "</text>\n";
  }
  o << "<text x='" << f.px + f.pw << "' y='" << f.py + f.ph + 32 << "' class='yl'>time (" << tu.name
    << ")</text>\n";
}

void lines(std::ostringstream& o, const Frame& f, const PlotPanel& p,
           const std::vector<double>& t) {
  for (std::size_t i = 0; i < p.series.size(); ++i) {
    const auto& s = p.series[i];
    const std::string c = colour(i, p.series.size());
    o << "<polyline fill='none' stroke='" << c << "' stroke-width='1.4' points='";
    for (std::size_t k = 0; k < s.y.size() && k < t.size(); ++k) {
      if (!std::isfinite(s.y[k])) continue;
      if (p.steps && k > 0) o << num(f.X(t[k])) << "," << num(f.Y(s.y[k - 1])) << " ";
      o << num(f.X(t[k])) << "," << num(f.Y(s.y[k])) << " ";
    }
    o << "'/>\n";
    const int ly = f.py + 12 + static_cast<int>(i) * 15;
    if (ly > f.py + f.ph) continue;  // legend longer than the panel: the colours still tell
    o << "<line x1='" << f.px + f.pw + 10 << "' x2='" << f.px + f.pw + 28 << "' y1='" << ly - 4
      << "' y2='" << ly - 4 << "' stroke='" << c << "' stroke-width='3'/><text x='"
      << f.px + f.pw + 32 << "' y='" << ly << "' class='l'>" << esc(s.name) << "</text>\n";
  }
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count) {
  std::vector<double> out;
  if (!(hi > lo) || count < 1) return out;
  const double raw = (hi - lo) / count;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push_back(std::round(v / step) * step);
  return out;
}

std::string svg_plot(const std::string& title, const std::vector<double>& t,
                     const std::vector<PlotPanel>& panels) {
  int height = kTop;
  for (const auto& p : panels) height += p.height + kGap;
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << kWidth << "' height='" << height
    << "' viewBox='0 0 " << kWidth << " " << height << "' font-family='sans-serif'>\n"
    << "<style>.t{font-size:13px;font-weight:bold}.l{font-size:11px}.g{stroke:#ddd}"
       ".yl{font-size:11px;text-anchor:end}.xl{font-size:11px;text-anchor:middle}</style>\n"
    << "<rect width='100%' height='100%' fill='#fafafa'/>\n"
    << "<text x='" << kLeft << "' y='24' font-size='16'>" << esc(title) << "</text>\n";
  const double x0 = t.empty() ? 0.0 : t.front();
  const double x1 = t.empty() || t.back() <= x0 ? x0 + 1.0 : t.back();
  const TimeUnit tu = time_unit(x1 - x0);
  int y = kTop + 14;
  for (const auto& p : panels) {
    double lo = 0.0;
    double hi = 1.0;
    y_range(p, lo, hi);
    const Frame f{x0, x1, lo, hi, kLeft, y, kWidth - kLeft - kRight, p.height};
    axes(o, f, p, tu, p.steps);
    lines(o, f, p, t);
    y += p.height + kGap;
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace softbms::sim
