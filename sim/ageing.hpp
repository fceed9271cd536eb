// Cell ageing: capacity fade and resistance growth of each cell from calendar ageing (time at a
// temperature and SOC) and cycle ageing (charge throughput, depth, C-rate), after published
// empirical models: LFP/graphite after Naumann et al. 2018 (calendar) and 2020 (cycle),
// NMC/graphite after Schmalstieg et al. 2014, NMC/LTO (cycling only) after NREL's fit to Bank
// et al. 2020. Parameters and their sources: docs/simulator.md,
// "Ageing".
#pragma once

#include "sim/chemistry.hpp"

namespace softbms::sim {

// The stresses a cell saw over one stretch of calendar time, as means.
struct CalendarStress {
  double seconds = 0.0;
  double temp_c = 25.0;
  double soc = 0.5;    // 0..1
  double ocv_v = 3.3;  // the OCV at that SOC (the NMC model is written in voltage)
};

// One half cycle: from one turning point of the SOC to the next.
struct CycleStress {
  double depth = 0.0;          // |SOC change|, 0..1
  double throughput_ah = 0.0;  // charge through the cell in the half cycle (both directions)
  double c_rate = 0.0;         // mean |I| / Q while current flowed
  double mean_v = 3.3;         // RMS OCV over the half cycle (NMC)
  double temp_c = 25.0;
};

enum class AgeingModelKind : uint8_t { none, lfp_naumann, nmc_schmalstieg, lto_bank };

AgeingModelKind ageing_model_for(Chemistry chemistry);

// One cell's accumulated ageing. Each part grows from where it is under the new stress by
// continuing its power law in "virtual time": the time that the present stress would have taken
// to reach the present loss (the usual way of chaining such laws under changing stress).
struct CellAge {
  double q_cal = 0.0;  // capacity lost to calendar ageing, p.u.
  double q_cyc = 0.0;  // to cycling
  double r_cal = 0.0;  // resistance gained, p.u.
  double r_cyc = 0.0;
  double fec = 0.0;  // full equivalent cycles so far
  double days = 0.0;

  [[nodiscard]] double capacity_factor() const { return 1.0 - q_cal - q_cyc; }
  [[nodiscard]] double resistance_factor() const { return 1.0 + r_cal + r_cyc; }
};

// Ages a cell by a stretch of calendar time; rate scales the model (the cell's own spread).
void age_calendar(AgeingModelKind model, const CalendarStress& s, double rate, CellAge& age);
// The temperature term of LFP cycle ageing (capacity): Wang et al. 2011's Arrhenius factor
// against 25 °C, activation energy 31.7 kJ/mol less 370.3 J/mol per C of C-rate; held at the
// ends of 15..60 °C.
// It scales the cycle resistance growth as well: no LFP paper found gives that a temperature
// term, and in the one published model found that has one (Smith et al. 2017, NMC) the cycling
// resistance grows at a fixed multiple of the cycling capacity loss, so with its temperature term.
double lfp_cycle_temperature_factor(double c_rate, double temp_c);
// The temperature term of NMC cycle ageing (capacity and resistance): Arrhenius, 33.2 kJ/mol,
// 1 at Schmalstieg's 35 °C, fitted to Käbitz et al. 2013's cycle tests of the same cell at 25,
// 40 and 60 °C; held at the ends of 15..60 °C.
double nmc_cycle_temperature_factor(double temp_c);
// Ages a cell by one half cycle; capacity_ah is the cell's rated capacity (FEC = Ah / 2Q).
void age_cycle(AgeingModelKind model, const CycleStress& s, double capacity_ah, double rate,
               CellAge& age);

}  // namespace softbms::sim
