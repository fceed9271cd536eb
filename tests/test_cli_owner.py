"""The owner's commands from the `softbms` CLI (issue 11): reset counters, device name, the
settings and connection passwords, and calibration, against a running `softbms run` through its
dashboard address (-p http://HOST:PORT) and against a board's JK line (a pty endpoint of the same
run), where JK's wire protocols have no request for them. Checked as a user checks: the counters
read 0 in the JSON API and in the JK-PB status frame right after the command, the new device name
is read back over the JK wire, the old password is refused and the new one accepted, a wrong
settings password changes nothing, and no password appears in the output or the write log.

Run: /usr/bin/python3 tests/test_cli_owner.py build/test/app/softbms
"""
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from app_support import Softbms, get_json, wait_until  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"


def cli(*args, password=None, stdin=""):
    env = {k: v for k, v in os.environ.items() if k != "SOFTBMS_PASSWORD"}
    if password is not None:
        env["SOFTBMS_PASSWORD"] = password
    return subprocess.run([BINARY, *args], input=stdin, capture_output=True, text=True, timeout=60, env=env)


class OwnerCommandsFromTheCli(unittest.TestCase):
    def setUp(self):
        self.app = Softbms(BINARY, ["run", "--state-dir", "{tmp}/state", "--load-a", "30", "--speed", "100",
                                    "--history", "off", "--endpoint", "jk-pb:pty:{tmp}/jkpb,policy=settings",
                                    "--http", "127.0.0.1:0"],
                           wait_for=r"^  jk-pb +pty (\S+)")
        self.pty = self.app.match.group(1)
        self.url = self.app.wait_line(r"^  dashboard (http://\S+)").group(1)

    def tearDown(self):
        self.app.stop()

    def snapshot(self):
        return get_json(self.url + "api/packs/1/snapshot")

    @staticmethod
    def flowed_ah(since):
        """The charge a 30 A load at 100x moves from `since` (time.monotonic()) until now."""
        return 30 * 100 * (time.monotonic() - since) / 3600 + 0.01

    def jk_status(self):
        r = cli("status", "-p", self.pty, "--protocol", "jk-pb", "-o", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_reset_counters_reads_zero_in_the_api_and_in_the_jk_frame(self):
        wait_until(lambda: self.snapshot()["cycle_capacity_ah"] > 2, timeout=60, what="2 Ah out of the pack")
        self.assertGreater(self.jk_status()["cycle_capacity_ah"], 2)
        # No --yes: nothing is sent (exit 2).
        self.assertEqual(cli("reset-counters", "-p", self.url, password="123456").returncode, 2)
        # A wrong settings password: refused, nothing changed.
        r = cli("reset-counters", "-p", self.url, "--yes", password="654321")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("settings password is wrong", r.stderr)
        self.assertGreater(self.snapshot()["cycle_capacity_ah"], 2)
        # Over JK's wire there is no such request: refused, and the message says why.
        r = cli("reset-counters", "-p", self.pty, "--yes")
        self.assertEqual(r.returncode, 3)
        self.assertIn("have no request to reset the counters", r.stderr)
        self.assertGreater(self.snapshot()["cycle_capacity_ah"], 2)
        # The password from stdin (no SOFTBMS_PASSWORD), never printed.
        before = self.snapshot()["cycle_capacity_ah"]
        sent = time.monotonic()
        r = cli("reset-counters", "-p", self.url, "--yes", stdin="123456\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("123456", r.stdout + r.stderr)
        # Read at once, no waiting for a tick: at most what 30 A at 100x moved since the command
        # was sent (the counter starts again from 0), in the API and in the JK-PB status frame.
        api = self.snapshot()["cycle_capacity_ah"]
        self.assertLess(api, before, "kept counting from where it was")
        self.assertLess(api, self.flowed_ah(sent))
        frame = self.jk_status()
        self.assertLess(frame["cycle_capacity_ah"], self.flowed_ah(sent))
        self.assertEqual(frame["cycles"], 0)
        events = get_json(self.url + "api/packs/1/events")["events"]
        self.assertEqual([e["origin"] for e in events if e["type"] == "counters_reset"], ["web"])

    def test_device_name_set_on_run_and_read_back_over_the_jk_wire(self):
        r = cli("device-name", "-p", self.pty)
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "softbms"), r.stderr)
        r = cli("device-name", "Shed 2", "-p", self.url, "--yes", password="123456")
        self.assertEqual(r.returncode, 3)
        self.assertIn("letters and digits", r.stderr)
        r = cli("device-name", "Shed2", "-p", self.url, "--yes", password="000000")
        self.assertEqual(r.returncode, 3)
        r = cli("device-name", "Shed2", "-p", self.pty, "--yes")
        self.assertEqual(r.returncode, 3)
        self.assertIn("have no request to write the device name", r.stderr)
        self.assertEqual(cli("device-name", "-p", self.pty).stdout.strip(), "softbms")
        r = cli("device-name", "Shed2", "-p", self.url, "--yes", password="123456")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("device name = Shed2", r.stdout)
        # The JK-PB device-info frame (0x161C trigger) carries it at once.
        r = cli("device-name", "-p", self.pty, "--protocol", "jk-pb")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "Shed2"), r.stderr)
        self.assertEqual(cli("device-name", "-p", self.url).stdout.strip(), "Shed2")

    def test_passwords_change_the_old_one_is_refused_and_none_is_shown(self):
        # Over JK's wire: no password request exists.
        r = cli("password", "--settings", "-p", self.pty, stdin="123456\nn3wpass9\nn3wpass9\n")
        self.assertEqual(r.returncode, 3)
        self.assertIn("carry no password", r.stderr)
        # The two new ones differ: nothing changes.
        r = cli("password", "--settings", "-p", self.url, stdin="123456\nn3wpass9\nn3wpass8\n")
        self.assertEqual(r.returncode, 3)
        r = cli("password", "--settings", "-p", self.url, stdin="123456\nn3wpass9\nn3wpass9\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("n3wpass9", r.stdout + r.stderr)
        # The old settings password is refused now, the new one accepted.
        r = cli("device-name", "Garage1", "-p", self.url, "--yes", password="123456")
        self.assertEqual(r.returncode, 3)
        self.assertIn("settings password is wrong", r.stderr)
        self.assertEqual(cli("device-name", "-p", self.url).stdout.strip(), "softbms")
        r = cli("device-name", "Garage1", "-p", self.url, "--yes", password="n3wpass9")
        self.assertEqual(r.returncode, 0, r.stderr)
        # The connection password: the settings password logs in, then the old and new ones.
        r = cli("password", "--connection", "-p", self.url, stdin="n3wpass9\n0000\n7788\n7788\n")
        self.assertEqual(r.returncode, 3)
        self.assertIn("current connection password is wrong", r.stderr)
        r = cli("password", "--connection", "-p", self.url, stdin="n3wpass9\n1234\n7788\n7788\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        changed = [e for e in get_json(self.url + "api/packs/1/events")["events"] if e["type"] == "password_changed"]
        self.assertEqual(len(changed), 2)
        writes = str(get_json(self.url + "api/packs/1/events")["writes"])
        self.assertNotIn("n3wpass9", writes)
        self.assertNotIn("7788", writes)
        self.assertNotIn("modify_password", self.snapshot()["alarms"])

    def test_calibration_through_the_dashboard(self):
        wait_until(lambda: self.snapshot()["current"] < -25, what="30 A discharging")
        target = round(self.snapshot()["voltage"] * 1.01, 3)
        r = cli("calibrate", "-p", self.url, "--voltage", str(target), "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("would send POST", r.stdout)
        self.assertEqual(get_json(self.url + "api/packs/1/settings")["voltage_calibration"], 1_000_000)
        r = cli("calibrate", "-p", self.url, "--voltage", str(target), "--yes", password="123456")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertAlmostEqual(self.snapshot()["voltage"], target, delta=0.05)
        # The factor is worked out from the raw reading at that moment (the voltage moves at 100x).
        self.assertGreater(get_json(self.url + "api/packs/1/settings")["voltage_calibration"], 1_000_000)


class HostileServer(http.server.BaseHTTPRequestHandler):
    """Answers 200 with JSON of the wrong shape: a LAN host that is not softbms run, or a broken
    one. `replies` maps a path to the JSON text it answers."""
    replies = {}

    def answer(self):
        body = self.replies.get(self.path.split("?")[0], "{}").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "session=x; HttpOnly")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.answer()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.answer()

    def log_message(self, *args):
        pass


class OwnerCommandsAgainstAHostileServer(unittest.TestCase):
    """Every reply field is read without trusting it: a wrong type or a missing field gives a
    clear error naming it and exit 1, never a crash (an uncaught JSON exception ended the CLI)."""

    def setUp(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostileServer)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def run_with(self, replies, *args):
        HostileServer.replies = replies
        return cli(*args, "-p", self.url, password="123456")

    def test_wrong_types_and_missing_fields_are_named_not_crashed_on(self):
        ok_login = {"/api/login": json.dumps({"csrf_token": "t"})}
        cases = [
            ({"/api/login": json.dumps({"csrf_token": 12})}, ("device-name", "Shed2", "--yes"), 3, "HTTP 200"),
            ({"/api/login": "[1, 2]"}, ("reset-counters", "--yes"), 3, "HTTP 200"),
            ({**ok_login, "/api/packs/1/snapshot": json.dumps({"voltage": "52.1"})},
             ("calibrate", "--voltage", "52.0", "--yes"), 1, "no readable 'voltage'"),
            ({**ok_login, "/api/packs/1/snapshot": json.dumps({"cycles": "0"})},
             ("reset-counters", "--yes"), 1, "no readable 'cycles'"),
            ({**ok_login, "/api/packs/1/device": json.dumps({"device_name": ["x"]})},
             ("device-name", "Shed2", "--yes"), 1, "no readable 'device_name'"),
            ({"/api/packs/1/device": "not json"}, ("device-name",), 1, "no readable 'device_name'"),
            # Text for the terminal is spelled out, never sent as escapes.
            ({"/api/login": json.dumps({"error": "\x1b]0;owned\x07"})}, ("reset-counters", "--yes"), 3,
             "\\x1b]0;owned\\x07"),
            ({"/api/packs/1/device": json.dumps({"device_name": "\x1b[2J"})}, ("device-name",), 0, ""),
        ]
        for replies, args, code, said in cases:
            with self.subTest(args=args, replies=replies):
                r = self.run_with(replies, *args)
                self.assertEqual(r.returncode, code, r.stderr)
                self.assertIn(said, r.stderr)
                self.assertNotIn("terminate", r.stderr)
                self.assertNotIn("\x1b", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
