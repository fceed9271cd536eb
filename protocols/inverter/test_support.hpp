// Test helpers: the vector file reader and a known 16S pack with its charge result.
#pragma once

#include <cstdint>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/charge/charge_types.hpp"
#include "core/io/alarm.hpp"
#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"
#include "protocols/inverter/can_frame.hpp"
#include "protocols/inverter/inverter_input.hpp"

namespace softbms {
template <typename Tag, typename Rep>
void PrintTo(const Quantity<Tag, Rep>& q, std::ostream* os) {
  *os << q.count();
}
}  // namespace softbms

namespace softbms::protocols::inverter {

inline void PrintTo(const CanFrame& f, std::ostream* os) {
  *os << std::hex << f.id << " [" << int{f.dlc} << "]";
  for (int i = 0; i < f.dlc; ++i) *os << ' ' << int{f.data[i]};
  *os << std::dec;
}

namespace test {

struct Vector {
  std::string comment;
  bool can = false;
  CanFrame frame;
  std::string text;  // RS485, with the real \r
};

inline std::vector<Vector> load_vectors() {
  std::ifstream in(std::string(SOFTBMS_INVERTER_TESTDATA) + "/inverter-frames.txt");
  std::vector<Vector> out;
  std::string line, comment;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) {
      comment = line;
      continue;
    }
    Vector v;
    v.comment = comment;
    std::istringstream ss(line);
    std::string kind;
    ss >> kind;
    if (kind == "CAN") {
      unsigned id = 0, dlc = 0, b = 0;
      ss >> std::hex >> id >> dlc;
      v.can = true;
      v.frame = make_frame(id, static_cast<uint8_t>(dlc));
      for (unsigned i = 0; i < dlc && ss >> std::hex >> b; ++i)
        v.frame.data[i] = static_cast<uint8_t>(b);
      out.push_back(v);
    } else if (kind == "R485") {
      ss >> v.text;
      const auto cr = v.text.find("\\r");
      if (cr != std::string::npos) v.text.replace(cr, 2, "\r");
      out.push_back(v);
    }
  }
  return out;
}

// A 16S LFP pack on a JK-PB, 280 Ah, four battery sensors.
inline core::Snapshot pack_snapshot() {
  core::Snapshot s;
  s.cell_count = 16;
  for (int i = 0; i < 16; ++i) s.cell[i] = Millivolts(3300);
  s.cell[4] = Millivolts(3280);
  s.cell[9] = Millivolts(3320);
  s.cell_min = Millivolts(3280);
  s.cell_max = Millivolts(3320);
  s.cell_min_index = 4;
  s.cell_max_index = 9;
  s.pack_voltage = Millivolts(52800);
  s.current = Milliamps(-12345);
  s.temp_present_mask = 0b11111;
  s.temp = {DeciCelsius(310), DeciCelsius(250), DeciCelsius(240),
            DeciCelsius(260), DeciCelsius(250), DeciCelsius(0)};
  s.soc_percent = 75;
  s.soc_permille = 753;
  s.soh_percent = 98;
  s.remaining = MilliampHours(210'000);
  s.full_capacity = MilliampHours(280'000);
  s.design_capacity = MilliampHours(280'000);
  s.cycles = 42;
  s.charge_fet = true;
  s.discharge_fet = true;
  return s;
}

inline core::ChargeResult pack_charge() {
  core::ChargeResult r;
  r.limits = {Millivolts(55200), Milliamps(90000), Milliamps(90000), Millivolts(44800)};
  r.target = r.limits;
  r.request.charge_enable = true;
  r.request.discharge_enable = true;
  r.charge_limiter = core::Limiter::ceiling;
  r.discharge_limiter = core::Limiter::ceiling;
  return r;
}

inline core::Settings lfp16() {
  return core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
}

}  // namespace test
}  // namespace softbms::protocols::inverter
