// The slaves' side of an RS485 bus in one process: every request the master writes reaches
// every slave's JK-PB Modbus responder (protocols/jk handle_modbus), and the one addressed
// answers, exactly as on a real bus. A slave can be made to stop answering, as if its cable
// were pulled, and to come back.
#pragma once

#include <functional>
#include <map>
#include <memory>

#include "host/endpoint/frame_assembler.hpp"
#include "host/loop/event_loop.hpp"
#include "host/transport/transport.hpp"
#include "protocols/jk/modbus.hpp"

namespace softbms::host {

// Modbus RTU request sizes: FC03/FC06 are 8 bytes, FC10 9 + its byte count; anything else ends
// with the line's silence.
FrameCheck modbus_request_size(std::span<const uint8_t> buffered, bool line_idle);

class VirtualSlaveBus {
 public:
  using ViewFn = std::function<protocols::jk::BmsView()>;
  // Applies a slave's write (its change set or control command); the result decides the reply.
  using WriteFn = std::function<Status(uint8_t address, const protocols::jk::ModbusOutcome&)>;

  // `line` is the slaves' end of the bus (make_stream_pair().b, a pty, a serial port).
  static Expected<std::unique_ptr<VirtualSlaveBus>> open(EventLoop& loop,
                                                         std::unique_ptr<Transport> line);
  ~VirtualSlaveBus();
  VirtualSlaveBus(const VirtualSlaveBus&) = delete;
  VirtualSlaveBus& operator=(const VirtualSlaveBus&) = delete;

  void add_slave(uint8_t address, ViewFn view);
  // Writes a master sends (settings, switches) go here: acknowledged only when it returns ok,
  // else answered with the Modbus exception. Without it they are refused (exception 01).
  void set_on_write(WriteFn fn) { on_write_ = std::move(fn); }
  // false: the slave hears nothing and says nothing until set true again.
  void set_answering(uint8_t address, bool on);
  [[nodiscard]] bool answering(uint8_t address) const;
  [[nodiscard]] uint64_t requests() const { return requests_; }
  [[nodiscard]] uint64_t replies() const { return replies_; }

 private:
  struct Slave {
    ViewFn view;
    bool answering = true;
  };
  VirtualSlaveBus(EventLoop& loop, std::unique_ptr<Transport> line);
  void on_readable();
  void on_request(std::span<const uint8_t> request);

  EventLoop& loop_;
  std::unique_ptr<Transport> line_;
  FrameAssembler assembler_;
  std::map<uint8_t, Slave> slaves_;
  WriteFn on_write_;
  EventLoop::Id watch_ = 0;
  EventLoop::Id timer_ = 0;
  uint64_t requests_ = 0;
  uint64_t replies_ = 0;
};

}  // namespace softbms::host
