// The body of PUT /api/packs/{id}/settings (settings_change.hpp) on arbitrary bytes, decoded and
// then applied by the core as one step against the presets of two models, so model-narrowed
// ranges and the cross-field rules are reached.
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
      const auto parsed = parse_changes(j);
      if (const auto* e = std::get_if<FieldError>(&parsed)) {
        static_cast<void>(to_json(*e).dump());
        continue;
      }
      core::Settings copy = *s;
      const Status st = core::apply_changes(copy, std::get<core::ChangeList>(parsed));
      if (!st.ok()) static_cast<void>(to_json(field_error(st, copy)).dump());
    }
  });
  return 0;
}
