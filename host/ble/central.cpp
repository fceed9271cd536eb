#include "host/ble/central.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>

#include "host/ble/notify_assembler.hpp"
#include "host/loop/event_loop.hpp"

namespace softbms::host::ble {
namespace {

constexpr Milliseconds kPollStep{100};
constexpr Milliseconds kShortCall{2000};
constexpr std::size_t kMaxMessage = 512;

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Waits on the stop descriptor: true when asked to stop.
bool wait_for_stop(int stop_fd, Milliseconds timeout) {
  pollfd p{stop_fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(std::max<int64_t>(timeout.count(), 0))) > 0;
}

}  // namespace

Done discover(sd_bus* bus, const std::string& adapter, const std::string& device_path,
              Milliseconds timeout) {
  if (Done d = start_discovery(bus, adapter); !d) return d.error();
  const Milliseconds deadline = monotonic_now() + timeout;
  bool found = false;
  while (!found && monotonic_now() < deadline) {
    auto objects = managed_objects(bus);
    if (!objects) return objects.error();
    auto it = objects.value().find(device_path);
    found = it != objects.value().end() && it->second.count(kDevice1) != 0;
    if (!found) idle(bus, kPollStep);
  }
  stop_discovery(bus, adapter);
  if (found) return {};
  return make_error(Errc::not_found, "bluetooth",
                    "BlueZ on " + adapter + " saw no device " +
                        device_path.substr(device_path.rfind("dev_") + 4) + " in " +
                        std::to_string(timeout.count() / 1000) +
                        " s: is the board powered, in range, and not connected to a phone?");
}

Central::Central(const BleAddress& address, CentralOptions options, Bus bus)
    : address_(address),
      options_(std::move(options)),
      device_path_(device_path(options_.adapter, address)),
      bus_(std::move(bus)),
      // Each rebuilt frame is one message; a caller that stops reading loses frames, not the
      // link.
      assembler_([this](std::span<const uint8_t> msg) {
        [[maybe_unused]] ssize_t n =
            ::send(fds_.thread.get(), msg.data(), msg.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      }) {}

std::string Central::describe() const {
  return "ble " + format_address(address_) + " (" + options_.adapter + ")";
}

void Central::tell(const std::string& line) const {
  if (options_.notice) options_.notice(describe() + ": " + line);
}

Expected<GattLink> Central::attach() {
  sd_bus* bus = bus_.get();
  auto objects = managed_objects(bus);
  if (!objects) return objects.error();
  if (Done d = check_adapter(objects.value(), options_.adapter); !d) return d.error();
  if (objects.value().count(device_path_) == 0) {
    if (Done d = discover(bus, options_.adapter, device_path_, options_.discover); !d)
      return d.error();
  }
  auto connected = get_flag(bus, device_path_, kDevice1, "Connected");
  if (!connected) return connected.error();
  if (!connected.value()) {
    Done d = call_simple(bus, device_path_, kDevice1, "Connect", options_.connect);
    if (!d && !ignorable(d.error(), {"org.bluez.Error.AlreadyConnected"})) return d.error();
  }
  // GATT objects appear once the services are resolved.
  const Milliseconds deadline = monotonic_now() + options_.connect;
  for (;;) {
    auto resolved = get_flag(bus, device_path_, kDevice1, "ServicesResolved");
    if (!resolved) return resolved.error();
    if (resolved.value()) break;
    if (monotonic_now() >= deadline) {
      return make_error(Errc::not_found, "bluetooth",
                        describe() + ": connected, but its services were not resolved in time");
    }
    if (wait_for_stop(fds_.stop.get(), kPollStep))
      return make_error(Errc::bad_state, "bluetooth", "stopped");
  }
  objects = managed_objects(bus);
  if (!objects) return objects.error();
  GattLink g;
  const std::string service_uuid = uuid16(kJkService);
  const std::string char_uuid = uuid16(kJkCharacteristic);
  for (auto& [path, ifaces] : objects.value()) {
    if (!path.starts_with(device_path_ + "/")) continue;
    auto c = ifaces.find(kGattCharacteristic1);
    if (c == ifaces.end() || text_of(c->second, "UUID") != char_uuid) continue;
    auto s = objects.value().find(text_of(c->second, "Service"));
    if (s == objects.value().end() || text_of(s->second[kGattService1], "UUID") != service_uuid)
      continue;
    const auto flags = list_of(c->second, "Flags");
    if (g.notify_path.empty() && (has(flags, "notify") || has(flags, "indicate")))
      g.notify_path = path;
    if (g.write_path.empty() && (has(flags, "write") || has(flags, "write-without-response"))) {
      g.write_path = path;
      g.write_with_response = has(flags, "write");
    }
  }
  if (g.notify_path.empty() || g.write_path.empty()) {
    return make_error(Errc::unknown_field, "bluetooth",
                      describe() +
                          " has no JK service (0xFFE0 with a notify and write 0xFFE1 "
                          "characteristic): is it a JK board?");
  }
  Done n = call_simple(bus, g.notify_path, kGattCharacteristic1, "StartNotify", kShortCall);
  if (!n && !ignorable(n.error(), {"org.bluez.Error.InProgress"})) return n.error();
  return g;
}

Expected<std::unique_ptr<Central>> Central::connect(const BleAddress& address,
                                                    CentralOptions options) {
  if (Done d = check_adapter_name(options.adapter); !d) return d.error();
  auto bus = open_system_bus();
  if (!bus) return bus.error();
  std::unique_ptr<Central> c(new Central(address, std::move(options), std::move(bus).value()));
  auto fds = ThreadFds::make();
  if (!fds) return fds.error();
  c->fds_ = std::move(fds).value();
  // Real links often fail the first time (the board was busy, an advertisement was missed).
  Milliseconds backoff = c->options_.first_backoff;
  for (int attempt = 1;; ++attempt) {
    auto g = c->attach();
    if (g) {
      c->gatt_ = std::move(g).value();
      break;
    }
    if (attempt >= c->options_.first_attempts || g.error().code != Errc::not_found)
      return g.error();
    c->tell("connect failed (" + g.error().message + "); trying again in " +
            std::to_string(backoff.count()) + " ms");
    wait_for_stop(c->fds_.stop.get(), backoff);
    backoff = std::min(backoff * 2, c->options_.max_backoff);
  }
  c->linked_ = true;
  c->connections_ = 1;
  Central* self = c.get();
  c->running_ = true;
  c->thread_ = std::thread([self] {
    self->run();
    self->running_ = false;
  });
  return c;
}

Central::~Central() {
  fds_.stop_and_join(thread_);
}

void Central::on_link_lost(const std::string& why) {
  if (!linked_) return;
  linked_ = false;
  tell("link lost (" + why + "); connecting again");
}

int Central::on_properties_changed(sd_bus_message* m, void* self_ptr, sd_bus_error*) {
  auto* self = static_cast<Central*>(self_ptr);
  const char* path = sd_bus_message_get_path(m);
  const char* iface = nullptr;
  if (path == nullptr || sd_bus_message_read_basic(m, 's', &iface) < 0) return 0;
  Properties changed;
  if (read_properties(m, changed) < 0) return 0;
  const std::string_view p(path);
  if (self->linked_ && p == self->gatt_.notify_path &&
      std::string_view(iface) == kGattCharacteristic1) {
    auto v = changed.find("Value");
    if (v != changed.end()) {
      if (const auto* bytes = std::get_if<std::vector<uint8_t>>(&v->second))
        self->assembler_.feed(*bytes);
    }
  }
  if (p == self->device_path_ && std::string_view(iface) == kDevice1) {
    auto c = changed.find("Connected");
    if (c != changed.end() && std::holds_alternative<bool>(c->second) && !std::get<bool>(c->second))
      self->on_link_lost("disconnected");
  }
  return 0;
}

int Central::on_interfaces_removed(sd_bus_message* m, void* self_ptr, sd_bus_error*) {
  auto* self = static_cast<Central*>(self_ptr);
  const char* path = nullptr;
  if (sd_bus_message_read_basic(m, 'o', &path) < 0 || path == nullptr) return 0;
  if (path == self->device_path_ || path == self->gatt_.notify_path)
    self->on_link_lost("BlueZ removed the device");
  return 0;
}

void Central::send_to_board(std::span<const uint8_t> bytes) {
  sd_bus_message* m = nullptr;
  int r = sd_bus_message_new_method_call(bus_.get(), &m, kBluez, gatt_.write_path.c_str(),
                                         kGattCharacteristic1, "WriteValue");
  Message call(m);
  if (r >= 0) r = sd_bus_message_append_array(m, 'y', bytes.data(), bytes.size());
  if (r >= 0) r = append_string_dict(m, "type", gatt_.write_with_response ? "request" : "command");
  if (r >= 0) {
    r = sd_bus_call_async(
        bus_.get(), nullptr, m,
        [](sd_bus_message* reply, void* self_ptr, sd_bus_error*) -> int {
          const sd_bus_error* e = sd_bus_message_get_error(reply);
          if (e != nullptr)
            static_cast<Central*>(self_ptr)->tell(bus_failure("WriteValue failed", -1, e).message);
          return 0;
        },
        this, kShortCall.count() * 1000);
  }
  if (r < 0) tell(bus_failure("WriteValue could not be sent", r).message);
}

void Central::run() {
  sd_bus* bus = bus_.get();
  const std::string rule =
      "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
      "path_namespace='" +
      device_path_ + "'";
  sd_bus_slot* s1 = nullptr;
  sd_bus_slot* s2 = nullptr;
  sd_bus_add_match(bus, &s1, rule.c_str(), &Central::on_properties_changed, this);
  sd_bus_add_match(bus, &s2,
                   "type='signal',interface='org.freedesktop.DBus.ObjectManager',"
                   "member='InterfacesRemoved'",
                   &Central::on_interfaces_removed, this);
  Slot props(s1);
  Slot removed(s2);
  Milliseconds backoff = options_.first_backoff;
  std::array<uint8_t, kMaxMessage> buf{};
  for (;;) {
    while (sd_bus_process(bus, nullptr) > 0) {
    }
    if (!linked_) {
      assembler_.reset();
      if (wait_for_stop(fds_.stop.get(), backoff)) break;
      auto g = attach();
      if (g) {
        gatt_ = std::move(g).value();
        linked_ = true;
        ++connections_;
        backoff = options_.first_backoff;
        tell("link back");
      } else {
        backoff = std::min(backoff * 2, options_.max_backoff);
        tell("connect failed (" + g.error().message + "); next try in " +
             std::to_string(backoff.count()) + " ms");
      }
      continue;
    }
    const ssize_t n = fds_.wait(bus, buf);
    if (n < 0) break;
    if (n > 0 && linked_) send_to_board(std::span(buf.data(), static_cast<std::size_t>(n)));
  }
}

}  // namespace softbms::host::ble
