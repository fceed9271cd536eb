#include "host/services/loop_pack.hpp"

namespace softbms::host::services {

LoopPack::LoopPack(PackBackend& backend, LoopInvoker& invoker, HistorySource history,
                   CommandLog log)
    : backend_(backend),
      invoker_(invoker),
      history_(std::move(history)),
      log_(std::move(log)),
      info_(backend.info()),
      last_snapshot_(backend.snapshot()),
      last_settings_(backend.settings()),
      last_link_(backend.link()) {}

core::Snapshot LoopPack::snapshot() {
  auto s = invoker_.call([this] { return backend_.snapshot(); });
  std::lock_guard lock(mu_);
  if (s) last_snapshot_ = *s;
  return last_snapshot_;
}

core::Settings LoopPack::settings() {
  auto s = invoker_.call([this] { return backend_.settings(); });
  std::lock_guard lock(mu_);
  if (s) last_settings_ = *s;
  return last_settings_;
}

Status LoopPack::apply(const core::Command& command) {
  auto st = invoker_.call([&] {
    const Status result = backend_.apply(command);
    if (log_) log_(info_.id, command, result);
    return result;
  });
  return st.value_or(Status(Errc::bad_state));
}

Status LoopPack::apply(const core::SettingsChange& change) {
  auto st = invoker_.call([&] {
    const Status result = backend_.apply(change);
    if (log_) {
      // The write log names each field of the set with the set's result.
      for (const core::Change& c : change.changes)
        log_(info_.id, core::as_command(change, c), result);
    }
    return result;
  });
  return st.value_or(Status(Errc::bad_state));
}

Status LoopPack::check_settings_password(std::string_view password) {
  return invoker_.call([&] { return backend_.check_settings_password(password); })
      .value_or(Status(Errc::bad_state));
}

bool LoopPack::settings_password_is_default() {
  // Unknown counts as default: the bind policy then refuses a public address (the safe side).
  return invoker_.call([this] { return backend_.settings_password_is_default(); }).value_or(true);
}

std::optional<core::DeviceInfo> LoopPack::device() {
  return invoker_.call([this] { return backend_.device(); });
}

std::vector<core::Event> LoopPack::events() {
  return invoker_.call([this] { return backend_.events(); }).value_or(std::vector<core::Event>{});
}

web::LinkState LoopPack::link() {
  auto l = invoker_.call([this] { return backend_.link(); });
  std::lock_guard lock(mu_);
  if (l) last_link_ = *l;
  return last_link_;
}

std::optional<std::vector<web::HistorySample>> LoopPack::history(int64_t from_ms, int64_t to_ms) {
  if (!history_) return std::nullopt;
  auto h = invoker_.call([&] { return history_(info_.id, from_ms, to_ms); });
  return h ? *h : std::nullopt;
}

std::optional<web::CellHistory> LoopPack::cell_history(int64_t from_ms, int64_t to_ms) {
  if (!cell_history_) return std::nullopt;
  auto h = invoker_.call([&] { return cell_history_(info_.id, from_ms, to_ms); });
  return h ? *h : std::nullopt;
}

mqtt::CommandSink LoopPack::command_sink() {
  return [this](const core::Command& c) { return apply(c); };
}

}  // namespace softbms::host::services
