// The device-info record: the identity fields of core/io/device_info.hpp, each as a length byte
// followed by the field's full capacity (so the record has one fixed size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/base/status.hpp"
#include "core/io/device_info.hpp"
#include "core/store/store.hpp"

namespace softbms::core {

inline constexpr uint16_t kDeviceInfoRecordVersion = 1;
inline constexpr std::size_t kDeviceInfoRecordSize =
    2 + (1 + 16) + (1 + 8) + (1 + 8) + (1 + 16) + (1 + 8) + (1 + 11) + (1 + 16) + (1 + 16);

Result<std::size_t> encode_device_info(const DeviceInfo& d, std::span<uint8_t> out);
Result<DeviceInfo> decode_device_info(std::span<const uint8_t> in);

Status save_device_info(Store& store, const DeviceInfo& d);
Result<DeviceInfo> load_device_info(Store& store);

}  // namespace softbms::core
