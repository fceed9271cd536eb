#include "host/transport/ble_transport.hpp"

#include <cstdio>

#include "host/ble/central.hpp"
#include "host/ble/peripheral.hpp"

namespace softbms::host {
namespace {

BleNotice or_stderr(BleNotice n) {
  if (n) return n;
  return [](const std::string& line) { std::fprintf(stderr, "softbms: %s\n", line.c_str()); };
}

}  // namespace

BleTransport::BleTransport(UniqueFd fd, std::string name)
    : FdTransport(std::move(fd), std::move(name)) {}

BleTransport::~BleTransport() = default;

Expected<std::unique_ptr<BleTransport>> BleTransport::connect(std::string_view target,
                                                              BleNotice notice) {
  ble::CentralOptions o;
  if (target.starts_with("hci")) {
    const std::size_t colon = target.find(':');
    o.adapter = std::string(target.substr(0, colon));
    target = colon == std::string_view::npos ? std::string_view() : target.substr(colon + 1);
  }
  auto address = ble::parse_address(target);
  if (!address) return address.error();
  o.notice = or_stderr(std::move(notice));
  auto c = ble::Central::connect(address.value(), std::move(o));
  if (!c) return c.error();
  std::unique_ptr<BleTransport> t(new BleTransport(c.value()->take_fd(), c.value()->describe()));
  t->central_ = std::move(c).value();
  return t;
}

bool BleTransport::heals_itself() const {
  return central_ != nullptr && central_->running();
}

Expected<std::unique_ptr<BleTransport>> BleTransport::serve(const std::string& adapter,
                                                            const std::string& name,
                                                            BleNotice notice) {
  ble::PeripheralOptions o;
  o.adapter = adapter;
  o.name = name;
  o.notice = or_stderr(std::move(notice));
  auto p = ble::Peripheral::open(std::move(o));
  if (!p) return p.error();
  std::unique_ptr<BleTransport> t(new BleTransport(p.value()->take_fd(), p.value()->describe()));
  t->peripheral_ = std::move(p).value();
  return t;
}

}  // namespace softbms::host
