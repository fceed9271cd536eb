#include "sim/profile.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "support/text.hpp"

namespace softbms::sim {
namespace {

constexpr double kDayS = 86400.0;

using support::trim;

bool parse_number(std::string_view s, double& out) {
  return support::parse_number(trim(s), out);
}

// Splits "a,b" at the first separator; false when there is none.
bool split_pair(std::string_view line, std::string_view& a, std::string_view& b) {
  const auto pos = line.find_first_of(",;\t");
  if (pos == std::string_view::npos) return false;
  a = line.substr(0, pos);
  b = line.substr(pos + 1);
  return true;
}

// A profile sampled from a function every step_s over one period, interpolated and repeating.
template <typename F>
Profile sampled_day(F f, double step_s) {
  Profile p;
  p.interpolate = true;
  p.period_s = kDayS;
  for (double t = 0.0; t <= kDayS; t += step_s) {
    p.t_s.push_back(t);
    p.value.push_back(f(t / 3600.0));
  }
  return p;
}

double bump(double hour, double centre_h, double width_h) {
  const double x = (hour - centre_h) / width_h;
  return std::exp(-0.5 * x * x);
}

}  // namespace

double Profile::at(double t) const {
  if (t_s.empty()) return 0.0;
  if (period_s > 0.0) t = std::fmod(std::max(t, 0.0), period_s);
  if (t <= t_s.front()) return value.front();
  if (t >= t_s.back()) return value.back();
  const auto it = std::upper_bound(t_s.begin(), t_s.end(), t);
  const auto i = static_cast<std::size_t>(it - t_s.begin()) - 1;
  if (!interpolate) return value[i];
  const double f = (t - t_s[i]) / (t_s[i + 1] - t_s[i]);
  return value[i] + f * (value[i + 1] - value[i]);
}

Result<Profile> parse_profile_csv(std::string_view text) {
  Profile p;
  uint16_t line_no = 0;
  bool header_allowed = true;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    std::string_view a;
    std::string_view b;
    double t = 0.0;
    double v = 0.0;
    const bool ok = split_pair(line, a, b) && parse_number(a, t) && parse_number(b, v);
    if (!ok) {
      if (header_allowed && p.t_s.empty()) {
        header_allowed = false;
        continue;
      }
      return Status(Errc::bad_value, line_no);
    }
    if (!p.t_s.empty() && t <= p.t_s.back()) return Status(Errc::rule_violation, line_no);
    p.t_s.push_back(t);
    p.value.push_back(v);
  }
  if (p.t_s.empty()) return Status(Errc::not_found);
  return p;
}

Profile dst_cycle(double peak_w) {
  // (duration s, percent of peak power; + = discharge). 20 steps, 360 s.
  constexpr double kSteps[][2] = {{16, 0},    {28, 12.5}, {12, 25},   {8, -12.5}, {16, 0},
                                  {24, 12.5}, {12, 25},   {8, -12.5}, {16, 0},    {24, 12.5},
                                  {12, 25},   {8, -12.5}, {16, 0},    {36, 12.5}, {8, 100},
                                  {24, 62.5}, {8, -25},   {32, 25},   {8, -50},   {44, 0}};
  Profile p;
  double t = 0.0;
  for (const auto& s : kSteps) {
    p.t_s.push_back(t);
    p.value.push_back(peak_w * s[1] / 100.0);
    t += s[0];
  }
  p.period_s = t;
  return p;
}

Profile pulse_cycle(double discharge_a) {
  Profile p;
  p.t_s = {0.0, 10.0, 50.0, 60.0};
  p.value = {discharge_a, 0.0, -0.75 * discharge_a, 0.0};
  p.period_s = 100.0;
  return p;
}

Profile solar_current_day(double peak_a, double sunrise_h, double sunset_h) {
  const double span = std::max(sunset_h - sunrise_h, 1e-3);
  return sampled_day(
      [=](double h) {
        if (h <= sunrise_h || h >= sunset_h) return 0.0;
        return peak_a * std::sin(std::numbers::pi * (h - sunrise_h) / span);
      },
      300.0);
}

Profile house_load_day(double base_w, double peak_w) {
  return sampled_day(
      [=](double h) {
        return base_w + 0.5 * peak_w * bump(h, 7.5, 1.0) + peak_w * bump(h, 19.5, 1.5);
      },
      300.0);
}

Profile daily_ambient(double mean_c, double amplitude_c) {
  // A cosine with its minimum at 05:00 and maximum at 17:00.
  return sampled_day(
      [=](double h) {
        return mean_c - amplitude_c * std::cos(std::numbers::pi * (h - 5.0) / 12.0);
      },
      600.0);
}

}  // namespace softbms::sim
