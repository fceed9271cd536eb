"""MQTT with Home Assistant discovery against a real mosquitto broker on loopback.

The publisher under test is softbms-mqtt-demo (host/mqtt/tools): the real host_mqtt Publisher
on a synthetic pack whose switches are its own settings. A paho-mqtt subscriber plays Home
Assistant: it reads the discovery configs, the state, the availability (last will), sends the
homeassistant/status birth message and a command, and reads the result.

argv[1]: the softbms binary (as CTest passes it) or softbms-mqtt-demo itself;
SOFTBMS_MQTT_DEMO overrides where the demo is.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

try:
    import paho.mqtt.client as mqtt
except ImportError:  # CMake may pick a python3 (pyenv, venv) that does not see Debian's packages
    sys.path.append("/usr/lib/python3/dist-packages")
    import paho.mqtt.client as mqtt

ARG = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"


def demo_path():
    if os.environ.get("SOFTBMS_MQTT_DEMO"):
        return os.environ["SOFTBMS_MQTT_DEMO"]
    if os.path.basename(ARG) == "softbms-mqtt-demo":
        return ARG
    build = os.path.dirname(os.path.dirname(os.path.abspath(ARG)))
    return os.path.join(build, "host", "mqtt", "softbms-mqtt-demo")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mosquitto_binary():
    for p in (shutil.which("mosquitto"), "/usr/sbin/mosquitto"):
        if p and os.path.exists(p):
            return p
    raise AssertionError("mosquitto is not installed: run scripts/install-deps")


class Broker:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="softbms-mqtt-")
        self.port = free_port()
        conf = os.path.join(self.dir, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
        self.proc = subprocess.Popen([mosquitto_binary(), "-c", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        self.proc.kill()
        raise AssertionError("mosquitto did not listen: " + self.proc.stderr.read().decode())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)


class HomeAssistant:
    """Subscribes to everything and keeps each topic's messages."""

    def __init__(self, port):
        self.lock = threading.Condition()
        self.messages = {}
        try:
            self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, "test-ha")
        except AttributeError:  # paho-mqtt 1.x
            self.client = mqtt.Client("test-ha")
        self.client.on_message = self.on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe([("homeassistant/#", 1), ("jkbms/#", 1)])
        self.client.loop_start()

    def on_message(self, _client, _userdata, msg):
        with self.lock:
            self.messages.setdefault(msg.topic, []).append(msg.payload.decode())
            self.lock.notify_all()

    def wait(self, topic, predicate=lambda p: True, timeout=10, after=0):
        """The first payload on topic (from index `after`) for which predicate holds."""
        deadline = time.time() + timeout
        with self.lock:
            while True:
                for p in self.messages.get(topic, [])[after:]:
                    if predicate(p):
                        return p
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError(f"nothing matching on {topic}; got {self.messages.get(topic, [])[-3:]}")
                self.lock.wait(left)

    def count(self, topic):
        with self.lock:
            return len(self.messages.get(topic, []))

    def publish(self, topic, payload, retain=False):
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish()

    def stop(self):
        self.client.loop_stop()
        self.client.disconnect()


class Demo:
    def __init__(self, port, pack, commands=""):
        args = [demo_path(), "--port", str(port), "--pack", pack, "--interval-ms", "300",
                "--serial", "SN" + pack]
        if commands:
            args += ["--commands", commands]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("ready "):
            self.proc.kill()
            raise AssertionError("demo did not connect: " + line + self.proc.stderr.read())

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.communicate(timeout=10)
        return self.proc.returncode


class MqttTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = Broker()
        cls.ha = HomeAssistant(cls.broker.port)

    @classmethod
    def tearDownClass(cls):
        cls.ha.stop()
        cls.broker.stop()

    def config(self, component, uid):
        return json.loads(self.ha.wait(f"homeassistant/{component}/{uid}/config", lambda p: p != ""))

    def state(self, pack, predicate=lambda s: True, after=0):
        return json.loads(self.ha.wait(f"jkbms/{pack}/state", lambda p: predicate(json.loads(p)), after=after))

    def test_discovery_state_availability_and_refused_command(self):
        demo = Demo(self.broker.port, "p1")
        try:
            self.assertEqual(self.ha.wait("jkbms/p1/availability", lambda p: p == "online"), "online")
            volt = self.config("sensor", "jkbms_SNp1_total_voltage")
            self.assertEqual(volt["unique_id"], "jkbms_SNp1_total_voltage")
            self.assertEqual(volt["device_class"], "voltage")
            self.assertEqual(volt["state_class"], "measurement")
            self.assertEqual(volt["unit_of_measurement"], "V")
            self.assertEqual(volt["state_topic"], "jkbms/p1/state")
            self.assertEqual(volt["device"]["identifiers"], ["jkbms_SNp1"])
            self.assertEqual(volt["device"]["serial_number"], "SNp1")
            self.assertEqual(volt["availability"][0]["topic"], "jkbms/p1/availability")
            cell16 = self.config("sensor", "jkbms_SNp1_cell_voltage_16")
            self.assertEqual(cell16["value_template"], "{{ value_json.cells[15].voltage }}")
            energy = self.config("sensor", "jkbms_SNp1_total_charged_energy")
            self.assertEqual((energy["device_class"], energy["state_class"], energy["unit_of_measurement"]),
                             ("energy", "total_increasing", "Wh"))
            temp = self.config("sensor", "jkbms_SNp1_mosfet_temperature")
            self.assertEqual((temp["device_class"], temp["unit_of_measurement"]), ("temperature", "°C"))
            fet = self.config("binary_sensor", "jkbms_SNp1_binary_sensor_charging")
            self.assertIn("charge_fet", fet["value_template"])

            # Commands are off: the switch is not announced (its config is an empty retained payload).
            self.assertEqual(self.ha.wait("homeassistant/switch/jkbms_SNp1_switch_charging/config"), "")

            state = self.state("p1")
            self.assertEqual(len(state["cells"]), 16)
            self.assertAlmostEqual(state["cells"][0]["voltage"], 3.300)
            self.assertAlmostEqual(state["voltage"], sum(c["voltage"] for c in state["cells"]), places=3)
            self.assertTrue(state["charge_fet"])
            self.assertGreater(state["ts"], 1_600_000_000_000)

            # A command while commands are off: refused and not applied.
            self.ha.publish("jkbms/p1/charging/set", "OFF")
            result = json.loads(self.ha.wait("jkbms/p1/charging/result"))
            self.assertFalse(result["ok"])
            self.assertIn("off", result["reason"])
            seen = self.ha.count("jkbms/p1/state")
            later = self.state("p1", after=seen)
            self.assertTrue(later["charge_fet"])
            self.assertEqual(json.loads(self.ha.wait("jkbms/p1/settings"))["charge_enabled"], 1)

            # Home Assistant restarts: its birth message makes the pack announce itself again.
            topic = "homeassistant/sensor/jkbms_SNp1_total_voltage/config"
            before = self.ha.count(topic)
            self.ha.publish("homeassistant/status", "online")
            self.ha.wait(topic, lambda p: p != "", after=before)
            self.assertGreater(self.ha.count(topic), before)
        finally:
            # Killed without a goodbye: the broker publishes the last will.
            demo.stop(signal.SIGKILL)
        self.ha.wait("jkbms/p1/availability", lambda p: p == "offline")

    def test_switch_command_round_trip_when_switch_commands_are_on(self):
        demo = Demo(self.broker.port, "p2", commands="switches")
        try:
            sw = self.config("switch", "jkbms_SNp2_switch_charging")
            self.assertEqual(sw["command_topic"], "jkbms/p2/charging/set")
            self.assertEqual(sw["state_topic"], "jkbms/p2/settings")
            # Settings stay closed when only switches are on.
            self.assertEqual(self.ha.wait(
                "homeassistant/number/jkbms_SNp2_number_cell_voltage_overvoltage_protection/config"), "")
            self.assertTrue(self.state("p2")["charge_fet"])

            self.ha.publish(sw["command_topic"], sw["payload_off"])
            self.assertEqual(json.loads(self.ha.wait("jkbms/p2/charging/result")), {"ok": True})
            self.state("p2", lambda s: not s["charge_fet"])
            self.ha.wait("jkbms/p2/settings", lambda p: json.loads(p)["charge_enabled"] == 0)

            self.ha.publish("jkbms/p2/cell_voltage_overvoltage_protection/set", "3550")
            refused = json.loads(self.ha.wait("jkbms/p2/cell_voltage_overvoltage_protection/result"))
            self.assertFalse(refused["ok"])

            self.ha.publish(sw["command_topic"], sw["payload_on"])
            self.state("p2", lambda s: s["charge_fet"])
        finally:
            before = self.ha.count("jkbms/p2/availability")
            self.assertEqual(demo.stop(), 0)
        # A clean stop says goodbye itself.
        self.ha.wait("jkbms/p2/availability", lambda p: p == "offline", after=before)

    def test_settings_command_round_trip_when_settings_commands_are_on(self):
        demo = Demo(self.broker.port, "p3", commands="settings")
        try:
            num = self.config("number", "jkbms_SNp3_number_cell_voltage_overvoltage_protection")
            self.assertEqual((num["unit_of_measurement"], num["device_class"]), ("mV", "voltage"))
            self.ha.publish(num["command_topic"], "3550")
            self.assertEqual(json.loads(self.ha.wait(
                "jkbms/p3/cell_voltage_overvoltage_protection/result")), {"ok": True})
            self.ha.wait("jkbms/p3/settings", lambda p: json.loads(p)["cell_ovp"] == 3550)
            # Outside the range: refused with the field named, nothing changes.
            self.ha.publish(num["command_topic"], "9000")
            result = json.loads(self.ha.wait("jkbms/p3/cell_voltage_overvoltage_protection/result",
                                             lambda p: not json.loads(p)["ok"]))
            self.assertIn("cell_ovp", result["reason"])
        finally:
            demo.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
