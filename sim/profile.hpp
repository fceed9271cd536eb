// Time series that drive the world: load current or power, charger current, ambient temperature.
// Built-in cycles are generated from their published step tables; user profiles come from CSV.
#pragma once

#include <string_view>
#include <vector>

#include "core/base/status.hpp"

namespace softbms::sim {

struct Profile {
  std::vector<double> t_s;    // strictly increasing, first point at 0
  std::vector<double> value;  // same length as t_s
  bool interpolate = false;   // false: each value holds until the next point
  double period_s = 0.0;      // > 0: the profile repeats with this period

  [[nodiscard]] bool empty() const { return t_s.empty(); }
  // Value at time t after the profile's start; before 0 the first value, after the end the last
  // (or the repetition when period_s > 0).
  [[nodiscard]] double at(double t) const;
};

// CSV with two columns, time in seconds and value ("0,12.5"). Lines starting with '#' and one
// header line of text are skipped; separators may be ',', ';' or tab. Errors name the line
// (Status::detail = 1-based line number): Errc::bad_value for an unreadable number,
// Errc::rule_violation for time going backwards, Errc::not_found for no data.
Result<Profile> parse_profile_csv(std::string_view text);

// USABC Dynamic Stress Test: 360 s of power steps in percent of peak_w (+ = discharge,
// - = regenerative charge), repeating.
Profile dst_cycle(double peak_w);
// Hybrid pulse (HPPC-style): 10 s discharge at discharge_a, 40 s rest, 10 s charge at
// 0.75 * discharge_a, 40 s rest; repeating (current, + = discharge).
Profile pulse_cycle(double discharge_a);
// A home battery's day: PV current (A into the pack, + = charge) as a half sine between sunrise
// and sunset, repeating every 24 h; time 0 is midnight.
Profile solar_current_day(double peak_a, double sunrise_h = 6.0, double sunset_h = 18.0);
// The same home's consumption (W, + = discharge): base load with a morning and an evening peak.
Profile house_load_day(double base_w, double peak_w);
// Ambient temperature: mean +- amplitude, coldest at 05:00 and warmest at 17:00, repeating daily.
Profile daily_ambient(double mean_c, double amplitude_c);

}  // namespace softbms::sim
