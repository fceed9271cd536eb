// Words for events and JK logbook codes, for people (CLI, web) and for the JK logbook frame.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/io/event.hpp"

namespace softbms::core {

// What happened, in a few words: "Protection tripped", "Switch changed", ...
std::string_view event_text(EventType type);
// What it happened to: the alarm's words for protections, the parameter name for switches and
// settings, the chemistry for presets, "connection"/"settings" for passwords, the field for
// device info; empty when the event has no subject.
std::string_view event_subject(const Event& e);
// Who made it: "app", "rs485", ... ("internal" for the board itself).
std::string_view origin_text(const Event& e);

// The JK logbook code of an event ([ESPHOME]), when JK logs one for it.
std::optional<uint8_t> jk_logbook_code(const Event& e);
// Words for a JK logbook code read from a real board; empty for an unknown code. The
// per-cell codes 0x64..0x83 and 0xC8..0xE7 give the generic words; jk_logbook_cell names
// the cell.
std::string_view jk_logbook_text(uint8_t code);
// The event a JK logbook code stands for, read back from a board: the first row with the code
// (per-cell codes give a cell_ovp / cell_uvp trip whose value is the 0-based cell). Nothing for
// an unknown code.
std::optional<Event> jk_logbook_event(uint8_t code, uint32_t time_s);
// The 1-based cell of a per-cell code.
std::optional<uint8_t> jk_logbook_cell(uint8_t code);

}  // namespace softbms::core
