#include "host/mqtt/commands.hpp"

#include "host/text/param_text.hpp"

namespace softbms::host::mqtt {
namespace {

bool class_enabled(CommandClass c, CommandClasses enabled) {
  return (c == CommandClass::switches && enabled.switches) ||
         (c == CommandClass::settings && enabled.settings);
}

core::Authority authority_of(CommandClass c) {
  return c == CommandClass::switches ? core::Authority::switches : core::Authority::settings;
}

// Home Assistant sends ON/OFF; people at a shell type on/off/1/0 as the CLI accepts them.
// A number comes in the entity's unit (3.65 for a cell_ovp in V): scaled to the stored unit,
// refused when it is finer than the stored unit.
Result<int32_t> parse_value(const Entity& e, std::string_view payload) {
  if (e.component == Component::switch_) {
    if (payload == "ON") return 1;
    if (payload == "OFF") return 0;
    return parse_display(*e.param, payload);
  }
  const TypedValue v = parse_typed(*e.param, std::string(payload) + std::string(e.unit));
  if (!v.raw) return Status(Errc::bad_value, static_cast<uint16_t>(*e.param));
  return *v.raw;
}

}  // namespace

Result<core::Command> decode_command(const core::Settings& settings, CommandClasses enabled,
                                     std::string_view key, std::string_view payload) {
  const auto entity = find_command_entity(settings, key);
  if (!entity) return Status(Errc::unknown_field);
  const CommandClass c = command_class(*entity);
  if (!class_enabled(c, enabled))
    return Status(Errc::not_authorized, static_cast<uint16_t>(*entity->param));
  const Result<int32_t> value = parse_value(*entity, payload);
  if (!value.ok()) return value.status();
  core::Command cmd;
  cmd.kind = core::CommandKind::set_param;
  cmd.origin = core::Origin::mqtt;
  cmd.authority = authority_of(c);
  cmd.param = *entity->param;
  cmd.value = value.value();
  return cmd;
}

std::string refusal_reason(Status st, std::string_view key) {
  const std::string k(key);
  switch (st.code()) {
    case Errc::unknown_field:
      return "no command entity '" + k + "'";
    case Errc::not_authorized:
      return "MQTT commands for " + k + " are off (opt-in per class: switches, settings)";
    case Errc::bad_value:
      return k + ": payload is not a value for this entity";
    case Errc::out_of_range:
    case Errc::rule_violation:
      return describe_setting_error(st);
    default:
      return k + ": " + std::string(errc_name(st.code()));
  }
}

Message handle_command(const Topics& topics, const core::Settings& settings, CommandClasses enabled,
                       std::string_view key, std::string_view payload, const CommandSink& sink) {
  const Result<core::Command> cmd = decode_command(settings, enabled, key, payload);
  Status st = cmd.status();
  if (st.ok()) st = sink ? sink(cmd.value()) : Status(Errc::bad_state);
  return {result_topic(topics, key), result_payload(st.ok(), refusal_reason(st, key)), false};
}

}  // namespace softbms::host::mqtt
