// Plain SVG line charts (no script): stacked panels that share a time axis, each with its own
// y axis, grid, labels and legend. Opened by any browser.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace softbms::sim {

struct PlotSeries {
  std::string name;
  std::vector<double> y;  // one per time point
};

struct PlotPanel {
  std::string title;
  std::string unit;
  std::vector<PlotSeries> series;
  bool steps = false;  // on/off states: drawn as steps on a 0..1 axis
  int height = 220;
};

std::string svg_plot(const std::string& title, const std::vector<double>& t_s,
                     const std::vector<PlotPanel>& panels);

// "nice" axis ticks (1, 2, 5 x 10^k) covering lo..hi, about `count` of them.
std::vector<double> nice_ticks(double lo, double hi, int count);

}  // namespace softbms::sim
