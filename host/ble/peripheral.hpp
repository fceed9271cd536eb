// The peripheral side: softbms shows itself as a JK board. A GATT application (service 0xFFE0,
// characteristic 0xFFE1 with read, write, write-without-response and notify) and an
// advertisement are registered with BlueZ (GattManager1.RegisterApplication,
// LEAdvertisingManager1.RegisterAdvertisement) on a thread of its own. What a central writes
// comes out of the descriptor; what is written to the descriptor goes to the central as
// notifications of 20 bytes (the payload of the default ATT MTU, which every central takes).
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/base/units.hpp"
#include "host/ble/bus.hpp"
#include "host/loop/error.hpp"
#include "host/loop/unique_fd.hpp"

namespace softbms::host::ble {

struct PeripheralOptions {
  std::string adapter = "hci0";
  std::string name = "JK-softbms";  // the advertised local name
  Milliseconds register_timeout{10000};
  std::function<void(const std::string&)> notice;  // centrals subscribing and leaving
};

inline constexpr std::size_t kNotifyChunk = 20;

class Peripheral {
 public:
  static Expected<std::unique_ptr<Peripheral>> open(PeripheralOptions options);
  ~Peripheral();
  Peripheral(const Peripheral&) = delete;
  Peripheral& operator=(const Peripheral&) = delete;

  // The caller's end of the message pair (SOCK_SEQPACKET, non-blocking). Taken once.
  UniqueFd take_fd() { return std::move(fds_.user); }
  [[nodiscard]] std::string describe() const;

 private:
  explicit Peripheral(PeripheralOptions options, Bus bus);
  Done export_objects();
  void run();
  void notify(std::span<const uint8_t> bytes);
  void tell(const std::string& line) const;
  static int on_registered(sd_bus_message* reply, void* self, sd_bus_error* e);

  // The vtables' handlers reach these.
  friend struct PeripheralVtables;

  PeripheralOptions options_;
  Bus bus_;
  std::vector<Slot> slots_;
  std::vector<uint8_t> value_;  // the characteristic's current value
  bool notifying_ = false;
  int registered_ = 0;   // replies of RegisterApplication and RegisterAdvertisement
  std::string failure_;  // the first registration error
  ThreadFds fds_;
  std::thread thread_;
};

}  // namespace softbms::host::ble
