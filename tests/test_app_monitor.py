"""`softbms monitor -p PORT` attached to a JK board: here `softbms run` with a jk-pb endpoint on a
pty stands in for the board. The monitor's dashboard API must show what the run's status file
says, and a switch written through the monitor's dashboard must reach the board (its charge FET
goes off and the 20 A charge current stops). `softbms password --settings` and the bind policy
are tested here too. argv[1]: the softbms binary (CTest passes it)."""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from app_support import Session, Softbms, get_json, wait_until  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"


def status(path):
    with open(path) as f:
        return json.load(f)


class MonitorTest(unittest.TestCase):
    def setUp(self):
        self.board = Softbms(BINARY, ["run", "--state-dir", "{tmp}/board", "--charge-a", "20",
                                      "--http", "off", "--history", "off", "--status-file", "{tmp}/status.json",
                                      "--endpoint", "jk-pb:pty:{tmp}/jkpb,policy=settings"],
                             wait_for=r"^  jk-pb +pty (\S+)")
        self.pty = self.board.match.group(1)
        self.status_file = os.path.join(self.board.tmp, "status.json")
        self.monitor = Softbms(BINARY, ["monitor", "-p", self.pty, "--protocol", "jk-pb", "--interval", "1",
                                        "--http", "127.0.0.1:0", "--history", "off",
                                        "--state-dir", "{tmp}/monitor"])

    def tearDown(self):
        self.monitor.stop()
        self.board.stop()

    def test_the_monitor_dashboard_shows_what_the_board_says(self):
        wait_until(lambda: get_json(self.monitor.url + "api/packs/1/snapshot")["current"] > 15, what="20 A")
        # Both sides refresh once a second while the cells charge: compare two reads taken close
        # together (a few tries), within the JK wire's resolution and a second of charging.
        def close_enough():
            snap = get_json(self.monitor.url + "api/packs/1/snapshot")
            truth = status(self.status_file)
            ok = (len(snap["cells"]) == 16 and snap["charge_fet"] == truth["charge_fet"]
                  and all(abs(a["voltage"] - b["voltage"]) <= 0.005 for a, b in zip(snap["cells"], truth["cells"]))
                  and abs(snap["voltage"] - truth["voltage"]) <= 0.05
                  and abs(snap["current"] - truth["current"]) <= 0.5)
            return (snap, truth) if ok else None
        snap, truth = wait_until(close_enough, timeout=30, step=0.3, what="the monitor to match the board")
        self.assertAlmostEqual(snap["soc"], truth["soc"], delta=1)
        settings = get_json(self.monitor.url + "api/packs/1/settings")
        self.assertEqual(settings["cell_ovp"], truth["settings"]["cell_ovp"])
        metrics = get_json_text(self.monitor.url + "metrics")
        self.assertIn('jkbms_up{pack="1"} 1', metrics)

    def test_a_switch_from_the_monitor_dashboard_reaches_the_board(self):
        wait_until(lambda: status(self.status_file)["current"] > 15, what="20 A on the board")
        s = Session(self.monitor.url)
        code, body = s.send("POST", "/api/packs/1/switch", {"name": "charge", "on": False})
        self.assertEqual(code, 200, body)
        after = wait_until(lambda: (lambda j: j if not j["charge_fet"] and abs(j["current"]) < 1 else None)(
            status(self.status_file)), what="the board's charge FET off")
        self.assertEqual(after["settings"]["charge_enabled"], 0)
        events = get_json(self.monitor.url + "api/packs/1/events")
        self.assertTrue(any(e["type"] == "switch_changed" and e["origin"] == "web" for e in events["events"]),
                        events["events"][:5])
        self.assertTrue(any("switch" in w["action"] and w["result"] == "ok" for w in events["writes"]))
        # A setting outside the table is refused before anything is sent.
        code, body = s.send("PUT", "/api/packs/1/settings", {"cell_ovp": 9999})
        self.assertEqual(code, 422, body)
        self.assertEqual(body["field"], "cell_ovp")


def get_json_text(url):
    import urllib.request
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


class PasswordTest(unittest.TestCase):
    def test_a_public_address_is_refused_until_the_settings_password_is_changed(self):
        with tempfile.TemporaryDirectory(prefix="softbms-pw-") as tmp:
            state = os.path.join(tmp, "state")
            refused = subprocess.run([BINARY, "run", "--state-dir", state, "--http", "0.0.0.0:0",
                                      "--history", "off"], capture_output=True, text=True, timeout=60)
            self.assertEqual(refused.returncode, 1)
            self.assertIn("123456", refused.stderr)
            self.assertIn("softbms password --settings", refused.stderr)

            wrong = subprocess.run([BINARY, "password", "--settings", "--state-dir", state],
                                   input="000000\nbattery42\nbattery42\n", capture_output=True, text=True)
            self.assertEqual(wrong.returncode, 3, wrong.stderr)
            self.assertIn("current password is wrong", wrong.stderr)
            changed = subprocess.run([BINARY, "password", "--settings", "--state-dir", state],
                                     input="123456\nbattery42\nbattery42\n", capture_output=True, text=True)
            self.assertEqual(changed.returncode, 0, changed.stderr)

            app = Softbms(BINARY, ["run", "--state-dir", state, "--http", "0.0.0.0:0", "--history", "off"],
                          wait_for=r"^  dashboard http://0\.0\.0\.0:(\d+)/")
            try:
                base = f"http://127.0.0.1:{app.match.group(1)}"
                # Not loopback: reads need a login, and only the new password opens it.
                with self.assertRaises(Exception):
                    get_json(base + "/api/packs/1/snapshot")
                with self.assertRaises(Exception):
                    Session(base, "123456")
                s = Session(base, "battery42")
                code, _ = s.send("POST", "/api/packs/1/switch", {"name": "balance", "on": False})
                self.assertEqual(code, 200)
                events = json.loads(s_get(base + "/api/packs/1/events", s))
                kinds = [(e["type"], e["origin"]) for e in events["events"]]
                self.assertIn(("password_changed", "cli"), kinds)
                self.assertIn(("switch_changed", "web"), kinds)
            finally:
                app.stop()


def s_get(url, session):
    import urllib.request
    req = urllib.request.Request(url, headers={"Cookie": session.cookie})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode()


if __name__ == "__main__":
    unittest.main(verbosity=2)
