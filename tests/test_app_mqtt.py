"""`softbms run --mqtt` against a real mosquitto broker on loopback (Debian mosquitto).

A paho-mqtt subscriber plays Home Assistant: it reads the discovery configs, the state of the
virtual 16S pack (charged at 20 A), the availability (last will), sends the homeassistant/status
birth message and commands. A switch command is refused while commands are off and, with
--mqtt-commands switches, turns the charge FET off so the pack current in the state falls from
20 A to about 0. argv[1]: the softbms binary (CTest passes it).
"""
import json
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from app_support import Broker, HomeAssistant, Softbms  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"


def run(broker, base, serial, commands=None):
    args = ["run", "--state-dir", "{tmp}/state", "--charge-a", "20", "--speed", "10",
            "--http", "off", "--history", "off", "--serial", serial,
            "--mqtt", f"127.0.0.1:{broker.port}", "--mqtt-base", base, "--mqtt-interval", "0.5"]
    if commands:
        args += ["--mqtt-commands", commands]
    return Softbms(BINARY, args, wait_for=r"^  mqtt +127\.0\.0\.1:\d+")


class AppMqttTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = Broker()
        cls.ha = HomeAssistant(cls.broker.port, ["homeassistant/#", "site/#"])

    @classmethod
    def tearDownClass(cls):
        cls.ha.stop()
        cls.broker.stop()

    def config(self, component, uid):
        return json.loads(self.ha.wait(f"homeassistant/{component}/{uid}/config", lambda p: p != ""))

    def state(self, base, predicate=lambda s: True, after=0):
        # The pack's id in the topics is its serial (no --name given).
        serial = {"site/a": "SNA1", "site/b": "SNB1", "site/c": "SNC1"}[base]
        return json.loads(self.ha.wait(f"{base}/{serial}/state", lambda p: predicate(json.loads(p)),
                                       after=after))

    def test_discovery_state_availability_and_a_refused_command_while_commands_are_off(self):
        app = run(self.broker, "site/a", "SNA1")
        try:
            self.assertIn("commands switches off, settings off", app.match.string)
            self.ha.wait("site/a/SNA1/availability", lambda p: p == "online")
            volt = self.config("sensor", "jkbms_SNA1_total_voltage")
            self.assertEqual((volt["device_class"], volt["unit_of_measurement"]), ("voltage", "V"))
            self.assertEqual(volt["state_topic"], "site/a/SNA1/state")
            self.assertEqual(volt["device"]["serial_number"], "SNA1")
            self.assertEqual(volt["device"]["model"], "JK_PB2A16S20P")
            cell16 = self.config("sensor", "jkbms_SNA1_cell_voltage_16")
            self.assertEqual(cell16["value_template"], "{{ value_json.cells[15].voltage }}")
            # Commands are off: the switch is not announced (an empty retained config).
            self.assertEqual(self.ha.wait("homeassistant/switch/jkbms_SNA1_switch_charging/config"), "")

            # The virtual pack charges at 20 A; the cells add up to the pack voltage.
            state = self.state("site/a", lambda s: s["current"] > 15)
            self.assertEqual(len(state["cells"]), 16)
            self.assertAlmostEqual(state["voltage"], sum(c["voltage"] for c in state["cells"]), delta=0.02)
            self.assertTrue(3.0 < state["cells"][0]["voltage"] < 3.6)
            self.assertTrue(state["charge_fet"])
            self.assertGreater(state["ts"], 1_600_000_000_000)

            self.ha.publish("site/a/SNA1/charging/set", "OFF")
            result = json.loads(self.ha.wait("site/a/SNA1/charging/result"))
            self.assertFalse(result["ok"])
            self.assertIn("off", result["reason"])
            seen = self.ha.count("site/a/SNA1/state")
            later = self.state("site/a", after=seen + 2)
            self.assertTrue(later["charge_fet"])
            self.assertGreater(later["current"], 15)

            topic = "homeassistant/sensor/jkbms_SNA1_total_voltage/config"
            before = self.ha.count(topic)
            self.ha.publish("homeassistant/status", "online")
            self.ha.wait(topic, lambda p: p != "", after=before)
        finally:
            app.stop(signal.SIGKILL)  # no goodbye: the broker sends the last will
        self.ha.wait("site/a/SNA1/availability", lambda p: p == "offline")

    def test_a_switch_command_turns_charging_off_and_the_pack_current_answers(self):
        app = run(self.broker, "site/b", "SNB1", commands="switches")
        try:
            sw = self.config("switch", "jkbms_SNB1_switch_charging")
            self.assertEqual(sw["command_topic"], "site/b/SNB1/charging/set")
            self.assertEqual(self.ha.wait(
                "homeassistant/number/jkbms_SNB1_number_cell_voltage_overvoltage_protection/config"), "")
            self.state("site/b", lambda s: s["current"] > 15 and s["charge_fet"])

            self.ha.publish(sw["command_topic"], sw["payload_off"])
            self.assertEqual(json.loads(self.ha.wait("site/b/SNB1/charging/result")), {"ok": True})
            off = self.state("site/b", lambda s: not s["charge_fet"] and abs(s["current"]) < 1.0)
            self.assertLess(abs(off["current"]), 1.0)
            self.ha.wait("site/b/SNB1/settings", lambda p: json.loads(p)["charge_enabled"] == 0)
            app.wait_line(r"mqtt: pack 1 charge_enabled=0: ok")

            # Settings stay closed when only switches are on.
            self.ha.publish("site/b/SNB1/cell_voltage_overvoltage_protection/set", "3.55")
            refused = json.loads(self.ha.wait("site/b/SNB1/cell_voltage_overvoltage_protection/result"))
            self.assertFalse(refused["ok"])

            self.ha.publish(sw["command_topic"], sw["payload_on"])
            self.state("site/b", lambda s: s["charge_fet"] and s["current"] > 15)
            before = self.ha.count("site/b/SNB1/availability")
        finally:
            code = app.stop()
        self.assertEqual(code, 0)
        self.ha.wait("site/b/SNB1/availability", lambda p: p == "offline", after=before)

    def test_a_settings_command_is_applied_and_one_out_of_range_is_refused_with_the_field(self):
        app = run(self.broker, "site/c", "SNC1", commands="settings")
        try:
            num = self.config("number", "jkbms_SNC1_number_cell_voltage_overvoltage_protection")
            # esphome-jk-bms's unit for this key: volts, in 1 mV steps.
            self.assertEqual((num["unit_of_measurement"], num["device_class"]), ("V", "voltage"))
            self.assertEqual(num["step"], 0.001)
            self.assertEqual(num["value_template"], "{{ value_json.cell_ovp / 1000 }}")
            self.ha.publish(num["command_topic"], "3.55")
            self.assertEqual(json.loads(self.ha.wait(
                "site/c/SNC1/cell_voltage_overvoltage_protection/result")), {"ok": True})
            self.ha.wait("site/c/SNC1/settings", lambda p: json.loads(p)["cell_ovp"] == 3550)
            # A refused value: the result names the field, and the board's value is published
            # again, so the entity in Home Assistant returns to 3.55 V.
            seen = self.ha.count("site/c/SNC1/settings")
            self.ha.publish(num["command_topic"], "9")
            result = json.loads(self.ha.wait("site/c/SNC1/cell_voltage_overvoltage_protection/result",
                                             lambda p: not json.loads(p)["ok"]))
            self.assertIn("cell_ovp", result["reason"])
            again = json.loads(self.ha.wait("site/c/SNC1/settings", after=seen))
            self.assertEqual(again["cell_ovp"], 3550)
        finally:
            app.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
