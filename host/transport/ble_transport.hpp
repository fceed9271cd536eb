// Bluetooth LE as a transport: the messages of host/ble's central or peripheral thread, read and
// written like any byte stream (one JK frame or command per read or write).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "host/transport/transport.hpp"

namespace softbms::host {

namespace ble {
class Central;
class Peripheral;
}  // namespace ble

using BleNotice = std::function<void(const std::string&)>;

class BleTransport final : public FdTransport {
 public:
  // A JK board: "AA:BB:CC:DD:EE:FF" or "hci1:AA:BB:CC:DD:EE:FF" (what follows "ble:" in -p).
  static Expected<std::unique_ptr<BleTransport>> connect(std::string_view target, BleNotice notice);
  // softbms as a JK board on `adapter`, advertised as `name`.
  static Expected<std::unique_ptr<BleTransport>> serve(const std::string& adapter,
                                                       const std::string& name, BleNotice notice);
  ~BleTransport() override;
  [[nodiscard]] std::string describe() const override { return name(); }
  // A central reconnects with its own backoff while its thread runs (host/ble/central.hpp).
  [[nodiscard]] bool heals_itself() const override;

 private:
  BleTransport(UniqueFd fd, std::string name);
  std::unique_ptr<ble::Central> central_;
  std::unique_ptr<ble::Peripheral> peripheral_;
};

}  // namespace softbms::host
