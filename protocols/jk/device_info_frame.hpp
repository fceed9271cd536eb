// Frame type 0x03, device info ([ESPHOME]). The same layout in every flavour.
// Passwords are never sent: their fields go out as NULs.
#pragma once

#include <array>

#include "core/io/device_info.hpp"
#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"
#include "protocols/jk/frame.hpp"

namespace softbms::protocols::jk {

// Settings JK keeps in the device-info frame rather than in the settings frame, one byte each,
// with their BLE write register. (The settings table has no column for this frame yet.)
struct DeviceInfoParam {
  core::Param param;
  uint16_t offset;
  uint8_t ble_register;
};
inline constexpr std::array<DeviceInfoParam, 4> kDeviceInfoParams = {{
    {core::Param::rcv_time, 266, 0xB3},
    {core::Param::rfv_time, 267, 0xB4},
    {core::Param::emergency_minutes, 269, 0xB5},
    {core::Param::rebulk_soc, 278, 0xB7},
}};

struct DecodedDeviceInfo {
  core::DeviceInfo info;
  Seconds uptime{};
  uint32_t power_on_count = 0;
  core::Settings settings;  // the defaults given, with kDeviceInfoParams from the frame
};

// uptime and power-on count come from the Snapshot, the four device-info settings from s.
void encode_device_info(const core::DeviceInfo& info, const core::Snapshot& snap,
                        const core::Settings& s, FrameStamp stamp, FrameOut out);

Result<DecodedDeviceInfo> decode_device_info(Bytes frame, const core::Settings& defaults);

}  // namespace softbms::protocols::jk
