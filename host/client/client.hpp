// `softbms status|cells|settings|switch|log` against any JK board: one interface, one
// implementation per wire protocol (JK-PB Modbus trigger-and-dump, 4E57, the 55AA stream).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/io/command.hpp"
#include "core/io/device_info.hpp"
#include "core/io/event.hpp"
#include "core/io/snapshot.hpp"
#include "host/client/board.hpp"
#include "host/client/link.hpp"

namespace softbms::host::client {

// The bytes one change sends, in order, for --dry-run and for sending.
struct WritePlan {
  core::Param param = core::Param::cell_ovp;
  int32_t value = 0;
  std::vector<std::vector<uint8_t>> frames;
  std::string note;  // what the frames do, e.g. "FC10 to register 0x1006 (2 words)"
};

// How a write ended on the board's side.
enum class WriteVerdict : uint8_t {
  accepted,  // acknowledged
  rejected,  // the board said no (Modbus exception)
  silent,    // no acknowledge in time; re-read to know
};
struct WriteResult {
  WriteVerdict verdict = WriteVerdict::silent;
  std::string detail;  // "exception 03 (illegal data value)"
};

class JkClient {
 public:
  virtual ~JkClient() = default;
  [[nodiscard]] virtual Protocol protocol() const = 0;

  // Each returns an Error with Errc::not_found when nothing answered in time.
  virtual Expected<core::Snapshot> status() = 0;
  virtual Expected<core::DeviceInfo> about() = 0;
  virtual Expected<RawSettings> raw_settings() = 0;
  // The logbook; Errc::unknown_field when the protocol has no logbook request.
  virtual Expected<std::vector<core::Event>> logbook() = 0;

  // The frames that would change p to value; Errc::unknown_field when the protocol cannot
  // write p. `now` is what raw_settings() returned, so neighbour bytes keep their value.
  virtual Result<WritePlan> plan(core::Param p, int32_t value, const RawSettings& now,
                                 const core::Settings& decoded) = 0;
  virtual Expected<WriteResult> send(const WritePlan& plan) = 0;
  // The frames that run a command with a wire request of its own (voltage and current
  // calibration: JK-PB 0x1600 / 0x1606, jk02 0x64 / 0x67 or 0x21 / 0x24); Errc::unknown_field
  // when the protocol has none. plan.param names the setting the command changes.
  virtual Result<WritePlan> plan_command(const core::Command& c, const RawSettings& now) {
    static_cast<void>(c);
    static_cast<void>(now);
    return Status(Errc::unknown_field);
  }
};

struct ClientOptions {
  uint8_t address = 1;  // JK-PB DIP address
  Timing timing;
};

// A client for a known protocol.
std::unique_ptr<JkClient> make_client(Protocol p, Link& link, const ClientOptions& options);
std::unique_ptr<JkClient> make_pb_client(Link& link, const ClientOptions& options);
std::unique_ptr<JkClient> make_nw_client(Link& link, const ClientOptions& options);
std::unique_ptr<JkClient> make_stream_client(Link& link, const ClientOptions& options);

// Auto-detection, in this order: a JK-PB status trigger at the address, a 4E57 read-all, a
// 55AA 0x97 device-info request. Each gets one try with its reply window. Errc::not_found
// when none answered.
Expected<std::unique_ptr<JkClient>> detect(Link& link, const ClientOptions& options);

// The settings as the board holds them, decoded for its model.
struct BoardRead {
  RawSettings raw;
  core::DeviceInfo info;
  BoardSettings board;
};
Expected<BoardRead> read_board(JkClient& c, const Overrides& overrides);

// Errors the clients share.
Error no_answer(Protocol p, std::string_view what);
Error not_supported(Protocol p, std::string_view what);
bool is_no_answer(const Error& e);

}  // namespace softbms::host::client
