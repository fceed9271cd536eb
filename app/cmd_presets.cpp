// softbms presets: the one-click Li-ion / LiFePO4 / LTO parameter sets of a model (the B2A8S20P
// manual's appendix; the BD4A24S-12P guide's values on that board), the chemistries it supports
// only; and softbms models: the boards and what each accepts.
#include <ostream>

#include "app/cli.hpp"
#include "app/options.hpp"
#include "host/text/param_text.hpp"

namespace softbms::app {

int cmd_presets(const Args& args, Io io) {
  const auto base = settings_from_options(args, io);
  if (!base) return kUsage;
  nlohmann::json out = nlohmann::json::object();
  const auto chemistries = host::model_chemistries(base->model_id());
  for (const core::Chemistry chem : chemistries) {
    const auto s = host::model_preset(chem, *base);
    nlohmann::json values = nlohmann::json::object();
    for (const auto& row : core::kParams) {
      if ((row.flags & (core::kKeepOnPreset | core::kSwitch)) != 0) continue;
      values[std::string(row.name)] = host::display_json(row.id, s.raw(row.id));
    }
    out[std::string(core::kChemistryNames[static_cast<std::size_t>(chem)])] = values;
  }
  if (args.flag("json")) {
    io.out << out.dump(2) << "\n";
    return kOk;
  }
  io.out << pad("parameter", 26) << pad("unit", 6);
  for (const core::Chemistry c : chemistries)
    io.out << pad(core::kChemistryNames[static_cast<std::size_t>(c)], 10);
  io.out << "\n";
  for (const auto& row : core::kParams) {
    const std::string name(row.name);
    if (!out.begin()->contains(name)) continue;
    io.out << pad(row.name, 26) << pad(core::unit_info(row.unit).symbol, 6);
    for (const core::Chemistry c : chemistries) {
      io.out << pad(
          out[std::string(core::kChemistryNames[static_cast<std::size_t>(c)])][name].dump(), 10);
    }
    io.out << "\n";
  }
  return kOk;
}

int cmd_models(const Args& args, Io io) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : core::kModels) {
    nlohmann::json cells = nlohmann::json::object();
    for (std::size_t c = 0; c < core::kChemistryCount; ++c) {
      const auto r = m.cells[c];
      cells[std::string(core::kChemistryNames[c])] =
          r.supported() ? nlohmann::json{{"min", r.min}, {"max", r.max}} : nlohmann::json(nullptr);
    }
    out.push_back({{"name", m.name},
                   {"cells", cells},
                   {"cell_threshold_mv", {m.cell_threshold_min.count(), m.cell_threshold_max.count()}},
                   {"max_charge_current_ma", m.max_charge_current.count()},
                   {"max_discharge_current_ma", m.max_discharge_current.count()},
                   {"peak_discharge_current_ma", m.peak_discharge_current.count()},
                   {"max_balance_current_ma", m.max_balance_current.count()},
                   {"battery_temp_sensors", m.temp_sensors}});
  }
  if (args.flag("json")) {
    io.out << out.dump(2) << "\n";
    return kOk;
  }
  for (const auto& m : out) {
    io.out << m["name"].get<std::string>() << "\n  cells:";
    for (auto& [chem, r] : m["cells"].items()) {
      io.out << " " << chem << " " << (r.is_null() ? std::string("-") : r["min"].dump() + "-" + r["max"].dump());
    }
    io.out << "\n  thresholds " << m["cell_threshold_mv"][0] << "-" << m["cell_threshold_mv"][1]
           << " mV, charge " << m["max_charge_current_ma"].get<int>() / 1000 << " A, discharge "
           << m["max_discharge_current_ma"].get<int>() / 1000 << " A (peak "
           << m["peak_discharge_current_ma"].get<int>() / 1000 << " A), balance "
           << m["max_balance_current_ma"].get<int>() << " mA, " << m["battery_temp_sensors"] << " battery sensors\n";
  }
  return kOk;
}

}  // namespace softbms::app
