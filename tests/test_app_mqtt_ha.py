"""Every Home Assistant discovery payload of `softbms run --mqtt`, checked against Home
Assistant's rules for device_class, unit and state_class; and two virtual packs side by side on
one broker (a real mosquitto on loopback) without colliding (issue 14).

The rules are Home Assistant's own, written down here from its developer documentation:
  - sensor device classes, their units and state classes:
    https://developers.home-assistant.io/docs/core/entity/sensor/ (the "Available device
    classes" table) and the DEVICE_CLASS_STATE_CLASSES map in
    homeassistant/components/sensor/const.py (which state classes each class allows);
  - number device classes and units: https://developers.home-assistant.io/docs/core/entity/number/
    (a number has no state_class);
  - binary sensor device classes: https://developers.home-assistant.io/docs/core/entity/binary-sensor/
    (no unit, no state_class; "battery_charging" means charging, "heat" means hot).
Only the classes softbms could use are listed; any other class is a failure too.
argv[1]: the softbms binary (CTest passes it).
"""
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from app_support import Broker, HomeAssistant, Softbms, wait_until  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"

# Sensor device class -> the units Home Assistant accepts for it.
SENSOR_UNITS = {
    "battery": {"%"},
    "current": {"A", "mA"},
    "voltage": {"V", "mV", "µV", "kV", "MV"},
    "power": {"W", "kW", "mW", "MW", "GW", "TW"},
    "energy": {"Wh", "kWh", "MWh", "mWh", "GWh", "TWh", "J", "kJ", "MJ", "GJ"},
    "temperature": {"°C", "°F", "K"},
    "duration": {"d", "h", "min", "s", "ms", "μs"},
    "enum": {None},
}
# Sensor device class -> the state classes Home Assistant accepts with it.
SENSOR_STATE_CLASSES = {
    "battery": {"measurement"},
    "current": {"measurement"},
    "voltage": {"measurement"},
    "power": {"measurement"},
    "temperature": {"measurement"},
    "energy": {"total", "total_increasing"},
    "duration": {"measurement", "total", "total_increasing"},
    "enum": set(),
}
STATE_CLASSES = {"measurement", "total", "total_increasing"}
# Number device class -> units.
NUMBER_UNITS = {
    "battery": {"%"},
    "current": {"A", "mA"},
    "voltage": {"V", "mV", "µV", "kV", "MV"},
    "temperature": {"°C", "°F", "K"},
    "duration": {"d", "h", "min", "s", "ms", "μs"},
}
BINARY_SENSOR_CLASSES = {
    "battery", "battery_charging", "carbon_monoxide", "cold", "connectivity", "door",
    "garage_door", "gas", "heat", "light", "lock", "moisture", "motion", "moving", "occupancy",
    "opening", "plug", "power", "presence", "problem", "running", "safety", "smoke", "sound",
    "tamper", "update", "vibration", "window",
}


def ha_rule_breaks(component, c):
    """What in one discovery payload breaks Home Assistant's rules (empty: nothing)."""
    dc, unit, sc = c.get("device_class"), c.get("unit_of_measurement"), c.get("state_class")
    out = []
    if component == "sensor":
        if dc is not None:
            if dc not in SENSOR_UNITS:
                return [f"unknown sensor device_class {dc}"]
            if unit not in SENSOR_UNITS[dc]:
                out.append(f"unit {unit!r} is not one of {sorted(map(str, SENSOR_UNITS[dc]))} for {dc}")
            if sc is not None and sc not in SENSOR_STATE_CLASSES[dc]:
                out.append(f"state_class {sc} not allowed for {dc}")
            if dc == "enum" and not c.get("options"):
                out.append("an enum sensor needs options")
        elif sc is not None and sc not in STATE_CLASSES:
            out.append(f"unknown state_class {sc}")
    elif component == "number":
        if dc is not None and (dc not in NUMBER_UNITS or unit not in NUMBER_UNITS[dc]):
            out.append(f"number device_class {dc} with unit {unit!r}")
        if sc is not None:
            out.append("a number has no state_class")
        if not (c["min"] <= c["max"] and c["step"] > 0):
            out.append(f"range {c['min']}..{c['max']} step {c['step']}")
    elif component == "binary_sensor":
        if dc is not None and dc not in BINARY_SENSOR_CLASSES:
            out.append(f"unknown binary_sensor device_class {dc}")
        if unit is not None or sc is not None:
            out.append("a binary_sensor has no unit or state_class")
    elif component == "switch":
        if unit is not None or sc is not None:
            out.append("a switch has no unit or state_class")
    return out


def run(broker, state_dir, *extra):
    args = ["run", "--state-dir", state_dir, "--charge-a", "20", "--speed", "10", "--http", "off",
            "--history", "off", "--mqtt", f"127.0.0.1:{broker.port}", "--mqtt-interval", "0.5",
            "--mqtt-commands", "switches,settings", *extra]
    return Softbms(BINARY, args, wait_for=r"^  mqtt +127\.0\.0\.1:\d+")


class HomeAssistantRules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = Broker()
        cls.ha = HomeAssistant(cls.broker.port, ["homeassistant/#", "jkbms/#", "dup/#"])
        cls.garage = run(cls.broker, "{tmp}/garage", "--name", "garage")
        cls.ha.wait("jkbms/garage/availability", lambda p: p == "online")
        # A second state dir without --name: its topics are under its own serial.
        cls.shed = run(cls.broker, "{tmp}/shed")
        cls.shed_root = wait_until(lambda: [t.rsplit("/", 1)[0] for t in list(cls.ha.messages)
                                            if t.endswith("/availability") and "garage" not in t],
                                   what="the second pack")[0]

    @classmethod
    def tearDownClass(cls):
        cls.garage.stop()
        cls.shed.stop()
        cls.ha.stop()
        cls.broker.stop()

    def configs(self, root):
        """component -> key -> config, for the pack whose state topics start with root."""
        # Announcements of one pack arrive together; wait until the count settles.
        def count():
            return sum(1 for t, ps in self.ha.messages.items()
                       if t.startswith("homeassistant/") and ps and ps[-1]
                       and json.loads(ps[-1])["state_topic"].startswith(root + "/"))
        last, stable_since = -1, time.time()
        while time.time() - stable_since < 1.5:
            n = count()
            if n != last:
                last, stable_since = n, time.time()
            time.sleep(0.2)
        out = {}
        with self.ha.lock:
            for topic, payloads in self.ha.messages.items():
                if not topic.startswith("homeassistant/") or not payloads[-1]:
                    continue
                c = json.loads(payloads[-1])
                if not c["state_topic"].startswith(root + "/"):
                    continue
                component = topic.split("/")[1]
                # unique_id: <device id>_<key> for sensors, <device id>_<component>_<key> else.
                key = c["unique_id"][len(c["device"]["identifiers"][0]) + 1:]
                key = key if component == "sensor" else key[len(component) + 1:]
                out.setdefault(component, {})[key] = c
        return out

    def test_every_discovery_payload_follows_home_assistants_rules(self):
        configs = self.configs("jkbms/garage")
        total = sum(len(v) for v in configs.values())
        self.assertGreater(total, 100)
        for component, entities in configs.items():
            for key, c in entities.items():
                with self.subTest(entity=f"{component}.{key}"):
                    self.assertEqual(ha_rule_breaks(component, c), [])

    def test_the_entities_the_issue_named(self):
        c = self.configs("jkbms/garage")
        sensors, binary, numbers = c["sensor"], c["binary_sensor"], c["number"]
        # The FETs say whether current may flow, not that it does.
        for fet in ("charging", "discharging"):
            self.assertNotIn(binary[fet].get("device_class"), ("battery_charging", "power"), fet)
        self.assertEqual(binary["heating"]["device_class"], "running")
        self.assertEqual(sensors["charge_status"]["device_class"], "enum")
        self.assertEqual(sensors["charge_status"]["options"], ["bulk", "absorption", "float"])
        for index in ("min_voltage_cell", "max_voltage_cell"):
            self.assertNotIn("state_class", sensors[index])
        self.assertEqual(binary["alarm_cell_ovp"]["name"], "Cell over-voltage")
        self.assertEqual(binary["alarm_discharge_ocp2"]["name"], "Discharge over-current stage II")
        # esphome-jk-bms's units for these keys; the JK-PB2A16S20P's 200 A, not 1000 A.
        ovp = numbers["cell_voltage_overvoltage_protection"]
        self.assertEqual((ovp["unit_of_measurement"], ovp["step"]), ("V", 0.001))
        ocp = numbers["max_charge_current"]
        self.assertEqual((ocp["unit_of_measurement"], ocp["step"], ocp["max"]), ("A", 0.001, 200))
        self.assertEqual(numbers["total_battery_capacity"]["unit_of_measurement"], "Ah")

    def test_two_state_dirs_are_two_devices_on_their_own_topics(self):
        garage = self.configs("jkbms/garage")["sensor"]["total_voltage"]
        self.assertEqual(garage["device"]["name"], "garage")
        self.assertEqual(garage["state_topic"], "jkbms/garage/state")
        shed_root = self.shed_root
        shed = self.configs(shed_root)["sensor"]["total_voltage"]
        serials = {garage["device"]["serial_number"], shed["device"]["serial_number"]}
        self.assertEqual(len(serials), 2)
        self.assertNotIn("SB00000001", serials)
        self.assertNotEqual(garage["device"]["identifiers"], shed["device"]["identifiers"])
        self.assertNotEqual(garage["unique_id"], shed["unique_id"])
        # Each pack's state reaches only its own topic, with its own numbers.
        self.ha.wait(f"{shed_root}/state", lambda p: json.loads(p)["current"] > 15)
        self.ha.wait("jkbms/garage/state", lambda p: json.loads(p)["current"] > 15)

    def test_the_serial_is_made_once_and_kept_across_a_restart(self):
        state = tempfile.mkdtemp(prefix="softbms-ha-state-")
        try:
            before = self.roots()
            first = run(self.broker, state)
            try:
                root = wait_until(lambda: self.roots() - before, what="a new pack")
            finally:
                first.stop()
            (root,) = root
            serial = root.split("/")[1]
            self.assertRegex(serial, r"^SB[0-9A-F]{8}$")
            seen = self.ha.count(root + "/availability")
            again = run(self.broker, state)
            try:
                self.ha.wait(root + "/availability", lambda p: p == "online", after=seen)
                self.assertEqual(self.roots() - before, {root})
            finally:
                again.stop()
        finally:
            shutil.rmtree(state, ignore_errors=True)

    def roots(self):
        """The <base>/<pack> of every pack that announced its availability."""
        with self.ha.lock:
            return {t.rsplit("/", 1)[0] for t in self.ha.messages if t.endswith("/availability")}

    def test_the_retained_settings_go_out_only_when_they_change(self):
        self.ha.wait("jkbms/garage/settings")
        before = self.ha.count("jkbms/garage/settings")
        states = self.ha.count("jkbms/garage/state")
        self.ha.wait("jkbms/garage/state", after=states + 6)  # 3 s of state at 0.5 s
        self.assertEqual(self.ha.count("jkbms/garage/settings"), before)
        self.ha.publish("jkbms/garage/cell_voltage_overvoltage_protection/set", "3.55")
        changed = json.loads(self.ha.wait("jkbms/garage/settings", after=before))
        self.assertEqual(changed["cell_ovp"], 3550)

    def test_a_second_publisher_on_the_same_topics_is_warned_about(self):
        # Its own base, so the twins do not disturb the packs the other tests read.
        first = run(self.broker, "{tmp}/one", "--name", "twin", "--mqtt-base", "dup")
        try:
            self.ha.wait("dup/twin/availability", lambda p: p == "online")
            second = run(self.broker, "{tmp}/two", "--name", "twin", "--mqtt-base", "dup")
            try:
                second.wait_line(r"mqtt: another publisher holds dup/twin/availability")
            finally:
                second.stop(signal.SIGKILL)
            self.assertFalse(any("another publisher" in line for line in first.lines))
        finally:
            first.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
