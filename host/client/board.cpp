#include "host/client/board.hpp"

#include <limits>

#include "core/settings/validate.hpp"
#include "host/text/param_text.hpp"
#include "protocols/jk/device_info_frame.hpp"
#include "protocols/jk/jk04.hpp"
#include "protocols/jk/nw_frame.hpp"
#include "protocols/jk/settings_frame.hpp"

namespace softbms::host::client {
namespace jk = protocols::jk;
using core::Param;

uint16_t RawSettings::control_word() const {
  if (source != Source::frame55 || bytes.size() < jk::kFrameSize) return 0;
  return static_cast<uint16_t>(jk::get_le(bytes, jk::kControlWordOffset, 2));
}

Result<core::Settings> decode_raw(const RawSettings& raw, const core::Settings& defaults) {
  if (raw.source == RawSettings::Source::nw) {
    const auto d = jk::decode_nw_reply(raw.bytes, defaults);
    if (!d.ok()) return d.status();
    return d.value().settings;
  }
  const auto s = raw.layout == jk::Layout::jk04
                     ? jk::decode_jk04_settings(raw.bytes, defaults)
                     : jk::decode_settings(raw.bytes, raw.layout, defaults);
  // The four settings of the 0x03 frame sit at JK02 offsets; a JK04 board's frame has others.
  if (!s.ok() || raw.about.empty() || raw.layout == jk::Layout::jk04) return s;
  const auto info = jk::decode_device_info(raw.about, s.value());
  return info.ok() ? info.value().settings : s.value();
}

namespace {

struct ModelPrefix {
  std::string_view prefix;
  core::ModelId model;
};
// JK writes '_' or '-' after "JK" depending on the firmware.
constexpr std::array<ModelPrefix, 6> kModelPrefixes = {{
    {"JK_PB", core::ModelId::jk_pb2a16s20p},
    {"JK-PB", core::ModelId::jk_pb2a16s20p},
    {"JK-B2A8S", core::ModelId::jk_b2a8s20p},
    {"JK_B2A8S", core::ModelId::jk_b2a8s20p},
    {"JK-BD4A24S", core::ModelId::jk_bd4a24s_12p},
    {"JK_BD4A24S", core::ModelId::jk_bd4a24s_12p},
}};

// Which parameters a decode takes from the wire: decode over two different fillings; what the
// wire carries comes out the same in both.
std::array<bool, core::kParamCount> carried_params(const RawSettings& raw,
                                                   const core::Settings& like) {
  core::Settings a = like;
  core::Settings b = like;
  for (const core::ParamInfo& row : core::kParams) {
    a.set_raw(row.id, std::numeric_limits<int32_t>::min() + 7);
    b.set_raw(row.id, std::numeric_limits<int32_t>::min() + 11);
  }
  const auto da = decode_raw(raw, a);
  const auto db = decode_raw(raw, b);
  std::array<bool, core::kParamCount> carried{};
  if (!da.ok() || !db.ok()) return carried;
  for (const core::ParamInfo& row : core::kParams)
    carried[static_cast<std::size_t>(row.id)] = da.value().raw(row.id) == db.value().raw(row.id);
  return carried;
}

}  // namespace

core::ModelId guess_model(std::string_view jk_model, int32_t cells) {
  for (const ModelPrefix& m : kModelPrefixes) {
    if (jk_model.starts_with(m.prefix)) return m.model;
  }
  const auto lfp = static_cast<std::size_t>(core::Chemistry::lfp);
  if (core::model(core::ModelId::jk_pb2a16s20p).cells[lfp].contains(cells))
    return core::ModelId::jk_pb2a16s20p;
  return core::ModelId::jk_bd4a24s_12p;
}

core::Chemistry guess_chemistry(int32_t cell_ovp_mv) {
  if (cell_ovp_mv >= 3900) return core::Chemistry::li_ion;
  if (cell_ovp_mv <= 2900) return core::Chemistry::lto;
  return core::Chemistry::lfp;
}

Result<BoardSettings> interpret(const RawSettings& raw, const core::DeviceInfo& info,
                                const Overrides& overrides) {
  const core::ModelId first_model = overrides.model.value_or(core::ModelId::jk_pb2a16s20p);
  const auto first = decode_raw(raw, core::Settings::preset(core::Chemistry::lfp, first_model, 16));
  if (!first.ok()) return first.status();
  const int32_t cells = first.value().cells();
  BoardSettings out;
  out.model_guessed = !overrides.model.has_value();
  const core::ModelId model = overrides.model.value_or(guess_model(info.model.view(), cells));
  // 4E57 carries the battery type (0xAF); the 55AA settings frame does not.
  const bool wire_has_chemistry = raw.source == RawSettings::Source::nw;
  out.chemistry_guessed = !overrides.chemistry.has_value() && !wire_has_chemistry;
  core::Chemistry chem = wire_has_chemistry ? first.value().chemistry()
                                            : guess_chemistry(first.value().raw(Param::cell_ovp));
  chem = overrides.chemistry.value_or(chem);
  const auto final_values = decode_raw(raw, core::Settings::preset(chem, model, cells));
  if (!final_values.ok()) return final_values.status();
  out.values = final_values.value();
  out.values.set_chemistry(chem);
  out.values.set_model(model);
  out.carried = carried_params(raw, out.values);
  return out;
}

namespace {

// A real board's factory values (MOS OTP/OTPR) are its own, whatever our table's are; they
// cannot be written, so they take no part in judging a change of something else.
core::Settings with_our_factory_values(const core::Settings& board) {
  core::Settings s = board;
  for (const core::ParamInfo& row : core::kParams) {
    if ((row.flags & core::kFactoryFixed) != 0)
      s.set_raw(row.id, core::factory_value(row.id, board.model_id()));
  }
  return s;
}

}  // namespace

ChangeCheck check_change(const core::Settings& read, Param p, int32_t value) {
  const core::Settings board = with_our_factory_values(read);
  ChangeCheck c{ok_status(), core::validate(board), board};
  if (c.existing.ok()) {
    c.status = core::apply_change(c.after, p, value);
    if (!c.status.ok()) c.after.set_raw(p, value);
    return c;
  }
  c.after.set_raw(p, value);
  const core::Range r = core::allowed_range(p, c.after);
  if (value < r.min || value > r.max) {
    c.status = core::setting_error(Errc::out_of_range, p, core::Rule::range);
    return c;
  }
  const Status now = core::validate(c.after);
  if (!now.ok() && !(now == c.existing))
    c.status = core::setting_error(now.code(), p, core::error_rule(now));
  return c;
}

std::string describe_rejection(const ChangeCheck& c, Param p, int32_t value,
                               std::optional<DisplayUnit> unit) {
  const core::ParamInfo& row = core::info(p);
  const auto shown = [&](int32_t v) {
    const std::string_view symbol = core::unit_info(row.unit).symbol;
    if (unit) return format_in(p, v, *unit);
    return format_display(p, v) + (symbol.empty() ? "" : " " + std::string(symbol));
  };
  if (core::error_rule(c.status) == core::Rule::range) {
    const core::Range r = core::allowed_range(p, c.after);
    const std::string low = shown(r.min);
    return std::string(row.name) + ": " + shown(value) + " is outside " +
           low.substr(0, low.find(' ')) + ".." + shown(r.max) + " on " +
           std::string(core::model(c.after.model_id()).name) + " (rule range)";
  }
  return std::string(row.name) + " = " + shown(value) + ": " +
         describe_setting_error(c.status).substr(row.name.size() + 2);
}

}  // namespace softbms::host::client
