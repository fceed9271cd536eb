#include "sim/ageing.hpp"

#include <algorithm>
#include <cmath>

namespace softbms::sim {
namespace {

constexpr double kGas = 8.3144598;  // J/(mol K)
constexpr double kKelvin = 273.15;
constexpr double kReferenceK = 298.15;
constexpr double kSecondsPerDay = 86400.0;

double arrhenius(double activation_j_per_mol, double celsius, double reference_k = kReferenceK) {
  return std::exp(-activation_j_per_mol / kGas * (1.0 / (celsius + kKelvin) - 1.0 / reference_k));
}

// Grows loss = k x^p by dx from the present loss, continuing the law in virtual x.
double grow_power_law(double loss, double k, double p, double dx) {
  if (k <= 0.0 || dx <= 0.0) return loss;
  const double x_virtual = std::pow(std::max(loss, 0.0) / k, 1.0 / p);
  return k * std::pow(x_virtual + dx, p);
}

// Naumann, Schimpe, Keil, Hesse, Jossen, J. Energy Storage 17 (2018) 153-169: calendar ageing of
// a 3 Ah LFP/graphite cell (Sony US26650FTC1). Capacity loss (p.u.) = k_T k_SOC t^0.5 (t in s),
// resistance gain (p.u.) = k_T,R k_SOC,R t.
struct NaumannCalendar {
  static constexpr double kQRef = 1.2571e-5;
  static constexpr double kQEa = 17126.0;
  static constexpr double kQSocC = 2.8575;
  static constexpr double kQSocD = 0.60225;
  static constexpr double kRRef = 3.4194e-10;
  static constexpr double kREa = 71827.0;
  static constexpr double kRSocC = -3.3903;
  static constexpr double kRSocD = 1.5604;
};

// Naumann, Spingler, Jossen, J. Power Sources 451 (2020) 227666: cycle ageing of the same cell at
// 25 °C. Capacity loss (%) = k_C k_DOD FEC^0.5, resistance gain (%) = k_C,R k_DOD,R FEC.
struct NaumannCycle {
  static constexpr double kQRateA = 0.0630;
  static constexpr double kQRateB = 0.0971;
  static constexpr double kQDodC = 4.0253;
  static constexpr double kQDodD = 1.0923;
  static constexpr double kRRateA = -0.0020;
  static constexpr double kRRateB = 0.0021;
  static constexpr double kRDodC = 6.8477;
  static constexpr double kRDodD = 0.91882;
};

// Wang, Liu, Hicks-Garner, Sherman, Soukiazian, Verbrugge, Tataria, Musser, Finamore, J. Power
// Sources 196 (2011) 3942-3948: cycle life of a graphite/LiFePO4 cell (A123 2.2 Ah 26650),
// Q_loss = B exp(-(31700 - 370.3 C) / (R T)) Ah^0.55. Its Arrhenius term (activation energy
// falling with the C-rate) is the temperature term of Naumann's cycle model, which was fitted
// at 25 °C only: the factor is 1 at 25 °C. Held at the ends of kWangMinC .. kWangMaxC (below,
// LFP ages by lithium plating when charged cold, a mechanism no term here models).
struct WangTemperature {
  static constexpr double kEa = 31700.0;     // J/mol
  static constexpr double kEaPerC = -370.3;  // J/mol per C of C-rate
  static constexpr double kMinC = 15.0;
  static constexpr double kMaxC = 60.0;
};

// The temperature term of NMC cycle ageing: Schmalstieg's cycle tests ran at 35 °C only. Käbitz,
// Gerschler, Ecker, Yurdagel, Emmermacher, André, Mitsch, Sauer, J. Power Sources 239 (2013)
// 572-583 cycled the same cell (1 C, full cycles) at 25, 40 and 60 °C beside storage at 50 % SOC:
// the cycled cells lost 3.86 (25 °C, 400 days), 2.6 (40 °C, 400 days) and 2.3 (60 °C, 170 days)
// times what the stored ones lost. With Schmalstieg's calendar law for the stored part, one
// Arrhenius term reproduces both higher temperatures from the 25 °C point (least squares on
// their logarithms): 33.2 kJ/mol, factor 1 at 35 °C. Held at the ends of 15..60 °C, as for LFP.
struct NmcCycleTemperature {
  static constexpr double kEa = 33200.0;  // J/mol
  static constexpr double kRefC = 35.0;
  static constexpr double kMinC = 15.0;
  static constexpr double kMaxC = 60.0;
};

// Schmalstieg, Käbitz, Ecker, Sauer, J. Power Sources 257 (2014) 325-334: a 2.15 Ah NMC/graphite
// 18650 (Sanyo UR18650E). Calendar: loss = alpha t^0.75 (t in days), alpha from the storage
// voltage V and temperature T (K); cycle: capacity loss = beta sqrt(Q), resistance gain
// = beta_R Q, Q the charge throughput in Ah of that cell, beta from the mean voltage and DOD.
struct Schmalstieg {
  static constexpr double kCellAh = 2.15;
  static constexpr double kQCalA = 7.543;
  static constexpr double kQCalB = -23.75;
  static constexpr double kQCalT = -6976.0;
  static constexpr double kRCalA = 5.270;
  static constexpr double kRCalB = -16.32;
  static constexpr double kRCalT = -5986.0;
  static constexpr double kCalP = 0.75;
  static constexpr double kQCycA = 7.348e-3;
  static constexpr double kQCycV = 3.667;
  static constexpr double kQCycC = 7.6e-4;
  static constexpr double kQCycDod = 4.081e-3;
  static constexpr double kRCycA = 2.153e-4;
  static constexpr double kRCycV = 3.725;
  static constexpr double kRCycC = -1.521e-5;
  static constexpr double kRCycDod = 2.798e-4;
};

// LTO: NREL's fit (BLAST-Lite, nmc_lto_10Ah_2020) to the ageing tests of Bank, Feldmann,
// Klamor, Bihn, Sauer, J. Power Sources (2020) 228566: a 10.2 Ah high-power NMC/LTO cell. Cycle
// capacity loss (p.u.) = gamma FEC^0.526, gamma = (1.29 + 7.83e-5 C + 4.02 DOD^3)
// exp(-8.33 / (T / 318.15)). Their storage tests show almost no calendar loss below 80 °C (the
// fit's calendar terms are a small gain, left out); no resistance law. Tested at 30..60 °C;
// held at the ends of 15..60 °C.
struct BankLto {
  static constexpr double kGamma0 = 1.29;
  static constexpr double kGammaC = 7.83e-5;
  static constexpr double kGammaDod = 4.02;
  static constexpr double kGammaT = -8.33;
  static constexpr double kRefK = 318.15;
  static constexpr double kP = 0.526;
  static constexpr double kMinC = 15.0;
  static constexpr double kMaxC = 60.0;
};

}  // namespace

double lfp_cycle_temperature_factor(double c_rate, double temp_c) {
  using W = WangTemperature;
  const double ea = W::kEa + W::kEaPerC * std::max(c_rate, 0.0);
  return arrhenius(ea, std::clamp(temp_c, W::kMinC, W::kMaxC));
}

double nmc_cycle_temperature_factor(double temp_c) {
  using N = NmcCycleTemperature;
  return arrhenius(N::kEa, std::clamp(temp_c, N::kMinC, N::kMaxC), N::kRefC + kKelvin);
}

AgeingModelKind ageing_model_for(Chemistry chemistry) {
  switch (chemistry) {
    case Chemistry::lfp:
      return AgeingModelKind::lfp_naumann;
    case Chemistry::li_ion:
      return AgeingModelKind::nmc_schmalstieg;
    case Chemistry::lto:
      return AgeingModelKind::lto_bank;
    default:
      return AgeingModelKind::none;
  }
}

void age_calendar(AgeingModelKind model, const CalendarStress& s, double rate, CellAge& age) {
  if (s.seconds <= 0.0) return;
  age.days += s.seconds / kSecondsPerDay;
  if (model == AgeingModelKind::lfp_naumann) {
    using N = NaumannCalendar;
    const double d = s.soc - 0.5;
    const double kq =
        rate * N::kQRef * arrhenius(N::kQEa, s.temp_c) * (N::kQSocC * d * d * d + N::kQSocD);
    const double kr =
        rate * N::kRRef * arrhenius(N::kREa, s.temp_c) * (N::kRSocC * d * d + N::kRSocD);
    age.q_cal = grow_power_law(age.q_cal, kq, 0.5, s.seconds);
    age.r_cal += std::max(kr, 0.0) * s.seconds;
  } else if (model == AgeingModelKind::nmc_schmalstieg) {
    using S = Schmalstieg;
    const double t_k = s.temp_c + kKelvin;
    const double aq =
        rate * std::max(S::kQCalA * s.ocv_v + S::kQCalB, 0.0) * 1e6 * std::exp(S::kQCalT / t_k);
    const double ar =
        rate * std::max(S::kRCalA * s.ocv_v + S::kRCalB, 0.0) * 1e5 * std::exp(S::kRCalT / t_k);
    const double days = s.seconds / kSecondsPerDay;
    age.q_cal = grow_power_law(age.q_cal, aq, S::kCalP, days);
    age.r_cal = grow_power_law(age.r_cal, ar, S::kCalP, days);
  }
}

void age_cycle(AgeingModelKind model, const CycleStress& s, double capacity_ah, double rate,
               CellAge& age) {
  if (s.throughput_ah <= 0.0 || capacity_ah <= 0.0) return;
  const double fec = s.throughput_ah / (2.0 * capacity_ah);
  age.fec += fec;
  if (model == AgeingModelKind::lfp_naumann) {
    using N = NaumannCycle;
    const double dq = s.depth - 0.6;
    const double dr = s.depth - 0.5;
    // Wang's temperature term scales the resistance growth too (see lfp_cycle_temperature_factor).
    const double temperature = lfp_cycle_temperature_factor(s.c_rate, s.temp_c);
    const double kq = rate * (N::kQRateA * s.c_rate + N::kQRateB) *
                      (N::kQDodC * dq * dq * dq + N::kQDodD) / 100.0 * temperature;
    const double kr = rate * (N::kRRateA * s.c_rate + N::kRRateB) *
                      (N::kRDodC * dr * dr * dr + N::kRDodD) / 100.0 * temperature;
    age.q_cyc = grow_power_law(age.q_cyc, kq, 0.5, fec);
    age.r_cyc += std::max(kr, 0.0) * fec;
  } else if (model == AgeingModelKind::nmc_schmalstieg) {
    using S = Schmalstieg;
    // The paper's throughput is in Ah of its 2.15 Ah cell: the same FEC on ours.
    const double q_ah = fec * 2.0 * S::kCellAh;
    const double vq = s.mean_v - S::kQCycV;
    const double vr = s.mean_v - S::kRCycV;
    const double temperature = nmc_cycle_temperature_factor(s.temp_c);
    const double bq =
        rate * (S::kQCycA * vq * vq + S::kQCycC + S::kQCycDod * s.depth) * temperature;
    const double br =
        rate * (S::kRCycA * vr * vr + S::kRCycC + S::kRCycDod * s.depth) * temperature;
    age.q_cyc = grow_power_law(age.q_cyc, bq, 0.5, q_ah);
    age.r_cyc += std::max(br, 0.0) * q_ah;
  } else if (model == AgeingModelKind::lto_bank) {
    using B = BankLto;
    const double t_k = std::clamp(s.temp_c, B::kMinC, B::kMaxC) + kKelvin;
    const double gamma =
        rate * (B::kGamma0 + B::kGammaC * s.c_rate + B::kGammaDod * s.depth * s.depth * s.depth) *
        std::exp(B::kGammaT * B::kRefK / t_k);
    age.q_cyc = grow_power_law(age.q_cyc, gamma, B::kP, fec);
  }
}

}  // namespace softbms::sim
