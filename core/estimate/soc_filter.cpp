#include "core/estimate/soc_filter.hpp"

#include <algorithm>
#include <cmath>

namespace softbms::core {
namespace {

constexpr float kSecondsPerHour = 3600.0F;
constexpr float kGasConstant = 8.314462F;
constexpr float kKelvin = 273.15F;
constexpr float kReferenceK = 298.15F;
constexpr float kMinSoc = -0.05F;
constexpr float kMaxSoc = 1.05F;
constexpr float kMaxOffsetV = 0.03F;
constexpr float kMinR = 0.1F;  // factor on the model's resistance
constexpr float kMaxR = 30.0F;
constexpr float kMaxBiasC = 0.1F;
constexpr float kMinInvCapacity = 0.6F;  // capacity up to 1.67 x nominal
constexpr float kMaxInvCapacity = 2.0F;  // down to 0.5 x nominal
constexpr float kMinVariance = 1e-14F;
constexpr float kPresentV = 0.5F;  // a lower reading is an unconnected input
constexpr float kMaxStepS = 3600.0F;
constexpr float kMaxAmps = 1e6F;
constexpr float kMaxCellV = 10.0F;
constexpr float kMinSlopeSpread = 0.005F;
constexpr float kMaxSlopeSpread = 0.25F;

float sq(float v) {
  return v * v;
}
float sign(float v) {
  return v > 0.0F ? 1.0F : (v < 0.0F ? -1.0F : 0.0F);
}
float mohm_ah_to_ohm_ah(float r) {
  return r * 1e-3F;
}

}  // namespace

float soc_at_rest_v(Chemistry c, float v) {
  return static_cast<float>(
             soc_permille_at_rest(c, Millivolts(static_cast<int32_t>(std::lround(v * 1000.0F))))) /
         1000.0F;
}

float arrhenius(float activation_j_per_mol, float temp_c) {
  const float t = std::clamp(temp_c, -40.0F, 80.0F) + kKelvin;
  return std::exp(activation_j_per_mol / kGasConstant * (1.0F / t - 1.0F / kReferenceK));
}

void CellFilter::start(float soc, float soc_sigma, float inv_capacity, const FilterTuning& t,
                       const CellModelParams& m) {
  x_ = StateVector{};
  x_[kSoc] = soc;
  x_[kR0] = 1.0F;
  x_[kRp] = 1.0F;
  x_[kInvCapacity] = inv_capacity;
  p_ = Covariance{};
  p_[kSoc][kSoc] = sq(soc_sigma);
  p_[kHysteresis][kHysteresis] = m.hyst_v > 0.0F ? sq(m.hyst_v) : kMinVariance;
  p_[kOcvOffset][kOcvOffset] = sq(t.initial_offset_sigma_v);
  p_[kR0][kR0] = sq(t.initial_r_sigma);
  p_[kRp][kRp] = sq(t.initial_r_sigma);
  p_[kBias][kBias] = sq(t.initial_bias_sigma_c);
  p_[kInvCapacity][kInvCapacity] = sq(t.initial_capacity_sigma);
  carry_ = 0.0F;
  anchor_ = SocEvent::none;
  counted_ = 0.0F;
  counted_carry_ = 0.0F;
  anchor_h_ = 0.0F;
  capacity_measurements_ = 0;
  full_held_s = 0.0F;
  empty_held_s = 0.0F;
  clamp(m);
}

namespace {
int16_t to_fixed(float v, float scale) {
  const float x = std::clamp(v * scale, -32767.0F, 32767.0F);
  return static_cast<int16_t>(std::lround(std::isfinite(x) ? x : 0.0F));
}
float from_fixed(int16_t v, float scale) {
  return static_cast<float>(v) / scale;
}
constexpr float kSocScale = 1e4F;
constexpr float kFactorScale = 1e3F;
constexpr float kBiasScale = 1e5F;
constexpr float kInvCapacityScale = 1e4F;
constexpr float kOffsetScale = 1e5F;
constexpr float kCountedScale = 1e6F;  // LearnedEvent: charge, of the design capacity
constexpr float kHoursScale = 100.0F;
// After a restart, how sure the learned values still are: a resistance learned at the last
// current step is good to 10 %, an offset and a capacity to what they were learned from.
constexpr float kResumedRSigma = 0.1F;
}  // namespace

LearnedCell CellFilter::learned() const {
  return {to_fixed(x_[kSoc], kSocScale),
          to_fixed(x_[kR0], kFactorScale),
          to_fixed(x_[kRp], kFactorScale),
          to_fixed(x_[kBias], kBiasScale),
          to_fixed(x_[kInvCapacity], kInvCapacityScale),
          to_fixed(x_[kOcvOffset], kOffsetScale)};
}

void CellFilter::resume(const LearnedCell& l, float soc_sigma, const FilterTuning& t,
                        const CellModelParams& m) {
  start(from_fixed(l.soc, kSocScale), soc_sigma, from_fixed(l.inv_q, kInvCapacityScale), t, m);
  x_[kR0] = from_fixed(l.r0, kFactorScale);
  x_[kRp] = from_fixed(l.rp, kFactorScale);
  x_[kBias] = from_fixed(l.bias, kBiasScale);
  x_[kOcvOffset] = from_fixed(l.offset, kOffsetScale);
  p_[kR0][kR0] = sq(kResumedRSigma * x_[kR0]);
  p_[kRp][kRp] = sq(kResumedRSigma * x_[kRp]);
  clamp(m);
}

LearnedEvent CellFilter::learned_event() const {
  LearnedEvent e;
  if (anchor_ == SocEvent::none) return e;
  e.kind = static_cast<int8_t>(anchor_);
  e.soc = to_fixed(anchor_soc_, kSocScale);
  const float counted = std::clamp(counted_ * kCountedScale, -2e9F, 2e9F);
  e.counted = static_cast<int32_t>(std::lround(std::isfinite(counted) ? counted : 0.0F));
  e.centihours =
      static_cast<uint16_t>(std::lround(std::clamp(anchor_h_ * kHoursScale, 0.0F, 65535.0F)));
  return e;
}

void CellFilter::resume_event(const LearnedEvent& e, const FilterTuning& t) {
  const bool known = e.kind == static_cast<int8_t>(SocEvent::full) ||
                     e.kind == static_cast<int8_t>(SocEvent::empty);
  const float hours = static_cast<float>(e.centihours) / kHoursScale;
  if (!known || hours > t.capacity_max_span_h) return;
  anchor_ = static_cast<SocEvent>(e.kind);
  anchor_soc_ = std::clamp(from_fixed(e.soc, kSocScale), kMinSoc, kMaxSoc);
  counted_ = static_cast<float>(e.counted) / kCountedScale;
  counted_carry_ = 0.0F;
  anchor_h_ = hours;
}

bool CellFilter::healthy() const {
  for (std::size_t i = 0; i < kFilterStates; ++i) {
    if (!std::isfinite(x_[i]) || !std::isfinite(p_[i][i]) || p_[i][i] < 0.0F) return false;
  }
  return true;
}

float CellFilter::soc_sigma() const {
  return std::sqrt(std::max(p_[kSoc][kSoc], 0.0F));
}

void CellFilter::predict(float dt_s, float ic_mean, float hyst_decay, const CellModelParams& m,
                         const FilterTuning& t) {
  const float ic = ic_mean - x_[kBias];
  const float eff = ic > 0.0F ? m.charge_efficiency : 1.0F;
  const float per_c = eff * dt_s / kSecondsPerHour;
  // SOC: z += q * i * dt / 3600, summed with Kahan's carry so that a small current on a big
  // pack is not lost to single precision.
  const float dz = x_[kInvCapacity] * ic * per_c - carry_;
  const float z = x_[kSoc] + dz;
  carry_ = (z - x_[kSoc]) - dz;
  x_[kSoc] = z;
  if (anchor_ != SocEvent::none) {
    const float dq = ic * per_c - counted_carry_;
    const float q = counted_ + dq;
    counted_carry_ = (q - counted_) - dq;
    counted_ = q;
    anchor_h_ += dt_s / kSecondsPerHour;
  }
  const bool hysteresis = m.hyst_v > 0.0F;
  if (hysteresis) {
    x_[kHysteresis] = hyst_decay * x_[kHysteresis] + (1.0F - hyst_decay) * m.hyst_v * sign(ic);
  }

  // P = F P F' + Q, with F = I except dz/dbias, dz/dq and dh/dh: as row then column operations.
  const float fzb = -x_[kInvCapacity] * per_c;
  const float fzq = ic * per_c;
  auto& p = p_;
  for (std::size_t j = 0; j < kFilterStates; ++j) {
    p[kSoc][j] += fzb * p[kBias][j] + fzq * p[kInvCapacity][j];
    p[kHysteresis][j] *= hyst_decay;
  }
  for (std::size_t i = 0; i < kFilterStates; ++i) {
    p[i][kSoc] += fzb * p[i][kBias] + fzq * p[i][kInvCapacity];
    p[i][kHysteresis] *= hyst_decay;
  }
  p[kSoc][kSoc] += sq(t.soc_walk) * dt_s;
  if (hysteresis) p[kHysteresis][kHysteresis] += sq(t.hysteresis_walk_v) * dt_s;
  p[kOcvOffset][kOcvOffset] += sq(t.offset_walk_v) * dt_s;
  p[kR0][kR0] += sq(t.r_walk * x_[kR0]) * dt_s;
  p[kRp][kRp] += sq(t.r_walk * x_[kRp]) * dt_s;
  p[kBias][kBias] += sq(t.bias_walk_c) * dt_s;
  p[kInvCapacity][kInvCapacity] += sq(t.capacity_walk) * dt_s;
  clamp(m);
}

float CellFilter::ocv_from(float v, float ic_now, float rc_drop_v, float arr,
                           const CellModelParams& m) const {
  const float r0 = x_[kR0] * arr * mohm_ah_to_ohm_ah(m.r0_mohm_ah);
  const float rp = x_[kRp] * arr;
  return v - r0 * (ic_now - x_[kBias]) - rp * rc_drop_v;
}

void CellFilter::correct(Chemistry c, float v, float ic_now, float rc_drop_v, float arr,
                         float temp_c, float dt_s, const CellModelParams& m,
                         const FilterTuning& t) {
  OcvPoint ocv = ocv_at(c, x_[kSoc]);
  ocv.v += ocv_temp_coeff_v_per_k(c, x_[kSoc]) * (temp_c - kReferenceC);
  const float r0 = x_[kR0] * arr * mohm_ah_to_ohm_ah(m.r0_mohm_ah);
  const float rp = x_[kRp] * arr;
  const float ic = ic_now - x_[kBias];
  const float predicted = ocv.v + x_[kHysteresis] + x_[kOcvOffset] + r0 * ic + rp * rc_drop_v;
  StateVector h{};
  // The OCV's slope over the SOC range the filter still considers (one sigma either side), not
  // at one point: LFP's curve is flat in one 5 % segment and steep in the next, and an uncertain
  // SOC linearised on a flat segment would jump on a millivolt of noise.
  const float spread = std::min(std::sqrt(std::max(p_[kSoc][kSoc], 0.0F)), kMaxSlopeSpread);
  h[kSoc] =
      spread > kMinSlopeSpread
          ? (ocv_at(c, x_[kSoc] + spread).v - ocv_at(c, x_[kSoc] - spread).v) / (2.0F * spread)
          : ocv.dv_dz;
  h[kHysteresis] = m.hyst_v > 0.0F ? 1.0F : 0.0F;
  h[kOcvOffset] = 1.0F;
  // R0 is left to the current steps (observe_step): from one voltage it cannot be told apart
  // from the SOC and the OCV offset while the current holds still. Its uncertainty still counts
  // (a "consider" parameter): while R0 is unknown, a reading under load says little.
  const float h_r0 = arr * mohm_ah_to_ohm_ah(m.r0_mohm_ah) * ic;
  h[kRp] = arr * rc_drop_v;
  h[kBias] = -r0;
  // Correlated model error: n readings within its correlation time carry the information of one.
  const float readings_per_corr = std::max(t.correlated_time_s / std::max(dt_s, 0.1F), 1.0F);
  const float r = sq(t.voltage_sigma_v) + sq(t.voltage_sigma_per_c * ic_now) +
                  sq(h_r0) * p_[kR0][kR0] + sq(t.correlated_sigma_v) * readings_per_corr;
  // The current offset and the capacity learn only from readings where the OCV moves enough
  // with SOC to tell a drift from a model error (LFP: at its knees, not on its plateaus), and
  // where the polarisation has relaxed (its model error is time-correlated, not noise).
  const bool informative = std::fabs(h[kSoc]) >= t.learn_min_slope_v &&
                           std::fabs(x_[kRp] * rc_drop_v) < t.learn_max_polarisation_v;
  update(h, v - predicted, r, t.gate_sigmas, informative ? kEventOnlyStates : kSlowStates);
  // Gate clips a wild reading; the states stay in their plausible ranges.
  clamp(m);
}

void CellFilter::observe_soc(float soc, float sigma) {
  StateVector h{};
  h[kSoc] = 1.0F;
  // The capacity learns from the charge counted between two such events (observe_event), not
  // from the SOC correction at one: that would count the same charge twice.
  update(h, soc - x_[kSoc], sq(sigma), FilterTuning{}.gate_sigmas, kEventOnlyStates);
}

void CellFilter::observe_event(SocEvent kind, float soc, const FilterTuning& t) {
  const bool paired =
      anchor_ != SocEvent::none && anchor_ != kind && anchor_h_ <= t.capacity_max_span_h;
  const float dz = soc - anchor_soc_;
  // counted_ is in nominal-capacity units: dz / counted_ = nominal / actual capacity.
  if (paired && std::fabs(dz) >= t.capacity_min_span && dz * counted_ > 0.0F) {
    const float measured = dz / counted_;
    if (measured >= kMinInvCapacity && measured <= kMaxInvCapacity) {
      // Relative doubt: both rules' SOC, the current offset as far as it is still unknown over
      // the hours counted, and what the count itself misses (efficiency, the rules' spread).
      const float bias_sigma = std::sqrt(std::max(p_[kBias][kBias], 0.0F));
      const float rel = sq(t.rule_sigma / dz) * 2.0F + sq(bias_sigma * anchor_h_ / counted_) +
                        sq(t.capacity_event_sigma);
      const float r = sq(measured) * rel;
      const float innovation = measured - x_[kInvCapacity];
      // A measurement far outside what the filter believed (a pack that faded, or another
      // pack) says the belief was too sure: at most 3 sigma of the state's doubt.
      p_[kInvCapacity][kInvCapacity] =
          std::max(p_[kInvCapacity][kInvCapacity], sq(innovation / 3.0F));
      StateVector h{};
      h[kInvCapacity] = 1.0F;
      update(h, innovation, r, t.gate_sigmas, 0U);
      ++capacity_measurements_;
    }
  }
  anchor_ = kind;
  anchor_soc_ = soc;
  counted_ = 0.0F;
  counted_carry_ = 0.0F;
  anchor_h_ = 0.0F;
}

void CellFilter::observe_step(float dv_v, float dic, float arr, const CellModelParams& m,
                              const FilterTuning& t) {
  const float r0_per_factor = arr * mohm_ah_to_ohm_ah(m.r0_mohm_ah) * dic;
  StateVector h{};
  h[kR0] = r0_per_factor;
  const float r = sq(t.step_sigma_v) + sq(0.1F * x_[kR0] * r0_per_factor);
  update(h, dv_v - x_[kR0] * r0_per_factor, r, t.gate_sigmas, 0U);
}

void CellFilter::update(const StateVector& h, float innovation, float r, float gate,
                        uint32_t frozen) {
  StateVector ph{};
  for (std::size_t i = 0; i < kFilterStates; ++i) {
    float acc = 0.0F;
    for (std::size_t j = 0; j < kFilterStates; ++j) acc += p_[i][j] * h[j];
    ph[i] = acc;
  }
  float s = r;
  for (std::size_t i = 0; i < kFilterStates; ++i) s += h[i] * ph[i];
  if (!(s > 0.0F)) return;
  const float limit = gate * std::sqrt(s);
  const float e = std::clamp(innovation, -limit, limit);
  const float inv_s = 1.0F / s;
  StateVector k{};
  for (std::size_t i = 0; i < kFilterStates; ++i) {
    k[i] = (frozen >> i & 1U) != 0 ? 0.0F : ph[i] * inv_s;
    x_[i] += k[i] * e;
  }
  if (frozen == 0) {
    for (std::size_t i = 0; i < kFilterStates; ++i) {
      for (std::size_t j = i; j < kFilterStates; ++j) {
        const float v = p_[i][j] - k[i] * ph[j];
        p_[i][j] = v;
        p_[j][i] = v;
      }
    }
  } else {
    // Joseph form, which stays right for a gain that is not the optimal one (frozen states
    // keep their value, and their uncertainty still counts): P = (I - K h') P (I - K h')' + K r K'.
    Covariance m{};
    for (std::size_t i = 0; i < kFilterStates; ++i) {
      for (std::size_t j = 0; j < kFilterStates; ++j) m[i][j] = p_[i][j] - k[i] * ph[j];
    }
    StateVector mh{};
    for (std::size_t i = 0; i < kFilterStates; ++i) {
      float acc = 0.0F;
      for (std::size_t j = 0; j < kFilterStates; ++j) acc += m[i][j] * h[j];
      mh[i] = acc;
    }
    for (std::size_t i = 0; i < kFilterStates; ++i) {
      for (std::size_t j = i; j < kFilterStates; ++j) {
        const float v = m[i][j] - mh[i] * k[j] + r * k[i] * k[j];
        p_[i][j] = v;
        p_[j][i] = v;
      }
    }
  }
  for (std::size_t i = 0; i < kFilterStates; ++i) p_[i][i] = std::max(p_[i][i], kMinVariance);
}

void CellFilter::clamp(const CellModelParams& m) {
  const float hmax = 3.0F * m.hyst_v;
  const std::array<float, kFilterStates> lo = {kMinSoc, -hmax,      -kMaxOffsetV,   kMinR,
                                               kMinR,   -kMaxBiasC, kMinInvCapacity};
  const std::array<float, kFilterStates> hi = {kMaxSoc, hmax,      kMaxOffsetV,    kMaxR,
                                               kMaxR,   kMaxBiasC, kMaxInvCapacity};
  for (std::size_t i = 0; i < kFilterStates; ++i) {
    if (x_[i] >= lo[i] && x_[i] <= hi[i]) continue;
    // A state held at its limit no longer moves with the others: forget how it was correlated
    // with them, or later readings would push the others the wrong way through it.
    x_[i] = std::clamp(x_[i], lo[i], hi[i]);
    for (std::size_t j = 0; j < kFilterStates; ++j) {
      if (j == i) continue;
      p_[i][j] = 0.0F;
      p_[j][i] = 0.0F;
    }
  }
}

void SocFilter::start(Chemistry c, float capacity_ah, uint8_t cells, float soc, float soc_sigma,
                      const FilterTuning& t) {
  chem_ = c;
  capacity_ah_ = capacity_ah > 0.0F ? capacity_ah : 1.0F;
  cells_ = std::min<uint8_t>(cells, static_cast<uint8_t>(kMaxCells));
  tuning_ = t;
  i1_ = 0.0F;
  i2_ = 0.0F;
  last_v_.fill(0.0F);
  last_ic_ = 0.0F;
  last_rc_drop_ = 0.0F;
  const CellModelParams& m = cell_model(c);
  for (auto& f : cell_) f.start(soc, soc_sigma, 1.0F, t, m);
  ocv_bottom_ = ocv_at(c, 0.0F).v;
  ocv_top_ = ocv_at(c, 1.0F).v;
}

void SocFilter::resume(std::span<const LearnedCell> cells, float soc_sigma,
                       std::span<const LearnedEvent> events) {
  const CellModelParams& m = cell_model(chem_);
  const std::size_t n = std::min<std::size_t>(cells_, cells.size());
  for (std::size_t k = 0; k < n; ++k) {
    cell_[k].resume(cells[k], soc_sigma, tuning_, m);
    if (!cell_[k].healthy()) cell_[k].start(0.5F, tuning_.initial_soc_sigma, 1.0F, tuning_, m);
    if (k < events.size()) cell_[k].resume_event(events[k], tuning_);
  }
}

void SocFilter::update(const FilterStep& in) {
  if (cells_ == 0) return;
  // A reading that is not a number (or too large to be one) changes nothing.
  const bool finite = std::isfinite(in.dt_s) && std::isfinite(in.charge_as) &&
                      std::isfinite(in.charge_sigma_as) && std::isfinite(in.current_a) &&
                      std::isfinite(in.temp_c) && std::fabs(in.current_a) < kMaxAmps &&
                      std::fabs(in.charge_as) < kMaxAmps * kMaxStepS;
  if (!finite) return;
  const CellModelParams& m = cell_model(chem_);
  const float dt = std::clamp(in.dt_s, 0.0F, kMaxStepS);
  const float ic_now = in.current_a / capacity_ah_;
  const float ic_mean = dt > 0.0F ? in.charge_as / dt / capacity_ah_ : ic_now;
  // The RC branches (exact for a current held over dt) and the hysteresis decay are the same
  // for every cell: computed once.
  const float a1 = std::exp(-dt / m.tau1_s);
  const float a2 = std::exp(-dt / m.tau2_s);
  i1_ = a1 * i1_ + (1.0F - a1) * ic_mean;
  i2_ = a2 * i2_ + (1.0F - a2) * ic_mean;
  const float rc_drop =
      mohm_ah_to_ohm_ah(m.r1_mohm_ah) * i1_ + mohm_ah_to_ohm_ah(m.r2_mohm_ah) * i2_;
  const float decay = std::exp(-m.hyst_gamma * std::fabs(ic_mean) * dt / kSecondsPerHour);
  const float arr = arrhenius(m.activation_j_per_mol, in.temp_c);
  // What the rules mean in the model's terms: the SOC the OCV table gives at their voltages (a
  // 4.15 V "full" NMC cell is 96 % of what the cell holds up to 4.2 V).
  full_soc_ = soc_at_rest_v(chem_, in.full_v);
  empty_soc_ = soc_at_rest_v(chem_, in.empty_v);
  const float dic = ic_now - last_ic_;
  const bool step =
      std::fabs(dic) >= tuning_.step_min_c && dt > 0.0F && dt <= tuning_.step_max_dt_s;
  const std::size_t n = std::min<std::size_t>(cells_, in.cell_v.size());
  for (std::size_t k = 0; k < n; ++k) {
    CellFilter& f = cell_[k];
    if (dt > 0.0F) f.predict(dt, ic_mean, decay, m, tuning_);
    if (in.charge_sigma_as > 0.0F)
      f.add_soc_variance(sq(in.charge_sigma_as / kSecondsPerHour / capacity_ah_));
    const float v = in.cell_v[k] < kMaxCellV ? in.cell_v[k] : 0.0F;  // NaN and nonsense: absent
    const float last_v = last_v_[k];
    last_v_[k] = v;
    if (!(v > kPresentV)) continue;
    if (step && last_v > kPresentV) {
      const float rc_change = f.state()[kRp] * arr * (rc_drop - last_rc_drop_);
      f.observe_step(v - last_v - rc_change, dic, arr, m, tuning_);
    }
    // Beyond the ends of the OCV table the model knows nothing of the cell (a charger holding
    // it above the table's 100 %, a cell run below its 0 %): such a reading would teach the
    // offset and hysteresis states tens of mV. There the SOC rules speak instead.
    const float ocv = f.ocv_from(v, ic_now, rc_drop, arr, m);
    const bool beyond = ocv > ocv_top_ + m.hyst_v || ocv < ocv_bottom_ - m.hyst_v;
    if (!beyond) f.correct(chem_, v, ic_now, rc_drop, arr, in.temp_c, dt, m, tuning_);
    apply_rules(f, v, ic_now, rc_drop, arr, in);
    if (!f.healthy()) f.start(0.5F, tuning_.initial_soc_sigma, 1.0F, tuning_, m);
  }
  last_ic_ = ic_now;
  last_rc_drop_ = rc_drop;
}

void SocFilter::apply_rules(CellFilter& f, float v, float ic, float rc_drop, float arr,
                            const FilterStep& in) {
  const FilterTuning& t = tuning_;
  const CellModelParams& m = cell_model(chem_);
  const float dt = std::clamp(in.dt_s, 0.0F, kMaxStepS);
  // Full: at or above the SOC-100 voltage once charging has ended (the current has fallen to
  // the tail, or the charge FET is off). A charger's CV overshoot carries more current.
  const bool charge_ended = ic <= t.tail_c || !in.charge_allowed;
  const bool full = in.full_v > 0.0F && v >= in.full_v && charge_ended;
  f.full_held_s = full ? f.full_held_s + dt : 0.0F;
  if (full && f.full_held_s >= t.rule_confirm_s) {
    f.observe_soc(full_soc_, t.rule_sigma);
    f.observe_event(SocEvent::full, full_soc_, t);
  }
  // Empty: the voltage with the learned resistive drop taken out, so that a load's sag does not
  // read as empty; not trusted under a heavy discharge, where the model's drop is too large.
  const bool empty =
      in.empty_v > 0.0F && ic >= -t.empty_max_c && f.ocv_from(v, ic, rc_drop, arr, m) <= in.empty_v;
  f.empty_held_s = empty ? f.empty_held_s + dt : 0.0F;
  if (empty && f.empty_held_s >= t.rule_confirm_s) {
    f.observe_soc(empty_soc_, t.rule_sigma);
    f.observe_event(SocEvent::empty, empty_soc_, t);
  }
}

float SocFilter::cell_capacity_ah(std::size_t i) const {
  return capacity_ah_ / cell_[i].state()[kInvCapacity];
}

float SocFilter::cell_r0_ohm(std::size_t i) const {
  return cell_[i].state()[kR0] * mohm_ah_to_ohm_ah(cell_model(chem_).r0_mohm_ah) / capacity_ah_;
}

float SocFilter::cell_bias_a(std::size_t i) const {
  return cell_[i].state()[kBias] * capacity_ah_;
}

float SocFilter::pack_soc() const {
  return summary().soc;
}

FilterSummary SocFilter::summary() const {
  FilterSummary s;
  if (cells_ == 0) return s;
  float give = 1e30F;
  float room = 1e30F;
  float smallest = 1e30F;
  float r0 = 0.0F;
  float bias = 0.0F;
  // The pack's doubt is that of the cell that limits it: the one with the least charge to give
  // or the least room, whichever is nearer (the other end's doubt does not move the SOC shown).
  float give_sigma = 0.0F;
  float room_sigma = 0.0F;
  for (std::size_t k = 0; k < cells_; ++k) {
    const float z = std::clamp(cell_[k].soc(), 0.0F, 1.0F);
    const float q = cell_capacity_ah(k);
    if (z * q < give) give_sigma = cell_[k].soc_sigma();
    if ((1.0F - z) * q < room) room_sigma = cell_[k].soc_sigma();
    give = std::min(give, z * q);
    room = std::min(room, (1.0F - z) * q);
    smallest = std::min(smallest, q);
    r0 += cell_r0_ohm(k);
    bias += cell_bias_a(k);
  }
  const float n = static_cast<float>(cells_);
  s.capacity_ah = give + room;
  s.soc = s.capacity_ah > 0.0F ? give / s.capacity_ah : 0.0F;
  s.r0_ohm = r0 / n;
  s.bias_a = bias / n;
  s.soh = smallest / capacity_ah_;
  s.soc_sigma = give <= room ? give_sigma : room_sigma;
  return s;
}

}  // namespace softbms::core
