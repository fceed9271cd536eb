#include "protocols/jk/device_info_frame.hpp"

#include <string_view>

namespace softbms::protocols::jk {
namespace {

using core::DeviceInfo;

struct TextField {
  uint16_t offset;
  uint8_t size;
  std::string_view (*get)(const DeviceInfo&);
  void (*set)(DeviceInfo&, std::string_view);
};

// clang-format off
#define SB_TEXT(off, size, member) \
  TextField{off, size, [](const DeviceInfo& d) { return d.member.view(); }, \
            [](DeviceInfo& d, std::string_view v) { d.member.assign(v.substr(0, decltype(d.member)::capacity())); }}
constexpr std::array kTextFields = {
    SB_TEXT(6, 16, model),
    SB_TEXT(22, 8, hw_version),
    SB_TEXT(30, 8, sw_version),
    SB_TEXT(46, 16, device_name),
    SB_TEXT(78, 8, manufacturing_date),
    SB_TEXT(86, 11, serial_number),
    SB_TEXT(102, 16, user_data),
    SB_TEXT(134, 16, user_data2),
};
#undef SB_TEXT
// clang-format on

constexpr uint16_t kUptimeOffset = 38;
constexpr uint16_t kPowerOnOffset = 42;

}  // namespace

void encode_device_info(const DeviceInfo& info, const core::Snapshot& snap, const core::Settings& s,
                        FrameStamp stamp, FrameOut out) {
  begin_frame(out, FrameType::device_info, stamp);
  for (const TextField& f : kTextFields) put_text(out, f.offset, f.size, f.get(info));
  put_le(out, kUptimeOffset, 4, static_cast<uint32_t>(snap.runtime.count()));
  put_le(out, kPowerOnOffset, 4, snap.power_on_count);
  for (const DeviceInfoParam& p : kDeviceInfoParams) {
    const int32_t v = s.raw(p.param);
    out[p.offset] = static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
  }
  seal_frame(out);
}

Result<DecodedDeviceInfo> decode_device_info(Bytes frame, const core::Settings& defaults) {
  const Status st = check_frame(frame, FrameType::device_info);
  if (!st.ok()) return st;
  DecodedDeviceInfo d{
      {}, Seconds(get_le(frame, kUptimeOffset, 4)), get_le(frame, kPowerOnOffset, 4), defaults};
  for (const TextField& f : kTextFields) f.set(d.info, get_text(frame, f.offset, f.size));
  for (const DeviceInfoParam& p : kDeviceInfoParams) d.settings.set_raw(p.param, frame[p.offset]);
  return d;
}

}  // namespace softbms::protocols::jk
