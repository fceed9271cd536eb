"""Links that heal (issue 12), with real peers on loopback.

- `softbms monitor` starts while no board listens on its tcp:// port, says the board is offline
  (API link state, /metrics jkbms_up 0, the MQTT link topic OFF), picks the board up once a
  `softbms run` with a jk02 TCP endpoint appears, marks the kept values with their age when the
  board goes away, and is back within the backoff's bound (10 s, plus a poll and detection)
  after the board returns. One log line each way, not one per retry.
- The same over a pty whose board process ends and starts again (protocol detected).
- `softbms run --mqtt` against a real mosquitto: the broker stopped and started again gives one
  failure line and one recovery line, the jkbms_mqtt_connected metric and the status line follow;
  a wrong password and an unknown host each give one clear line and the state in /metrics.
argv[1]: the softbms binary (CTest passes it)."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from app_support import Broker, Softbms, free_port, get_json, start_mosquitto, wait_until  # noqa: E402

try:
    import paho.mqtt.client as mqtt
except ImportError:
    sys.path.append("/usr/lib/python3/dist-packages")
    import paho.mqtt.client as mqtt

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"
BACKOFF_MOST_S = 10  # host/client/board_link.hpp


def metrics(url):
    with urllib.request.urlopen(url + "metrics", timeout=10) as r:
        return r.read().decode()


def metric(url, name):
    m = re.search(r"^" + name + r'\{pack="1"\} (\S+)$', metrics(url), re.M)
    return float(m.group(1)) if m else None


def count(proc, pattern):
    with proc.cond:
        return sum(1 for line in proc.lines if re.search(pattern, line))


class Subscriber:
    """Keeps the last payload of every topic (Home Assistant's view)."""

    def __init__(self, port):
        self.last = {}
        try:
            self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, "heal-test")
        except AttributeError:
            self.client = mqtt.Client("heal-test")
        self.client.on_message = lambda _c, _u, m: self.last.__setitem__(m.topic, m.payload.decode())
        self.client.connect("127.0.0.1", port)
        self.client.subscribe([("homeassistant/#", 1), ("jkbms/#", 1)])
        self.client.loop_start()

    def stop(self):
        self.client.loop_stop()
        self.client.disconnect()


class MonitorHeals(unittest.TestCase):
    def setUp(self):
        self.port = free_port()
        self.broker = Broker()
        self.ha = Subscriber(self.broker.port)
        self.monitor = Softbms(BINARY, [
            "monitor", "-p", f"tcp://127.0.0.1:{self.port}", "--interval", "0.5", "--http", "127.0.0.1:0",
            "--history", "off", "--state-dir", "{tmp}/monitor", "--mqtt", f"127.0.0.1:{self.broker.port}",
            "--status-every", "1"])
        self.board = None
        self.board_dir = tempfile.mkdtemp(prefix="softbms-heal-board-")

    def tearDown(self):
        if self.board:
            self.board.stop()
        self.monitor.stop()
        self.ha.stop()
        self.broker.stop()

    def start_board(self):
        self.board = Softbms(BINARY, [
            "run", "--state-dir", os.path.join(self.board_dir, "state"), "--charge-a", "20", "--http", "off",
            "--history", "off", "--quiet", "--endpoint", f"jk02:tcp:127.0.0.1:{self.port}"],
            wait_for=r"^  jk02 +tcp server")
        return time.time()

    def link(self):
        return get_json(self.monitor.url + "api/packs/1/snapshot")

    def test_absent_board_then_board_comes_goes_and_returns(self):
        url = self.monitor.url
        self.assertEqual(count(self.monitor, r"^softbms monitor: no board on tcp://127\.0\.0\.1:%d yet" % self.port), 1)
        # The status line (stdout is a pipe: one line every --status-every 1 s) says why.
        self.monitor.wait_line(r"^\d\d:\d\d:\d\d UTC  no reading yet \(.*Connection refused.*\)", timeout=5)
        snap = self.link()
        self.assertFalse(snap["link"]["up"])
        self.assertIsNotNone(snap["link"]["offline_since"])
        self.assertIsNone(snap["link"]["sample_time"])
        self.assertIn("Connection refused", snap["link"]["error"])
        self.assertEqual(metric(url, "jkbms_up"), 0)
        self.assertIsNone(metric(url, "jkbms_last_sample_timestamp_seconds"))
        # Home Assistant: the board link's state is OFF (its entity is announced with the
        # others once the board has told its cells and sensors).
        wait_until(lambda: self.ha.last.get("jkbms/1/link") == "OFF", what="link OFF on MQTT")

        # The board appears: the monitor finds it within the backoff's bound.
        time.sleep(3)  # let the backoff grow past its first step
        appeared = self.start_board()
        snap = wait_until(lambda: (lambda s: s if s["link"]["up"] else None)(self.link()),
                          timeout=BACKOFF_MOST_S + 8, step=0.2, what="the monitor to find the board")
        self.assertLess(time.time() - appeared, BACKOFF_MOST_S + 8)
        self.assertEqual(len(snap["cells"]), 16)
        self.assertLess(snap["link"]["age_s"], 3)
        self.assertIsNone(snap["link"]["offline_since"])
        wait_until(lambda: abs(self.link()["current"] - 20) < 2, what="the board's 20 A on the monitor")
        self.assertEqual(metric(url, "jkbms_up"), 1)
        self.assertAlmostEqual(metric(url, "jkbms_last_sample_timestamp_seconds"), time.time(), delta=3)
        wait_until(lambda: self.ha.last.get("jkbms/1/link") == "ON", what="link ON on MQTT")
        self.monitor.wait_line(r"^\d\d:\d\d:\d\d UTC  \d+\.\d{3} V  \+(19|20|21)\.\d\d A  SOC \d+ %  CHG on  "
                               r"DSG on  alarms \S+  read [0-3] s ago  mqtt connected$", timeout=5)
        cfg = wait_until(lambda: next((json.loads(v) for t, v in list(self.ha.last.items())
                                       if t.startswith("homeassistant/binary_sensor/") and "board_connection" in t
                                       and v), None), what="the connectivity entity's discovery")
        self.assertEqual(cfg["device_class"], "connectivity")
        self.assertEqual(cfg["state_topic"], "jkbms/1/link")
        self.assertEqual(cfg["name"], "Board connection")

        # The board goes away: the last values stay, marked with their age and "offline since".
        self.board.stop()
        self.board = None
        gone = time.time()
        snap = wait_until(lambda: (lambda s: s if not s["link"]["up"] else None)(self.link()),
                          timeout=10, what="the monitor to see the board gone")
        self.assertAlmostEqual(snap["link"]["offline_since"], gone, delta=5)
        self.assertAlmostEqual(snap["current"], 20, delta=2)  # the kept value, not a fresh one
        time.sleep(4)
        later = self.link()
        self.assertGreater(later["link"]["age_s"], 3.5)
        # The status line keeps the last values (the 20 A) and says since when they are old.
        self.monitor.wait_line(r"  \+(19|20|21)\.\d\d A  .*  OFFLINE \(since \d\d:\d\d:\d\d UTC, values ([4-9]|\d\d) s "
                               r"old\)  mqtt connected$", timeout=5)
        self.assertEqual(later["link"]["offline_since"], snap["link"]["offline_since"])
        self.assertEqual(metric(url, "jkbms_up"), 0)
        self.assertLess(metric(url, "jkbms_last_sample_timestamp_seconds"), time.time() - 3.5)
        wait_until(lambda: self.ha.last.get("jkbms/1/link") == "OFF", what="link OFF again on MQTT")

        # ... and comes back: up again within the bound, one line each way in all.
        back = self.start_board()
        wait_until(lambda: self.link()["link"]["up"], timeout=BACKOFF_MOST_S + 8, step=0.2,
                   what="the monitor to find the board again")
        self.assertLess(time.time() - back, BACKOFF_MOST_S + 8)
        # (the lines may reach the pipe's reader a moment after the API says up)
        wait_until(lambda: count(self.monitor, r": answering again \(jk02\), offline for \d+ s") == 2,
                   timeout=5, what="the second 'answering again' line")
        time.sleep(2)
        self.assertEqual(count(self.monitor, r": offline since \d\d:\d\d:\d\d UTC: "), 1, self.monitor.lines)
        self.assertEqual(count(self.monitor, r": answering again \(jk02\), offline for \d+ s"), 2, self.monitor.lines)


class MonitorHealsOnPty(unittest.TestCase):
    """The issue's case: a board on a serial line (here the pty of `softbms run`, whose link
    vanishes with the process) goes away and comes back; the protocol is detected, not given."""

    def test_the_pty_board_restarted_is_read_again(self):
        tmp = tempfile.mkdtemp(prefix="softbms-heal-pty-")
        path = os.path.join(tmp, "jkpb")
        args = ["run", "--state-dir", os.path.join(tmp, "board"), "--http", "off", "--history", "off", "--quiet",
                "--endpoint", f"jk-pb:pty:{path}"]
        board = Softbms(BINARY, args, wait_for=r"^  jk-pb +pty ")
        monitor = Softbms(BINARY, ["monitor", "-p", path, "--interval", "0.5", "--http", "127.0.0.1:0",
                                   "--history", "off", "--state-dir", "{tmp}/monitor"])
        try:
            snap = lambda: get_json(monitor.url + "api/packs/1/snapshot")  # noqa: E731
            self.assertTrue(snap()["link"]["up"])
            board.stop()
            wait_until(lambda: not snap()["link"]["up"], timeout=10, what="offline")
            board = Softbms(BINARY, args, wait_for=r"^  jk-pb +pty ")
            back = time.time()
            wait_until(lambda: snap()["link"]["up"], timeout=BACKOFF_MOST_S + 8, step=0.2, what="the board again")
            self.assertLess(time.time() - back, BACKOFF_MOST_S + 8)
            monitor.wait_line(r": answering again \(jk-pb\), offline for \d+ s")
        finally:
            board.stop()
            monitor.stop()


class MqttHeals(unittest.TestCase):
    def run_softbms(self, broker_args, env=None):
        old = dict(os.environ)
        if env:
            os.environ.update(env)
        try:
            return Softbms(BINARY, ["run", "--state-dir", "{tmp}/state", "--http", "127.0.0.1:0", "--history", "off",
                                    "--status-every", "1", *broker_args])
        finally:
            os.environ.clear()
            os.environ.update(old)

    def test_broker_stopped_and_started_again(self):
        broker = Broker()
        conf = os.path.join(broker.dir, "mosquitto.conf")
        run = self.run_softbms(["--mqtt", f"127.0.0.1:{broker.port}"])
        try:
            run.wait_line(r"^softbms run: mqtt: 127\.0\.0\.1:%d: connected$" % broker.port)
            wait_until(lambda: metric(run.url, "jkbms_mqtt_connected") == 1, what="metric 1")
            run.wait_line(r"  mqtt connected$")
            broker.proc.terminate()
            broker.proc.wait(timeout=5)
            run.wait_line(r"^softbms run: mqtt: 127\.0\.0\.1:%d: connection lost; retrying with backoff$" % broker.port)
            wait_until(lambda: metric(run.url, "jkbms_mqtt_connected") == 0, what="metric 0")
            time.sleep(8)  # retries at 1, 2 and 4 s: still one line
            self.assertEqual(count(run, r"^softbms run: mqtt: "), 2, run.lines)
            self.assertTrue(run.wait_line(r"  mqtt cannot connect: Connection refused$"))
            broker.proc = start_mosquitto(conf, broker.port)
            wait_until(lambda: metric(run.url, "jkbms_mqtt_connected") == 1, timeout=40, what="metric 1 again")
            wait_until(lambda: count(run, r"^softbms run: mqtt: 127\.0\.0\.1:%d: connected$" % broker.port) == 2,
                       timeout=5, what="the second 'connected' line")
            self.assertEqual(count(run, r"^softbms run: mqtt: "), 3, run.lines)
        finally:
            run.stop()
            broker.stop()

    def test_a_wrong_password_is_told_once(self):
        d = tempfile.mkdtemp(prefix="softbms-mqtt-auth-")
        port = free_port()
        pw = os.path.join(d, "passwd")
        subprocess.run(["mosquitto_passwd", "-b", "-c", pw, "bms", "right-secret"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.chmod(d, 0o755)  # mosquitto started as root reads it as its own user
        os.chmod(pw, 0o644)
        conf = os.path.join(d, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {pw}\npersistence false\n")
        proc = start_mosquitto(conf, port)
        run = self.run_softbms(["--mqtt", f"127.0.0.1:{port}", "--mqtt-user", "bms"],
                               env={"SOFTBMS_MQTT_PASSWORD": "wrong"})
        try:
            run.wait_line(r"^softbms run: mqtt: 127\.0\.0\.1:%d: the broker refused the connection: "
                          r".*(authori[sz]ed|password).*; retrying with backoff$" % port)
            self.assertEqual(metric(run.url, "jkbms_mqtt_connected"), 0)
            time.sleep(4)
            self.assertEqual(count(run, r"^softbms run: mqtt: "), 1, run.lines)
            run.wait_line(r"  mqtt the broker refused the connection: ")
        finally:
            run.stop()
            proc.terminate()
            proc.wait(timeout=5)

    def test_an_unknown_host_is_told_once(self):
        run = self.run_softbms(["--mqtt", "no-such-broker.invalid:1883"])
        try:
            run.wait_line(r"^softbms run: mqtt: no-such-broker\.invalid:1883: unknown host no-such-broker\.invalid; "
                          r"retrying with backoff$")
            self.assertEqual(metric(run.url, "jkbms_mqtt_connected"), 0)
            time.sleep(4)
            self.assertEqual(count(run, r"^softbms run: mqtt: "), 1, run.lines)
        finally:
            run.stop()


if __name__ == "__main__":
    unittest.main()
