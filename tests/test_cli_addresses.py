"""The address forms a user types: `--mqtt mqtt://HOST:PORT` and `mqtts://HOST:PORT` (TLS against a
mosquitto with a certificate made by openssl here, trusted through --mqtt-ca), what a wrong
--mqtt value is told, and `-p HOST:PORT` without tcp://, which gets a hint instead of "No such
file or directory". argv[1]: the softbms binary (CTest passes it).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from app_support import Broker, Softbms, free_port, start_mosquitto  # noqa: E402

try:
    import paho.mqtt.client as mqtt
except ImportError:  # CMake may pick a python3 (pyenv, venv) that does not see Debian's packages
    sys.path.append("/usr/lib/python3/dist-packages")
    import paho.mqtt.client as mqtt

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"


def subscriber(port, topic, ca=None):
    """A paho client (over TLS when given the CA); returns (client, received list, condition)."""
    got, cond = [], threading.Condition()
    try:
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, "test-sub")
    except AttributeError:  # paho-mqtt 1.x
        c = mqtt.Client("test-sub")

    def on_message(_c, _u, msg):
        with cond:
            got.append(msg.payload.decode())
            cond.notify_all()

    c.on_message = on_message
    if ca:
        c.tls_set(ca_certs=ca)
    c.connect("127.0.0.1", port)
    c.subscribe(topic, 1)
    c.loop_start()
    return c, got, cond


def wait_state(got, cond, timeout=30):
    deadline = time.time() + timeout
    with cond:
        while True:
            for p in got:
                if p:
                    return json.loads(p)
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("no state message arrived")
            cond.wait(left)


def run_args(broker, base, extra=()):
    return ["run", "--state-dir", "{tmp}/state", "--http", "off", "--history", "off",
            "--mqtt", broker, "--mqtt-base", base, "--mqtt-interval", "0.5", *extra]


class TlsBroker:
    """mosquitto with a TLS listener only: a server certificate for 127.0.0.1 signed by a CA made
    here."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="softbms-mqtts-")
        d = self.dir
        self.ca = os.path.join(d, "ca.pem")

        def ssl(*args):
            subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True, timeout=60)

        ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=softbms test CA")
        ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1")
        with open(os.path.join(d, "san.ext"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1\n")
        ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext")
        # mosquitto started as root runs as the user mosquitto: it must be able to read these.
        os.chmod(d, 0o755)
        for name in os.listdir(d):
            os.chmod(os.path.join(d, name), 0o644)
        self.tls_port = free_port()
        conf = os.path.join(d, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"allow_anonymous true\npersistence false\n"
                    f"listener {self.tls_port} 127.0.0.1\ncafile {d}/ca.pem\n"
                    f"certfile {d}/server.pem\nkeyfile {d}/server.key\n")
        self.proc = start_mosquitto(conf, self.tls_port)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)


class MqttUrls(unittest.TestCase):
    def test_mqtt_url_publishes_the_state(self):
        broker = Broker()
        sub, got, cond = subscriber(broker.port, "url/+/state")
        app = Softbms(BINARY, run_args(f"mqtt://127.0.0.1:{broker.port}", "url"),
                      wait_for=r"^  mqtt +127\.0\.0\.1:(\d+)")
        try:
            self.assertEqual(int(app.match.group(1)), broker.port)
            state = wait_state(got, cond)
            self.assertEqual(len(state["cells"]), 16)
            self.assertTrue(40 < state["voltage"] < 60, state["voltage"])
        finally:
            self.assertEqual(app.stop(), 0)
            sub.loop_stop()
            sub.disconnect()
            broker.stop()

    def test_mqtts_url_publishes_over_tls_to_a_broker_the_ca_vouches_for(self):
        broker = TlsBroker()
        sub, got, cond = subscriber(broker.tls_port, "tls/+/state", ca=broker.ca)
        app = Softbms(BINARY, run_args(f"mqtts://127.0.0.1:{broker.tls_port}", "tls",
                                       ["--mqtt-ca", broker.ca]),
                      wait_for=r"^  mqtt +mqtts://127\.0\.0\.1:(\d+)")
        try:
            self.assertEqual(int(app.match.group(1)), broker.tls_port)
            state = wait_state(got, cond)
            self.assertEqual(len(state["cells"]), 16)
        finally:
            self.assertEqual(app.stop(), 0)
            sub.loop_stop()
            sub.disconnect()
            broker.stop()

    def test_a_wrong_mqtt_value_names_the_accepted_forms(self):
        for value in ("http://127.0.0.1:1883", "mqtt://127.0.0.1:1883/topic", "127.0.0.1:0"):
            out = subprocess.run([BINARY, "run", "--http", "off", "--mqtt", value], capture_output=True,
                                 text=True, timeout=60)
            self.assertNotEqual(out.returncode, 0, value)
            self.assertIn("--mqtt takes HOST, HOST:PORT, mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (TLS)",
                          out.stderr)
            self.assertIn(f"got '{value}'", out.stderr)

    def test_mqtt_ca_needs_tls_and_a_readable_file(self):
        out = subprocess.run([BINARY, "run", "--http", "off", "--mqtt", "mqtt://127.0.0.1",
                              "--mqtt-ca", "/etc/hostname"], capture_output=True, text=True, timeout=60)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("--mqtt-ca is for a TLS broker: --mqtt mqtts://HOST[:PORT]", out.stderr)
        out = subprocess.run([BINARY, "run", "--http", "off", "--mqtt", "mqtts://127.0.0.1",
                              "--mqtt-ca", "/nonexistent/ca.pem"], capture_output=True, text=True, timeout=60)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("--mqtt-ca: cannot read '/nonexistent/ca.pem'", out.stderr)


class PortHint(unittest.TestCase):
    def test_host_port_without_tcp_gets_a_hint(self):
        for command in (["status"], ["settings", "get"]):
            out = subprocess.run([BINARY, *command, "-p", "127.0.0.1:7001"], capture_output=True,
                                 text=True, timeout=60)
            self.assertNotEqual(out.returncode, 0)
            self.assertIn('"127.0.0.1:7001" is not a device; for a TCP connection write tcp://127.0.0.1:7001',
                          out.stderr)
            self.assertNotIn("No such file or directory", out.stderr)

    def test_a_missing_device_still_says_so(self):
        out = subprocess.run([BINARY, "status", "-p", "/dev/softbms-no-such-tty"], capture_output=True,
                             text=True, timeout=60)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("/dev/softbms-no-such-tty", out.stderr)
        self.assertIn("No such file or directory", out.stderr)


if __name__ == "__main__":
    unittest.main()
