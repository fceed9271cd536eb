#include "core/store/device_info_record.hpp"

#include <array>

#include "core/store/bytes.hpp"

namespace softbms::core {
namespace {

template <std::size_t N>
void put(ByteWriter& w, const FixedString<N>& s) {
  w.u8(static_cast<uint8_t>(s.size()));
  const std::string_view v = s.view();
  for (std::size_t i = 0; i < N; ++i) w.u8(i < v.size() ? static_cast<uint8_t>(v[i]) : 0);
}

// False when the stored length exceeds the field.
template <std::size_t N>
bool get(ByteReader& r, FixedString<N>& s) {
  const std::size_t len = r.u8();
  std::array<char, N> text{};
  for (char& c : text) c = static_cast<char>(r.u8());
  return len <= N && s.assign(std::string_view(text.data(), len));
}

// One list of fields for both directions, so encode and decode cannot drift apart.
template <typename Info, typename F>
bool each_field(Info& d, F&& f) {
  return f(d.model) && f(d.hw_version) && f(d.sw_version) && f(d.device_name) &&
         f(d.manufacturing_date) && f(d.serial_number) && f(d.user_data) && f(d.user_data2);
}

}  // namespace

Result<std::size_t> encode_device_info(const DeviceInfo& d, std::span<uint8_t> out) {
  ByteWriter w(out);
  w.u16(kDeviceInfoRecordVersion);
  each_field(d, [&w](const auto& field) {
    put(w, field);
    return true;
  });
  if (!w.ok()) return Status(Errc::no_space);
  return w.size();
}

Result<DeviceInfo> decode_device_info(std::span<const uint8_t> in) {
  ByteReader r(in);
  if (r.u16() != kDeviceInfoRecordVersion) return Status(Errc::corrupt);
  DeviceInfo d;
  const bool fields_ok = each_field(d, [&r](auto& field) { return get(r, field); });
  if (!fields_ok || !r.at_end()) return Status(Errc::corrupt);
  return d;
}

Status save_device_info(Store& store, const DeviceInfo& d) {
  std::array<uint8_t, kDeviceInfoRecordSize> buf{};
  const Result<std::size_t> n = encode_device_info(d, buf);
  if (!n.ok()) return n.status();
  return store.save(RecordId::device_info, std::span(buf).first(n.value()));
}

Result<DeviceInfo> load_device_info(Store& store) {
  std::array<uint8_t, kDeviceInfoRecordSize> buf{};
  const Result<std::size_t> n = store.load(RecordId::device_info, buf);
  if (!n.ok()) return n.status().code() == Errc::no_space ? Status(Errc::corrupt) : n.status();
  return decode_device_info(std::span(buf).first(n.value()));
}

}  // namespace softbms::core
