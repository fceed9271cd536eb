#include "protocols/inverter/can_protocol.hpp"

#include <array>

namespace softbms::protocols::inverter {
namespace {

constexpr std::array<uint32_t, kFrameKinds> kIds = {0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E,
                                                    0x35A, 0x35B, 0x35F, 0x372, 0x373, 0x374,
                                                    0x375, 0x376, 0x377, 0x378, 0x379, 0x382};

using K = FrameKind;
// Pylon CAN V1.2: "data transmission cycle: 1 s", sent as one burst.
constexpr std::array<ScheduleEntry, 6> kPylonSet = {{{K::limits_351, 1000},
                                                     {K::soc_355, 1000},
                                                     {K::measures_356, 1000},
                                                     {K::protection_359, 1000},
                                                     {K::request_35c, 1000},
                                                     {K::name_35e, 1000}}};
constexpr std::array<ScheduleEntry, 7> kLuxpowerSet = {{{K::limits_351, 1000},
                                                        {K::soc_355, 1000},
                                                        {K::measures_356, 1000},
                                                        {K::protection_359, 1000},
                                                        {K::request_35c, 1000},
                                                        {K::name_35e, 1000},
                                                        {K::capacity_379, 1000}}};
constexpr std::array<ScheduleEntry, 6> kPylonV13Set = {{{K::limits_351, 1000},
                                                        {K::soc_355, 1000},
                                                        {K::measures_356, 1000},
                                                        {K::alarms_35a, 1000},
                                                        {K::name_35e, 1000},
                                                        {K::info_35f, 1000}}};
// Victron needs 0x351 at least every 3 s; the rest once a second as the BYD LVS does. The
// ASCII ids and energy change slowly: every 5 s.
constexpr std::array<ScheduleEntry, 15> kVictronSet = {{{K::limits_351, 1000},
                                                        {K::soc_355, 1000},
                                                        {K::measures_356, 1000},
                                                        {K::alarms_35a, 1000},
                                                        {K::name_35e, 1000},
                                                        {K::info_35f, 1000},
                                                        {K::modules_372, 1000},
                                                        {K::cell_extremes_373, 1000},
                                                        {K::min_cell_id_374, 5000},
                                                        {K::max_cell_id_375, 5000},
                                                        {K::min_temp_id_376, 5000},
                                                        {K::max_temp_id_377, 5000},
                                                        {K::energy_378, 5000},
                                                        {K::capacity_379, 5000},
                                                        {K::product_382, 5000}}};
// SMA: "CAN messages are sent every 100 ms" (SMA mapping sheet); the SI reacts within 10 s.
constexpr std::array<ScheduleEntry, 7> kSmaSet = {{{K::limits_351, 100},
                                                   {K::soc_355, 100},
                                                   {K::measures_356, 100},
                                                   {K::alarms_35a, 100},
                                                   {K::events_35b, 100},
                                                   {K::name_35e, 100},
                                                   {K::info_35f, 100}}};

using P = CanProtocol;
// clang-format off
constexpr std::array<Dialect, 8> kDialects = {{
  {P::deye, "Deye low-voltage hybrid inverter CAN V1.0", "PYLON", ' ', 4, false, 6, 7, AlarmIdle::zero, false, false, true, kPylonSet},
  {P::pylon, "PYLON low voltage CAN V1.2", "PYLON", ' ', 4, false, 6, 7, AlarmIdle::zero, false, false, false, kPylonSet},
  {P::victron, "Victron CAN-bus BMS", "JK-BMS", '\0', 8, false, 8, 8, AlarmIdle::leave_bits, true, false, false, kVictronSet},
  {P::goodwe, "GoodWe LV BMS (EX/EM/S-BP/BP)", "GOODWE", ' ', 4, false, 6, 8, AlarmIdle::zero, false, false, false, kPylonSet},
  {P::sma, "SMA Sunny Island (FSS-ConnectingBat-TI-en-10)", "JK-BMS", '\0', 6, true, 6, 8, AlarmIdle::leave_bits, false, false, false, kSmaSet},
  {P::luxpower, "LuxpowerTek battery CAN V01", "PYLON", ' ', 8, false, 8, 8, AlarmIdle::zero, false, true, false, kLuxpowerSet},
  {P::pylon_v13, "PYLON low voltage CAN V1.3 (US5000 capture)", "PYLON", ' ', 6, false, 6, 7, AlarmIdle::zero, false, false, false, kPylonV13Set},
  {P::byd_lv, "BYD Battery-Box Premium LVS", "BYD", '\0', 8, false, 8, 8, AlarmIdle::leave_bits, true, false, false, kVictronSet},
}};
// clang-format on

}  // namespace

uint32_t frame_id(FrameKind kind) {
  return kIds[static_cast<std::size_t>(kind)];
}

const Dialect* dialect(CanProtocol p) {
  for (const Dialect& d : kDialects) {
    if (d.protocol == p) return &d;
  }
  return nullptr;
}

std::optional<CanProtocol> can_protocol_from_number(uint8_t number) {
  const auto p = static_cast<CanProtocol>(number);
  if (dialect(p) == nullptr) return std::nullopt;
  return p;
}

std::span<const Dialect> dialects() {
  return kDialects;
}

}  // namespace softbms::protocols::inverter
