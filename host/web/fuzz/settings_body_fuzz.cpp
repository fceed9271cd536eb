// The body of PUT /api/packs/{id}/settings (settings_change.hpp) on arbitrary bytes, against the
// presets of two models so model-narrowed ranges are reached.
#include "host/web/fuzz/body_fuzz.hpp"
#include "host/web/settings_change.hpp"

using namespace softbms;
using namespace softbms::host::web;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const core::Settings kPb =
      core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  static const core::Settings kB2a =
      core::Settings::preset(core::Chemistry::li_ion, core::ModelId::jk_b2a8s20p, 8);
  fuzz::body(data, size, [](const nlohmann::json& j) {
    for (const core::Settings* s : {&kPb, &kB2a}) {
      const auto plan = plan_changes(*s, j);
      if (const auto* e = std::get_if<FieldError>(&plan)) static_cast<void>(to_json(*e).dump());
    }
  });
  return 0;
}
