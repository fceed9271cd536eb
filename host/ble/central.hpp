// The central side: a GATT link to one JK board through BlueZ, kept on a thread of its own so
// the caller sees a plain descriptor. Towards the board every message written to the
// descriptor goes out as one WriteValue on characteristic 0xFFE1; from the board the
// notifications are rebuilt into frames (NotifyAssembler) and every frame or acknowledge comes
// back as one message. When the board goes away the thread connects again with backoff
// (1 s, 2 s, 4 s ... 30 s) while the descriptor stays open; commands written meanwhile are
// dropped (the client's own retry sends them again). This is the only reconnect layer for BLE:
// the monitor's BoardLink keeps such a transport open (Transport::heals_itself).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <thread>

#include "core/base/units.hpp"
#include "host/ble/address.hpp"
#include "host/ble/bus.hpp"
#include "host/ble/notify_assembler.hpp"
#include "host/loop/error.hpp"
#include "host/loop/unique_fd.hpp"

namespace softbms::host::ble {

struct CentralOptions {
  std::string adapter = "hci0";
  Milliseconds discover{10000};      // how long to look for a board BlueZ has not seen yet
  Milliseconds connect{20000};       // Connect, then the services resolved
  Milliseconds first_backoff{1000};  // after a lost link; doubles up to max_backoff
  Milliseconds max_backoff{30000};
  int first_attempts = 3;  // the first connection, before giving up
  // Link lost, link back, a reconnect that failed: one line each, from the BLE thread.
  std::function<void(const std::string&)> notice;
};

// Where the JK characteristic sits once the board's services are resolved.
struct GattLink {
  std::string notify_path;
  std::string write_path;
  bool write_with_response = true;  // "write" flag; otherwise "write-without-response"
};

class Central {
 public:
  static Expected<std::unique_ptr<Central>> connect(const BleAddress& address,
                                                    CentralOptions options);
  ~Central();
  Central(const Central&) = delete;
  Central& operator=(const Central&) = delete;

  // The caller's end of the message pair (SOCK_SEQPACKET, non-blocking). Taken once.
  UniqueFd take_fd() { return std::move(fds_.user); }
  [[nodiscard]] std::string describe() const;
  // How many times the link was made (1 after connect()).
  [[nodiscard]] int connections() const { return connections_.load(); }
  // Whether the thread still runs (and so reconnects after a lost link).
  [[nodiscard]] bool running() const { return running_.load(); }

 private:
  Central(const BleAddress& address, CentralOptions options, Bus bus);
  Expected<GattLink> attach();
  void run();
  void on_link_lost(const std::string& why);
  void send_to_board(std::span<const uint8_t> bytes);
  void tell(const std::string& line) const;
  static int on_properties_changed(sd_bus_message* m, void* self, sd_bus_error* e);
  static int on_interfaces_removed(sd_bus_message* m, void* self, sd_bus_error* e);

  BleAddress address_;
  CentralOptions options_;
  std::string device_path_;
  Bus bus_;
  GattLink gatt_;
  NotifyAssembler assembler_;
  bool linked_ = false;
  ThreadFds fds_;
  std::atomic<int> connections_{0};
  std::atomic<bool> running_{false};
  std::thread thread_;
};

// Looks for `device_path` on the adapter (discovery on, LE only) until BlueZ lists it or
// `timeout` passes.
Done discover(sd_bus* bus, const std::string& adapter, const std::string& device_path,
              Milliseconds timeout);

}  // namespace softbms::host::ble
