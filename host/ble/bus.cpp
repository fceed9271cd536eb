#include "host/ble/bus.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>

#include "host/ble/address.hpp"
#include "host/loop/event_loop.hpp"

namespace softbms::host::ble {

Expected<Bus> open_system_bus() {
  sd_bus* b = nullptr;
  const int r = sd_bus_open_system(&b);
  if (r < 0) return bus_failure("cannot reach the system D-Bus", r);
  return Bus(b);
}

Error bus_failure(std::string_view what, int r, const sd_bus_error* e) {
  std::string text(what);
  Errc code = Errc::not_found;  // worth another try: the board was away or busy
  if (e != nullptr && sd_bus_error_is_set(e) != 0) {
    text += ": ";
    text += e->message != nullptr ? e->message : e->name;
    if (e->name != nullptr &&
        std::strcmp(e->name, "org.freedesktop.DBus.Error.ServiceUnknown") == 0) {
      text += " (is bluetoothd running? systemctl status bluetooth)";
      code = Errc::bad_state;  // no BlueZ at all: trying again will not help
    }
  } else if (r < 0) {
    text += ": ";
    text += std::strerror(-r);
  }
  return make_error(code, "bluetooth", text);
}

std::string error_name(const sd_bus_error& e) {
  return sd_bus_error_is_set(&e) != 0 && e.name != nullptr ? e.name : "";
}

namespace {

template <typename T>
int read_integer(sd_bus_message* m, char type, Value& out) {
  T v = 0;
  const int r = sd_bus_message_read_basic(m, type, &v);
  if (r >= 0) out = int64_t{v};
  return r;
}

// One variant at the read position, entered and left.
int read_value(sd_bus_message* m, Value& out) {
  char type = 0;
  const char* contents = nullptr;
  int r = sd_bus_message_peek_type(m, &type, &contents);
  if (r < 0) return r;
  r = sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT, contents);
  if (r < 0) return r;
  const std::string_view sig(contents);
  if (sig == "s" || sig == "o") {
    const char* s = nullptr;
    r = sd_bus_message_read_basic(m, sig[0], &s);
    if (r >= 0) out = std::string(s);
  } else if (sig == "b") {
    int b = 0;
    r = sd_bus_message_read_basic(m, 'b', &b);
    if (r >= 0) out = b != 0;
  } else if (sig == "n") {
    r = read_integer<int16_t>(m, 'n', out);
  } else if (sig == "q") {
    r = read_integer<uint16_t>(m, 'q', out);
  } else if (sig == "i") {
    r = read_integer<int32_t>(m, 'i', out);
  } else if (sig == "u") {
    r = read_integer<uint32_t>(m, 'u', out);
  } else if (sig == "y") {
    r = read_integer<uint8_t>(m, 'y', out);
  } else if (sig == "as" || sig == "ao") {
    char** strv = nullptr;
    r = sd_bus_message_read_strv(m, &strv);
    if (r >= 0) {
      std::vector<std::string> list;
      for (char** s = strv; s != nullptr && *s != nullptr; ++s) {
        list.emplace_back(*s);
        std::free(*s);
      }
      std::free(strv);
      out = std::move(list);
    }
  } else if (sig == "ay") {
    const void* data = nullptr;
    size_t size = 0;
    r = sd_bus_message_read_array(m, 'y', &data, &size);
    if (r >= 0) {
      const auto* p = static_cast<const uint8_t*>(data);
      out = std::vector<uint8_t>(p, p + size);
    }
  } else {
    out = std::monostate{};
    r = sd_bus_message_skip(m, contents);
  }
  if (r < 0) return r;
  return sd_bus_message_exit_container(m);
}

}  // namespace

int read_properties(sd_bus_message* m, Properties& out) {
  int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "{sv}");
  if (r < 0) return r;
  while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv")) > 0) {
    const char* name = nullptr;
    r = sd_bus_message_read_basic(m, 's', &name);
    if (r < 0) return r;
    Value v;
    r = read_value(m, v);
    if (r < 0) return r;
    out[name] = std::move(v);
    r = sd_bus_message_exit_container(m);
    if (r < 0) return r;
  }
  if (r < 0) return r;
  return sd_bus_message_exit_container(m);
}

int read_interfaces(sd_bus_message* m, Interfaces& out) {
  int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "{sa{sv}}");
  if (r < 0) return r;
  while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, "sa{sv}")) > 0) {
    const char* name = nullptr;
    r = sd_bus_message_read_basic(m, 's', &name);
    if (r < 0) return r;
    r = read_properties(m, out[name]);
    if (r < 0) return r;
    r = sd_bus_message_exit_container(m);
    if (r < 0) return r;
  }
  if (r < 0) return r;
  return sd_bus_message_exit_container(m);
}

Expected<Objects> managed_objects(sd_bus* bus) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message* reply = nullptr;
  int r = sd_bus_call_method(bus, kBluez, "/", kObjectManager, "GetManagedObjects", &e, &reply, "");
  Message owned(reply);
  if (r < 0) {
    Error err = bus_failure("cannot list BlueZ's objects", r, &e);
    sd_bus_error_free(&e);
    return err;
  }
  Objects objects;
  r = sd_bus_message_enter_container(reply, SD_BUS_TYPE_ARRAY, "{oa{sa{sv}}}");
  while (r >= 0 &&
         (r = sd_bus_message_enter_container(reply, SD_BUS_TYPE_DICT_ENTRY, "oa{sa{sv}}")) > 0) {
    const char* path = nullptr;
    r = sd_bus_message_read_basic(reply, 'o', &path);
    if (r >= 0) r = read_interfaces(reply, objects[path]);
    if (r >= 0) r = sd_bus_message_exit_container(reply);
  }
  if (r < 0) return bus_failure("BlueZ's object list did not parse", r);
  return objects;
}

std::string text_of(const Properties& p, const std::string& name) {
  auto it = p.find(name);
  if (it == p.end()) return {};
  const auto* s = std::get_if<std::string>(&it->second);
  return s != nullptr ? *s : std::string{};
}

bool flag_of(const Properties& p, const std::string& name) {
  auto it = p.find(name);
  if (it == p.end()) return false;
  const auto* b = std::get_if<bool>(&it->second);
  return b != nullptr && *b;
}

std::optional<int64_t> number_of(const Properties& p, const std::string& name) {
  auto it = p.find(name);
  if (it == p.end()) return std::nullopt;
  const auto* n = std::get_if<int64_t>(&it->second);
  if (n == nullptr) return std::nullopt;
  return *n;
}

std::vector<std::string> list_of(const Properties& p, const std::string& name) {
  auto it = p.find(name);
  if (it == p.end()) return {};
  const auto* l = std::get_if<std::vector<std::string>>(&it->second);
  return l != nullptr ? *l : std::vector<std::string>{};
}

Done call_simple(sd_bus* bus, const std::string& path, const char* interface, const char* member,
                 Milliseconds timeout) {
  sd_bus_message* m = nullptr;
  int r = sd_bus_message_new_method_call(bus, &m, kBluez, path.c_str(), interface, member);
  Message call(m);
  if (r < 0) return bus_failure(std::string(member) + " failed", r);
  sd_bus_error e = SD_BUS_ERROR_NULL;
  r = sd_bus_call(bus, m, static_cast<uint64_t>(timeout.count()) * 1000, &e, nullptr);
  if (r < 0) {
    Error err = bus_failure(std::string(member) + " on " + path + " failed", r, &e);
    err.part = error_name(e).empty() ? "bluetooth" : error_name(e);
    sd_bus_error_free(&e);
    return err;
  }
  return {};
}

Expected<bool> get_flag(sd_bus* bus, const std::string& path, const char* interface,
                        const char* name) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  int value = 0;
  const int r =
      sd_bus_get_property_trivial(bus, kBluez, path.c_str(), interface, name, &e, 'b', &value);
  if (r < 0) {
    Error err = bus_failure(std::string("cannot read ") + name + " of " + path, r, &e);
    sd_bus_error_free(&e);
    return err;
  }
  return value != 0;
}

Done check_adapter(const Objects& objects, const std::string& adapter) {
  // bad_state: no use trying again until the user acts.
  auto a = objects.find(adapter_path(adapter));
  const auto powered = a == objects.end() ? nullptr : &a->second;
  if (powered == nullptr || powered->count(kAdapter1) == 0) {
    return make_error(Errc::bad_state, "bluetooth",
                      "BlueZ has no adapter " + adapter + " (see: bluetoothctl list)");
  }
  if (!flag_of(powered->at(kAdapter1), "Powered")) {
    return make_error(Errc::bad_state, "bluetooth",
                      "Bluetooth adapter " + adapter +
                          " is off (bluetoothctl power on, or rfkill unblock bluetooth)");
  }
  return {};
}

Expected<ThreadFds> ThreadFds::make() {
  ThreadFds f;
  f.stop = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  std::array<int, 2> pair{};
  if (!f.stop.valid() || ::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair.data()) != 0)
    return make_error(Errc::no_space, "bluetooth", "cannot create the BLE thread's descriptors");
  f.user = UniqueFd(pair[0]);
  f.thread = UniqueFd(pair[1]);
  make_nonblocking(pair[0]);
  make_nonblocking(pair[1]);
  return f;
}

ssize_t ThreadFds::wait(sd_bus* bus, std::span<uint8_t> into) const {
  std::array<pollfd, 3> fds{{{sd_bus_get_fd(bus), static_cast<short>(sd_bus_get_events(bus)), 0},
                             {thread.get(), POLLIN, 0},
                             {stop.get(), POLLIN, 0}}};
  if (::poll(fds.data(), fds.size(), poll_timeout(bus)) < 0 && errno != EINTR) return -1;
  if (fds[2].revents != 0) return -1;
  if (fds[1].revents == 0) return 0;
  const ssize_t n = ::recv(thread.get(), into.data(), into.size(), MSG_DONTWAIT);
  if (n == 0 || (fds[1].revents & (POLLHUP | POLLERR)) != 0) return -1;  // the caller closed
  return n > 0 ? n : 0;
}

void ThreadFds::stop_and_join(std::thread& t) const {
  if (!t.joinable()) return;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(stop.get(), &one, sizeof one);
  t.join();
}

bool ignorable(const Error& e, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), e.part) != names.end();
}

namespace {
constexpr Milliseconds kShortCall{2000};
}

Done start_discovery(sd_bus* bus, const std::string& adapter) {
  const std::string path = adapter_path(adapter);
  sd_bus_message* m = nullptr;
  if (sd_bus_message_new_method_call(bus, &m, kBluez, path.c_str(), kAdapter1,
                                     "SetDiscoveryFilter") >= 0) {
    Message call(m);
    // Only LE advertisements: JK boards are BLE only, and classic inquiry slows a scan.
    if (append_string_dict(m, "Transport", "le") >= 0)
      sd_bus_call(bus, m, kShortCall.count() * 1000, nullptr, nullptr);
  }
  Done started = call_simple(bus, path, kAdapter1, "StartDiscovery", kShortCall);
  if (!started && !ignorable(started.error(), {"org.bluez.Error.InProgress"}))
    return started.error();
  return {};
}

void stop_discovery(sd_bus* bus, const std::string& adapter) {
  [[maybe_unused]] Done d =
      call_simple(bus, adapter_path(adapter), kAdapter1, "StopDiscovery", kShortCall);
}

int poll_timeout(sd_bus* bus) {
  uint64_t usec = 0;
  if (sd_bus_get_timeout(bus, &usec) <= 0 || usec == UINT64_MAX) return -1;
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  return usec > static_cast<uint64_t>(now) ? static_cast<int>((usec - now) / 1000 + 1) : 0;
}

void idle(sd_bus* bus, Milliseconds time) {
  const Milliseconds deadline = monotonic_now() + time;
  for (Milliseconds left = time; left > Milliseconds(0); left = deadline - monotonic_now()) {
    while (sd_bus_process(bus, nullptr) > 0) {
    }
    sd_bus_wait(bus, static_cast<uint64_t>(left.count()) * 1000);
  }
  while (sd_bus_process(bus, nullptr) > 0) {
  }
}

int append_string_dict(sd_bus_message* m, const char* key, const char* value) {
  int r = sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "{sv}");
  if (r < 0 || key == nullptr || *key == '\0') return r < 0 ? r : sd_bus_message_close_container(m);
  r = sd_bus_message_append(m, "{sv}", key, "s", value);
  if (r < 0) return r;
  return sd_bus_message_close_container(m);
}

}  // namespace softbms::host::ble
