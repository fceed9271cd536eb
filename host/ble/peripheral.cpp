#include "host/ble/peripheral.hpp"

#include <sys/socket.h>

#include <array>

#include "host/ble/address.hpp"
#include "host/loop/event_loop.hpp"

namespace softbms::host::ble {

namespace {

constexpr const char* kRoot = "/org/softbms/ble";
constexpr const char* kServicePath = "/org/softbms/ble/service0";
constexpr const char* kCharPath = "/org/softbms/ble/service0/char0";
constexpr const char* kAdvertPath = "/org/softbms/ble/advert0";
constexpr std::size_t kMaxMessage = 1024;

}  // namespace

// The D-Bus face of the objects: property getters and method handlers, userdata = Peripheral.
struct PeripheralVtables {
  static Peripheral& self(void* p) { return *static_cast<Peripheral*>(p); }

  static int string_prop(sd_bus_message* reply, const std::string& v) {
    return sd_bus_message_append_basic(reply, 's', v.c_str());
  }
  static int service_uuid(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                          void*, sd_bus_error*) {
    return string_prop(reply, uuid16(kJkService));
  }
  static int char_uuid(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply, void*,
                       sd_bus_error*) {
    return string_prop(reply, uuid16(kJkCharacteristic));
  }
  static int char_service(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                          void*, sd_bus_error*) {
    return sd_bus_message_append_basic(reply, 'o', kServicePath);
  }
  static int char_flags(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                        void*, sd_bus_error*) {
    return sd_bus_message_append(reply, "as", 4, "read", "write", "write-without-response",
                                 "notify");
  }
  static int char_value(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                        void* p, sd_bus_error*) {
    const auto& v = self(p).value_;
    return sd_bus_message_append_array(reply, 'y', v.data(), v.size());
  }
  static int char_notifying(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                            void* p, sd_bus_error*) {
    const int b = self(p).notifying_ ? 1 : 0;
    return sd_bus_message_append_basic(reply, 'b', &b);
  }
  static int read_value(sd_bus_message* m, void* p, sd_bus_error*) {
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r < 0) return r;
    Message owned(reply);
    const auto& v = self(p).value_;
    r = sd_bus_message_append_array(reply, 'y', v.data(), v.size());
    if (r < 0) return r;
    return sd_bus_send(nullptr, reply, nullptr);
  }
  static int write_value(sd_bus_message* m, void* p, sd_bus_error*) {
    const void* data = nullptr;
    size_t size = 0;
    const int r = sd_bus_message_read_array(m, 'y', &data, &size);
    if (r < 0) return r;
    // The bytes go to the endpoint as they came; its frame assembler finds the commands.
    if (size > 0) {
      [[maybe_unused]] ssize_t n =
          ::send(self(p).fds_.thread.get(), data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    return sd_bus_reply_method_return(m, "");
  }
  static int start_notify(sd_bus_message* m, void* p, sd_bus_error*) {
    Peripheral& s = self(p);
    if (!s.notifying_) {
      s.notifying_ = true;
      s.tell("a central subscribed");
      sd_bus_emit_properties_changed(sd_bus_message_get_bus(m), kCharPath, kGattCharacteristic1,
                                     "Notifying", nullptr);
    }
    return sd_bus_reply_method_return(m, "");
  }
  static int stop_notify(sd_bus_message* m, void* p, sd_bus_error*) {
    Peripheral& s = self(p);
    if (s.notifying_) {
      s.notifying_ = false;
      s.tell("the central unsubscribed");
      sd_bus_emit_properties_changed(sd_bus_message_get_bus(m), kCharPath, kGattCharacteristic1,
                                     "Notifying", nullptr);
    }
    return sd_bus_reply_method_return(m, "");
  }
  static int primary(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply, void*,
                     sd_bus_error*) {
    const int b = 1;
    return sd_bus_message_append_basic(reply, 'b', &b);
  }
  static int advert_type(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                         void*, sd_bus_error*) {
    return string_prop(reply, "peripheral");
  }
  static int advert_uuids(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                          void*, sd_bus_error*) {
    return sd_bus_message_append(reply, "as", 1, uuid16(kJkService).c_str());
  }
  static int advert_name(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                         void* p, sd_bus_error*) {
    return string_prop(reply, self(p).options_.name);
  }
  static int advert_release(sd_bus_message* m, void* p, sd_bus_error*) {
    self(p).tell("BlueZ released the advertisement");
    return sd_bus_reply_method_return(m, "");
  }
};

namespace {
using V = PeripheralVtables;
constexpr auto kConst = SD_BUS_VTABLE_PROPERTY_CONST;
constexpr auto kChange = SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE;
constexpr auto kAnyone = SD_BUS_VTABLE_UNPRIVILEGED;

const sd_bus_vtable kServiceVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("UUID", "s", V::service_uuid, 0, kConst),
    SD_BUS_PROPERTY("Primary", "b", V::primary, 0, kConst),
    SD_BUS_VTABLE_END,
};
const sd_bus_vtable kCharVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("UUID", "s", V::char_uuid, 0, kConst),
    SD_BUS_PROPERTY("Service", "o", V::char_service, 0, kConst),
    SD_BUS_PROPERTY("Flags", "as", V::char_flags, 0, kConst),
    SD_BUS_PROPERTY("Value", "ay", V::char_value, 0, kChange),
    SD_BUS_PROPERTY("Notifying", "b", V::char_notifying, 0, kChange),
    SD_BUS_METHOD("ReadValue", "a{sv}", "ay", V::read_value, kAnyone),
    SD_BUS_METHOD("WriteValue", "aya{sv}", "", V::write_value, kAnyone),
    SD_BUS_METHOD("StartNotify", "", "", V::start_notify, kAnyone),
    SD_BUS_METHOD("StopNotify", "", "", V::stop_notify, kAnyone),
    SD_BUS_VTABLE_END,
};
const sd_bus_vtable kAdvertVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Type", "s", V::advert_type, 0, kConst),
    SD_BUS_PROPERTY("ServiceUUIDs", "as", V::advert_uuids, 0, kConst),
    SD_BUS_PROPERTY("LocalName", "s", V::advert_name, 0, kConst),
    SD_BUS_METHOD("Release", "", "", V::advert_release, kAnyone),
    SD_BUS_VTABLE_END,
};

}  // namespace

Peripheral::Peripheral(PeripheralOptions options, Bus bus)
    : options_(std::move(options)), bus_(std::move(bus)) {}

std::string Peripheral::describe() const {
  return "ble " + options_.adapter + " as \"" + options_.name + "\"";
}

void Peripheral::tell(const std::string& line) const {
  if (options_.notice) options_.notice(describe() + ": " + line);
}

Done Peripheral::export_objects() {
  sd_bus* bus = bus_.get();
  struct Table {
    const char* path;
    const char* interface;
    const sd_bus_vtable* vtable;
  };
  const Table tables[] = {{kServicePath, kGattService1, kServiceVtable},
                          {kCharPath, kGattCharacteristic1, kCharVtable},
                          {kAdvertPath, kAdvertisement1, kAdvertVtable}};
  sd_bus_slot* slot = nullptr;
  int r = sd_bus_add_object_manager(bus, &slot, kRoot);
  if (r < 0) return bus_failure("cannot export the GATT application", r);
  slots_.emplace_back(slot);
  for (const Table& t : tables) {
    r = sd_bus_add_object_vtable(bus, &slot, t.path, t.interface, t.vtable, this);
    if (r < 0) return bus_failure(std::string("cannot export ") + t.path, r);
    slots_.emplace_back(slot);
  }
  const std::string adapter = adapter_path(options_.adapter);
  r = sd_bus_call_method_async(bus, &slot, kBluez, adapter.c_str(), kGattManager1,
                               "RegisterApplication", &Peripheral::on_registered, this, "oa{sv}",
                               kRoot, 0);
  if (r < 0) return bus_failure("RegisterApplication could not be sent", r);
  slots_.emplace_back(slot);
  r = sd_bus_call_method_async(bus, &slot, kBluez, adapter.c_str(), kAdvertisingManager1,
                               "RegisterAdvertisement", &Peripheral::on_registered, this, "oa{sv}",
                               kAdvertPath, 0);
  if (r < 0) return bus_failure("RegisterAdvertisement could not be sent", r);
  slots_.emplace_back(slot);
  return {};
}

int Peripheral::on_registered(sd_bus_message* reply, void* p, sd_bus_error*) {
  auto* self = static_cast<Peripheral*>(p);
  const sd_bus_error* e = sd_bus_message_get_error(reply);
  if (e != nullptr && self->failure_.empty())
    self->failure_ = bus_failure("BlueZ on " + self->options_.adapter + " refused softbms's " +
                                     "GATT application or advertisement",
                                 -1, e)
                         .message;
  ++self->registered_;
  return 0;
}

Expected<std::unique_ptr<Peripheral>> Peripheral::open(PeripheralOptions options) {
  if (Done d = check_adapter_name(options.adapter); !d) return d.error();
  auto bus = open_system_bus();
  if (!bus) return bus.error();
  std::unique_ptr<Peripheral> p(new Peripheral(std::move(options), std::move(bus).value()));
  auto fds = ThreadFds::make();
  if (!fds) return fds.error();
  p->fds_ = std::move(fds).value();
  if (Done d = p->export_objects(); !d) return d.error();
  // BlueZ reads the objects back (GetManagedObjects, the advertisement's properties) before it
  // answers, so the bus is served while waiting.
  const Milliseconds deadline = monotonic_now() + p->options_.register_timeout;
  while (p->registered_ < 2 && monotonic_now() < deadline) idle(p->bus_.get(), Milliseconds(50));
  if (!p->failure_.empty()) return make_error(Errc::not_found, "bluetooth", p->failure_);
  if (p->registered_ < 2) {
    return make_error(Errc::not_found, "bluetooth",
                      "BlueZ did not answer the GATT registration on " + p->options_.adapter);
  }
  Peripheral* self = p.get();
  p->thread_ = std::thread([self] { self->run(); });
  return p;
}

Peripheral::~Peripheral() {
  fds_.stop_and_join(thread_);
}

void Peripheral::notify(std::span<const uint8_t> bytes) {
  if (!notifying_) return;  // nobody subscribed: like a board with no phone connected
  for (std::size_t at = 0; at < bytes.size(); at += kNotifyChunk) {
    const auto part = bytes.subspan(at, std::min(kNotifyChunk, bytes.size() - at));
    value_.assign(part.begin(), part.end());
    sd_bus_emit_properties_changed(bus_.get(), kCharPath, kGattCharacteristic1, "Value", nullptr);
  }
}

void Peripheral::run() {
  sd_bus* bus = bus_.get();
  std::array<uint8_t, kMaxMessage> buf{};
  for (;;) {
    while (sd_bus_process(bus, nullptr) > 0) {
    }
    const ssize_t n = fds_.wait(bus, buf);
    if (n < 0) break;
    if (n > 0) notify(std::span(buf.data(), static_cast<std::size_t>(n)));
    if (sd_bus_is_open(bus) <= 0) {
      tell("the system bus went away");
      break;
    }
  }
  const std::string adapter = adapter_path(options_.adapter);
  sd_bus_call_method(bus, kBluez, adapter.c_str(), kAdvertisingManager1, "UnregisterAdvertisement",
                     nullptr, nullptr, "o", kAdvertPath);
  sd_bus_call_method(bus, kBluez, adapter.c_str(), kGattManager1, "UnregisterApplication", nullptr,
                     nullptr, "o", kRoot);
}

}  // namespace softbms::host::ble
