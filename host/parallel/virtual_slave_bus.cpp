#include "host/parallel/virtual_slave_bus.hpp"

#include <array>

namespace softbms::host {

namespace jk = protocols::jk;

FrameCheck modbus_request_size(std::span<const uint8_t> buffered, bool line_idle) {
  if (buffered.size() < 2) return {};
  size_t size = 0;
  const uint8_t fc = buffered[1];
  if (fc == 0x03 || fc == 0x06) {
    size = 8;
  } else if (fc == 0x10) {
    if (buffered.size() < 7) return {};
    size = 9 + size_t{buffered[6]};
  } else {
    return line_idle ? FrameCheck{FrameStatus::complete, buffered.size()} : FrameCheck{};
  }
  return buffered.size() >= size ? FrameCheck{FrameStatus::complete, size} : FrameCheck{};
}

VirtualSlaveBus::VirtualSlaveBus(EventLoop& loop, std::unique_ptr<Transport> line)
    : loop_(loop),
      line_(std::move(line)),
      assembler_(FrameRules{modbus_request_size, Milliseconds(20), 300},
                 [this](std::span<const uint8_t> f) { on_request(f); }) {}

Expected<std::unique_ptr<VirtualSlaveBus>> VirtualSlaveBus::open(EventLoop& loop,
                                                                 std::unique_ptr<Transport> line) {
  if (!line || !line->is_open()) {
    return make_error(Errc::bad_state, "bus", "virtual slave bus: the line is not open");
  }
  std::unique_ptr<VirtualSlaveBus> b(new VirtualSlaveBus(loop, std::move(line)));
  VirtualSlaveBus* self = b.get();
  b->watch_ = loop.watch(b->line_->fd(), [self](IoEvents) { self->on_readable(); });
  // The inter-byte timeout of requests that only silence ends.
  b->timer_ = loop.every(Milliseconds(20), [self] { self->assembler_.on_time(self->loop_.now()); });
  return b;
}

VirtualSlaveBus::~VirtualSlaveBus() {
  if (watch_ != 0) loop_.unwatch(watch_);
  if (timer_ != 0) loop_.cancel(timer_);
}

void VirtualSlaveBus::add_slave(uint8_t address, ViewFn view) {
  slaves_[address] = Slave{std::move(view), true};
}

void VirtualSlaveBus::set_answering(uint8_t address, bool on) {
  auto it = slaves_.find(address);
  if (it != slaves_.end()) it->second.answering = on;
}

bool VirtualSlaveBus::answering(uint8_t address) const {
  auto it = slaves_.find(address);
  return it != slaves_.end() && it->second.answering;
}

void VirtualSlaveBus::on_readable() {
  std::array<uint8_t, 512> buf{};
  for (;;) {
    auto n = line_->read_some(buf);
    if (!n || n.value() == 0) {
      if (!n) {
        loop_.unwatch(watch_);
        watch_ = 0;
      }
      return;
    }
    assembler_.feed(std::span<const uint8_t>(buf.data(), n.value()), loop_.now());
  }
}

void VirtualSlaveBus::on_request(std::span<const uint8_t> request) {
  ++requests_;
  std::array<uint8_t, jk::kModbusMaxReply> reply{};
  for (auto& [address, slave] : slaves_) {
    if (!slave.answering) continue;
    const jk::ModbusOutcome o = jk::handle_modbus(request, address, slave.view(), reply);
    if (o.reply_size == 0) continue;
    std::size_t size = o.reply_size;
    if (o.status.ok() && o.writes()) {
      const Status st = on_write_ ? on_write_(address, o) : Status(Errc::not_authorized);
      if (!st.ok()) size = jk::encode_exception(request, jk::modbus_exception_for(st), reply);
    }
    ++replies_;
    (void)line_->write_all(std::span<const uint8_t>(reply.data(), size), Milliseconds(200));
  }
}

}  // namespace softbms::host
