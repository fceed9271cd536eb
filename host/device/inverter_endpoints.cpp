#include "host/device/inverter_endpoints.hpp"

#include "host/can/open_can.hpp"

namespace softbms::host {
namespace {

constexpr std::string_view kPylon485 = "pylon-485";

double volts(Millivolts v) {
  return static_cast<double>(v.count()) / 1000.0;
}
double amps(Milliamps i) {
  return static_cast<double>(i.count()) / 1000.0;
}

}  // namespace

nlohmann::json charge_result_json(const core::ChargeResult& r) {
  return {{"charge_voltage_limit", volts(r.limits.charge_voltage)},
          {"charge_current_limit", amps(r.limits.charge_current)},
          {"discharge_current_limit", amps(r.limits.discharge_current)},
          {"discharge_voltage_limit", volts(r.limits.discharge_voltage)},
          {"request_charge", r.request.charge_enable},
          {"request_discharge", r.request.discharge_enable},
          {"request_force_charge", r.request.force_charge_1 || r.request.force_charge_2},
          {"request_full_charge", r.request.full_charge}};
}

bool InverterEndpoints::serves(std::string_view protocol) {
  return can_protocol_for_endpoint(protocol).has_value() || protocol == kPylon485;
}

Expected<std::unique_ptr<InverterEndpoints>> InverterEndpoints::open(
    EventLoop& loop, const std::vector<EndpointSpec>& specs, FeedFn feed,
    const InverterLinkOptions& options, Notice notice) {
  if (!feed) return make_error(Errc::bad_state, "inverter", "inverter endpoints: no battery feed");
  std::unique_ptr<InverterEndpoints> e(new InverterEndpoints(std::move(feed), options));
  for (const EndpointSpec& spec : specs) {
    if (Done d = e->open_one(loop, spec, notice); !d) return d.error();
  }
  return e;
}

Done InverterEndpoints::open_one(EventLoop& loop, const EndpointSpec& spec, const Notice& notice) {
  Link link{spec, nullptr, nullptr};
  FeedFn feed = [this] { return feed_(); };
  if (auto protocol = can_protocol_for_endpoint(spec.protocol)) {
    auto can = open_can_transport(spec.transport);
    if (!can) return can.error();
    InverterOptions o;
    o.protocol = *protocol;
    o.keepalive = options_.keepalive;
    auto s = InverterService::open(loop, std::move(can).value(), feed, o);
    if (!s) return s.error();
    link.can = std::move(s).value();
    link.can->set_notice(notice);
  } else if (spec.protocol == kPylon485) {
    Pylon485Options o;
    o.identity.rs485_address = options_.pylon_address;
    auto s = Pylon485Service::open(loop, spec.transport, effective_baud(spec), feed, o);
    if (!s) return s.error();
    link.rs485 = std::move(s).value();
    link.rs485->set_notice(notice);
    link.rs485->set_on_shutdown([this] {
      if (on_shutdown_) on_shutdown_();
    });
  } else {
    return make_error(Errc::unknown_field, "protocol",
                      "endpoint \"" + format_endpoint(spec) + "\" is not an inverter protocol");
  }
  links_.push_back(std::move(link));
  return {};
}

std::vector<std::string> InverterEndpoints::startup_lines() const {
  std::vector<std::string> lines;
  for (const Link& l : links_) {
    std::string line;
    if (l.can) {
      line = l.spec.protocol + "  " + l.can->describe() + "  keep-alive " +
             std::to_string(options_.keepalive.timeout.count()) + " ms";
    } else {
      line = l.rs485->describe() + "  ADR " + std::to_string(options_.pylon_address);
    }
    lines.push_back(line);
  }
  return lines;
}

nlohmann::json InverterEndpoints::status_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const Link& l : links_) {
    nlohmann::json j = {{"protocol", l.spec.protocol}, {"endpoint", format_endpoint(l.spec)}};
    if (l.can) {
      const CanCounters& c = l.can->counters();
      j["transport"] = l.can->describe();
      j["link"] = std::string(link_state_name(l.can->link_state()));
      j["keepalives"] = l.can->link().keepalives();
      j["frames_sent"] = c.sent;
      j["frames_received"] = c.received;
      j["frames_dropped"] = c.dropped;
      j["bad_input"] = c.bad_input;
      j["announced"] = charge_result_json(l.can->announced());
    } else {
      j["transport"] = l.rs485->describe();
      j["frames_ok"] = l.rs485->answered();
      j["frames_ignored"] = l.rs485->ignored();
    }
    out.push_back(j);
  }
  return out;
}

std::string InverterEndpoints::status_fragment() const {
  std::string out;
  for (const Link& l : links_) {
    out += "  " + l.spec.protocol + " ";
    out += l.can ? std::string(link_state_name(l.can->link_state())) + " " +
                       std::to_string(l.can->counters().sent)
                 : std::to_string(l.rs485->answered());
  }
  return out;
}

}  // namespace softbms::host
