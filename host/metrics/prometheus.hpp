// The Prometheus text exposition (format 0.0.4) of one or more packs, for /metrics
// ([PROM]): prefix jkbms_, base units (volts, amperes, watts, celsius, seconds,
// joules, coulombs, ratio) that promtool's lint accepts, counters ending in _total, one label per
// cell.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/io/device_info.hpp"
#include "core/io/snapshot.hpp"

namespace softbms::host::metrics {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

struct PackMetrics {
  std::string pack;         // the pack label: the pack id the web and MQTT use
  core::DeviceInfo device;  // for jkbms_info
  core::Snapshot snapshot;
  bool up = true;              // false: the last read failed; only jkbms_up and jkbms_info then
  int64_t sample_unix_ms = 0;  // when the snapshot was read (kept while down; 0: never)
  std::optional<bool> mqtt_connected;  // the pack's MQTT client, when MQTT is on
};

// Every metric family once (HELP, TYPE, then one sample per pack and label set).
std::string prometheus_text(std::span<const PackMetrics> packs);
std::string prometheus_text(const PackMetrics& pack);

// A label value with \ " and newline escaped as the format requires.
std::string escape_label(std::string_view value);
// v / 10^decimals written exactly ("3.305", "-0.5", "12"), without float noise.
std::string fixed(int64_t v, int decimals);

}  // namespace softbms::host::metrics
