// Every 55AA decoder on arbitrary bytes: cell info (24S, 32S, JK04), settings, device info,
// logbook. None may crash; what decodes must encode again without trouble.
#include "protocols/jk/cell_info.hpp"
#include "protocols/jk/device_info_frame.hpp"
#include "protocols/jk/jk04.hpp"
#include "protocols/jk/logbook.hpp"
#include "protocols/jk/settings_frame.hpp"

using namespace softbms::protocols::jk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  const softbms::core::Settings defaults;
  Frame out{};
  for (Layout l : {Layout::jk02_24s, Layout::jk02_32s}) {
    const auto cells = decode_cell_info(in, l);
    if (cells.ok()) static_cast<void>(encode_cell_info(cells.value(), l, {}, out));
    const auto settings = decode_settings(in, l, defaults);
    if (settings.ok()) static_cast<void>(encode_settings(settings.value(), l, {}, out));
  }
  static_cast<void>(decode_jk04_cell_info(in));
  static_cast<void>(decode_jk04_settings(in, defaults));
  const auto info = decode_device_info(in, defaults);
  if (info.ok()) encode_device_info(info.value().info, {}, info.value().settings, {}, out);
  const auto book = decode_logbook(in);
  if (book.ok()) {
    for (std::size_t i = 0; i < book.value().size; ++i)
      static_cast<void>(event_from_jk_code(book.value().entries[i]));
  }
  return 0;
}
