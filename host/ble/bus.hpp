// The little of sd-bus (libsystemd) that the BLE code needs: the system bus, BlueZ's object
// tree read into plain values, property reads and method calls with errors as values.
#pragma once

#include <systemd/sd-bus.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/base/units.hpp"
#include "host/loop/error.hpp"
#include "host/loop/unique_fd.hpp"

namespace softbms::host::ble {

struct BusClose {
  void operator()(sd_bus* b) const { sd_bus_flush_close_unref(b); }
};
using Bus = std::unique_ptr<sd_bus, BusClose>;
struct MessageUnref {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using Message = std::unique_ptr<sd_bus_message, MessageUnref>;
struct SlotUnref {
  void operator()(sd_bus_slot* s) const { sd_bus_slot_unref(s); }
};
using Slot = std::unique_ptr<sd_bus_slot, SlotUnref>;

inline constexpr const char* kBluez = "org.bluez";
inline constexpr const char* kAdapter1 = "org.bluez.Adapter1";
inline constexpr const char* kDevice1 = "org.bluez.Device1";
inline constexpr const char* kGattService1 = "org.bluez.GattService1";
inline constexpr const char* kGattCharacteristic1 = "org.bluez.GattCharacteristic1";
inline constexpr const char* kGattManager1 = "org.bluez.GattManager1";
inline constexpr const char* kAdvertisingManager1 = "org.bluez.LEAdvertisingManager1";
inline constexpr const char* kAdvertisement1 = "org.bluez.LEAdvertisement1";
inline constexpr const char* kProperties = "org.freedesktop.DBus.Properties";
inline constexpr const char* kObjectManager = "org.freedesktop.DBus.ObjectManager";

// A property value, as far as BlueZ's objects use them; other types read as monostate.
using Value = std::variant<std::monostate, std::string, bool, int64_t, std::vector<std::string>,
                           std::vector<uint8_t>>;
using Properties = std::map<std::string, Value>;
using Interfaces = std::map<std::string, Properties>;
using Objects = std::map<std::string, Interfaces>;

// The system bus (DBUS_SYSTEM_BUS_ADDRESS when set, which is how the tests use a private bus).
Expected<Bus> open_system_bus();

// Errors name "bluetooth"; the message says what failed and BlueZ's own words.
Error bus_failure(std::string_view what, int r, const sd_bus_error* e = nullptr);
// The D-Bus error name of a failed call ("org.bluez.Error.InProgress"), empty when none.
std::string error_name(const sd_bus_error& e);

// Reads a{sv} at the message's read position.
int read_properties(sd_bus_message* m, Properties& out);
// Reads a{sa{sv}} (interfaces and their properties).
int read_interfaces(sd_bus_message* m, Interfaces& out);
// ObjectManager.GetManagedObjects of BlueZ.
Expected<Objects> managed_objects(sd_bus* bus);

// Property accessors that give a default when absent or of another type.
std::string text_of(const Properties& p, const std::string& name);
bool flag_of(const Properties& p, const std::string& name);
std::optional<int64_t> number_of(const Properties& p, const std::string& name);
std::vector<std::string> list_of(const Properties& p, const std::string& name);

// A method call without arguments and without a result (Connect, StartNotify, StartDiscovery).
Done call_simple(sd_bus* bus, const std::string& path, const char* interface, const char* member,
                 Milliseconds timeout);
// Properties.Get of a boolean.
Expected<bool> get_flag(sd_bus* bus, const std::string& path, const char* interface,
                        const char* name);

// The adapter is in BlueZ's objects and powered; else an error saying what to do.
Done check_adapter(const Objects& objects, const std::string& adapter);

// The descriptors of a BLE thread: a SOCK_SEQPACKET pair (the caller's end, the thread's end,
// both non-blocking) and an eventfd that tells the thread to stop.
struct ThreadFds {
  UniqueFd user;
  UniqueFd thread;
  UniqueFd stop;
  static Expected<ThreadFds> make();
  // The thread's wait: for the bus, a message from the caller, or the stop. The message's size
  // (read into `into`), 0 when only the bus woke, -1 to end (stop asked, the caller closed).
  [[nodiscard]] ssize_t wait(sd_bus* bus, std::span<uint8_t> into) const;
  // Wakes the thread through `stop` and joins it.
  void stop_and_join(std::thread& t) const;
};

// Whether a failed call_simple() was refused with one of these D-Bus error names.
bool ignorable(const Error& e, std::initializer_list<std::string_view> names);

// Adapter1.SetDiscoveryFilter (LE only) and StartDiscovery; discovery already on is fine.
Done start_discovery(sd_bus* bus, const std::string& adapter);
void stop_discovery(sd_bus* bus, const std::string& adapter);
// The poll(2) timeout in ms until the bus next needs processing (-1: none).
int poll_timeout(sd_bus* bus);
// Dispatches what arrives on the bus for `time` (signals nobody waits for are dropped).
void idle(sd_bus* bus, Milliseconds time);

// Opens "a{sv}" with one string entry (SetDiscoveryFilter's {"Transport": "le"},
// WriteValue's {"type": "request"}); an empty key writes an empty dictionary.
int append_string_dict(sd_bus_message* m, const char* key, const char* value);

}  // namespace softbms::host::ble
