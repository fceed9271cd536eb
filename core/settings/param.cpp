#include "core/settings/param.hpp"

#include "core/settings/model.hpp"

namespace softbms::core {

std::optional<Param> param_from_name(std::string_view name) {
  for (const auto& row : kParams) {
    if (row.name == name) return row.id;
  }
  return std::nullopt;
}

std::optional<Chemistry> chemistry_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kChemistryNames.size(); ++i) {
    if (kChemistryNames[i] == name) return static_cast<Chemistry>(i);
  }
  return std::nullopt;
}

std::optional<ModelId> model_from_name(std::string_view name) {
  for (const auto& m : kModels) {
    if (m.name == name) return m.id;
  }
  return std::nullopt;
}

}  // namespace softbms::core
