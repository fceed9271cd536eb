// What the client knows about the board it talks to: its settings as read (and which of them
// the protocol carries at all), its model and chemistry, and whether a change is allowed.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/io/device_info.hpp"
#include "core/settings/settings.hpp"
#include "host/text/param_text.hpp"
#include "protocols/jk/frame.hpp"

namespace softbms::host::client {

// The settings as they came off the wire, before they are decoded with a model's defaults.
struct RawSettings {
  enum class Source : uint8_t { frame55, nw };
  Source source = Source::frame55;
  std::vector<uint8_t> bytes;  // the 0x01 settings frame, or the 4E57 read-all reply
  protocols::jk::Layout layout = protocols::jk::Layout::jk02_32s;
  std::vector<uint8_t> about;  // the 0x03 device-info frame when read (it holds 4 settings)
  // The control word (settings frame 282-283); 0 for 4E57, which has none.
  [[nodiscard]] uint16_t control_word() const;
};

// Decodes the raw settings over `defaults` (values the wire does not carry keep them).
Result<core::Settings> decode_raw(const RawSettings& raw, const core::Settings& defaults);

// The model from the device-info model string ("JK_PB2A16S15P", "JK-B2A8S20P"); a string we
// do not know gives the model whose cell range holds `cells` (24-cell boards -> BD4A24S).
core::ModelId guess_model(std::string_view jk_model, int32_t cells);
// The chemistry from the cell OVP the board holds: >= 3.9 V Li-ion, <= 2.9 V LTO, else LFP.
core::Chemistry guess_chemistry(int32_t cell_ovp_mv);

struct Overrides {
  std::optional<core::ModelId> model;
  std::optional<core::Chemistry> chemistry;
};

struct BoardSettings {
  core::Settings values;
  std::array<bool, core::kParamCount> carried{};  // read from the board, not a default
  bool model_guessed = false;
  bool chemistry_guessed = false;
};
Result<BoardSettings> interpret(const RawSettings& raw, const core::DeviceInfo& info,
                                const Overrides& overrides);

// Whether `p := value` may be sent, checked against the table and the board's own settings.
// A board whose settings already break a rule (a real board may hold values outside our
// table) still accepts a change that is in range and adds no new failure.
struct ChangeCheck {
  Status status;         // ok, or why not (detail = Param, detail2 = Rule)
  Status existing;       // the board's own failure before the change, if any
  core::Settings after;  // the board's settings with the change
};
ChangeCheck check_change(const core::Settings& board, core::Param p, int32_t value);
// "cell_ovp: 9000 mV is outside 1000..5000 mV on JK-PB2A16S20P (rule range)".
// The range and values are told in `unit` (the one the user wrote), the table's by default.
std::string describe_rejection(const ChangeCheck& c, core::Param p, int32_t value,
                               std::optional<DisplayUnit> unit = std::nullopt);

}  // namespace softbms::host::client
