// The values of every parameter, with typed accessors. Changes go through validation
// (validate.hpp) so that a Settings object held by the core is always valid.
#pragma once

#include <array>
#include <cstdint>

#include "core/base/units.hpp"
#include "core/settings/model.hpp"
#include "core/settings/param.hpp"

namespace softbms::core {

class Settings {
 public:
  // The chemistry preset for a model (see preset.cpp).
  static Settings preset(Chemistry chemistry, ModelId model, int32_t cell_count);

  [[nodiscard]] int32_t raw(Param p) const { return values_[index(p)]; }
  void set_raw(Param p, int32_t v) { values_[index(p)] = v; }

  [[nodiscard]] Millivolts mv(Param p) const { return Millivolts(raw(p)); }
  [[nodiscard]] Milliamps ma(Param p) const { return Milliamps(raw(p)); }
  [[nodiscard]] DeciCelsius temp(Param p) const { return DeciCelsius(raw(p)); }
  [[nodiscard]] Seconds seconds(Param p) const { return Seconds(raw(p)); }
  [[nodiscard]] Milliseconds ms(Param p) const { return Milliseconds(raw(p)); }
  [[nodiscard]] Microseconds us(Param p) const { return Microseconds(raw(p)); }
  [[nodiscard]] Milliohms mohm(Param p) const { return Milliohms(raw(p)); }
  [[nodiscard]] MilliampHours mah(Param p) const { return MilliampHours(raw(p)); }
  [[nodiscard]] bool on(Param p) const { return raw(p) != 0; }
  [[nodiscard]] int32_t cells() const { return raw(Param::cell_count); }

  [[nodiscard]] Chemistry chemistry() const { return chemistry_; }
  void set_chemistry(Chemistry c) { chemistry_ = c; }
  [[nodiscard]] ModelId model_id() const { return model_; }
  void set_model(ModelId m) { model_ = m; }

  [[nodiscard]] const std::array<int32_t, kParamCount>& values() const { return values_; }
  bool operator==(const Settings&) const = default;

 private:
  static constexpr std::size_t index(Param p) { return static_cast<std::size_t>(p); }
  std::array<int32_t, kParamCount> values_{};
  Chemistry chemistry_ = Chemistry::lfp;
  ModelId model_ = ModelId::jk_pb2a16s20p;
};

}  // namespace softbms::core
