// The web server's only view of softbms: one PackAccess per pack. The lead plugs in the
// virtual device or a real-board client; tests plug in a fake backed by core::Settings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.hpp"
#include "core/io/command.hpp"
#include "core/io/device_info.hpp"
#include "core/io/event.hpp"
#include "core/io/snapshot.hpp"
#include "core/settings/model.hpp"
#include "core/settings/settings.hpp"
#include "host/web/history.hpp"

namespace softbms::host::web {

struct PackInfo {
  std::string id;    // URL-safe: [A-Za-z0-9_-]+, unique among the served packs
  std::string name;  // what people read ("Pack 1", "Garage rack")
  core::ModelId model = core::ModelId::jk_pb2a16s20p;
};

// How fresh a pack's values are. A virtual pack's values are made here and always current
// (live); a real board's are as old as its last answered read (`softbms monitor`).
struct LinkState {
  bool live = true;                   // values made here, never stale
  bool up = true;                     // the last read was answered
  int64_t sample_unix_ms = 0;         // when the status values were read (0: never)
  int64_t settings_unix_ms = 0;       // when the settings were read (0: never)
  int64_t offline_since_unix_ms = 0;  // when the board stopped answering (0: it answers)
  std::string error;                  // why it is down
};

// The server calls one PackAccess from one thread at a time (it holds its own lock), so an
// implementation only has to synchronise with its own device loop.
class PackAccess {
 public:
  virtual ~PackAccess() = default;

  virtual PackInfo info() = 0;
  virtual core::Snapshot snapshot() = 0;
  virtual core::Settings settings() = 0;
  // Runs one command (origin web, authority granted by the server). A rejected setting comes
  // back as core::setting_error(...) so the server can name the field and the rule.
  virtual Status apply(const core::Command& command) = 0;
  // Runs a set of settings changes as one step of the core (origin web): validated once on the
  // final state, all or nothing; the same errors as apply.
  virtual Status apply(const core::SettingsChange& change) = 0;
  // Checks the board's settings password (with the board's own lockout). Errc::wrong_password
  // or Errc::locked on failure.
  virtual Status check_settings_password(std::string_view password) = 0;
  virtual bool settings_password_is_default() = 0;
  // The board's identity (model, versions, serial, name); nullopt when the pack has none to tell.
  virtual std::optional<core::DeviceInfo> device() { return std::nullopt; }
  // The board's event log, oldest first.
  virtual std::vector<core::Event> events() = 0;
  // The age of the values; a virtual pack keeps the default (live).
  virtual LinkState link() { return {}; }
  // Stored history between two Unix times in ms, oldest first. nullopt = this pack keeps none;
  // the server then answers from the samples it recorded itself since it started.
  virtual std::optional<std::vector<HistorySample>> history(int64_t /*from_ms*/,
                                                            int64_t /*to_ms*/) {
    return std::nullopt;
  }
  // Every cell's stored history between two Unix times in ms. nullopt = this pack keeps none
  // (GET .../history/cells then answers 404: the server's own ring keeps no cells).
  virtual std::optional<CellHistory> cell_history(int64_t /*from_ms*/, int64_t /*to_ms*/) {
    return std::nullopt;
  }
};

}  // namespace softbms::host::web
