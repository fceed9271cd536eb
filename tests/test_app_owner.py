"""What a JK owner does in the app, through softbms's JSON API (issue 11): voltage and current
calibration, resetting the counters, the device name and both passwords, each behind the
settings-password login, logged in the board's event log, and on the disk before the reply (a
`kill -9` right after the reply loses nothing). The values checked are the ones a user checks:
after a +1.5 % voltage calibration the pack reads 1.5 % more. argv[1]: the softbms binary."""
import json
import os
import shutil
import signal
import sys
import tempfile
import unittest
import urllib.error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from app_support import Session, Softbms, get_json, wait_until  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"


def run_args(state):
    return ["run", "--state-dir", state, "--charge-a", "20", "--speed", "10", "--http", "127.0.0.1:0",
            "--history", "off"]


def events(base, type_name):
    return [e for e in get_json(base + "api/packs/1/events")["events"] if e["type"] == type_name]


def login_status(base, password):
    try:
        Session(base, password)
        return 200
    except urllib.error.HTTPError as e:
        return e.code


class OwnerCommandsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="softbms-owner-")
        self.state = os.path.join(self.dir, "state")
        self.app = Softbms(BINARY, run_args(self.state))
        self.base = self.app.url
        wait_until(lambda: get_json(self.base + "api/packs/1/snapshot")["current"] > 15, what="20 A charging")

    def tearDown(self):
        self.app.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def snapshot(self):
        return get_json(self.base + "api/packs/1/snapshot")

    def restart_after_kill(self):
        """kill -9, then the same state dir again: only what reached the disk is there."""
        self.app.stop(signal.SIGKILL)
        self.app = Softbms(BINARY, run_args(self.state))
        self.base = self.app.url

    def test_voltage_calibration_by_one_and_a_half_percent(self):
        s = Session(self.base)
        before = self.snapshot()["voltage"]
        status, body = s.send("POST", "/api/packs/1/calibrate", {"voltage_v": round(before * 1.015, 3)})
        self.assertEqual(status, 200, body)
        self.assertAlmostEqual(body["voltage_calibration_ppm"], 1_015_000, delta=1000)
        # Read right after the reply (no waiting for a tick): the pack reads what the meter read.
        after = self.snapshot()
        self.assertAlmostEqual(after["voltage"], round(before * 1.015, 3), delta=0.02)
        self.assertAlmostEqual(after["cells"][0]["voltage"] / (before / 16), 1.015, delta=0.002)
        cal = events(self.base, "calibrated")
        self.assertEqual(len(cal), 1)
        self.assertEqual(cal[0]["origin"], "web")
        # A meter reading 30 % off is a typing error: refused, nothing changes.
        status, body = s.send("POST", "/api/packs/1/calibrate", {"voltage_v": round(before * 1.3, 3)})
        self.assertEqual(status, 422, body)
        self.assertEqual(body["field"], "voltage_v")
        self.assertIn("20 %", body["error"])
        self.assertAlmostEqual(get_json(self.base + "api/packs/1/settings")["voltage_calibration"],
                               1_015_000, delta=1000)
        self.restart_after_kill()
        self.assertAlmostEqual(get_json(self.base + "api/packs/1/settings")["voltage_calibration"],
                               1_015_000, delta=1000)

    def test_current_calibration_reads_what_the_clamp_meter_reads(self):
        s = Session(self.base)
        before = self.snapshot()["current"]
        status, body = s.send("POST", "/api/packs/1/calibrate", {"current_a": round(before * 1.025, 3)})
        self.assertEqual(status, 200, body)
        self.assertAlmostEqual(body["current_calibration_ppm"], 1_025_000, delta=8000)
        self.assertAlmostEqual(self.snapshot()["current"], round(before * 1.025, 3), delta=0.2)
        # The other sign cannot be a calibration.
        status, body = s.send("POST", "/api/packs/1/calibrate", {"current_a": -before})
        self.assertEqual(status, 422, body)
        self.assertEqual(body["field"], "current_a")

    def test_a_wrong_settings_password_changes_nothing_and_says_why(self):
        self.assertEqual(login_status(self.base, "654321"), 401)
        s = Session(self.base)
        status, body = s.send("POST", "/api/packs/1/password",
                              {"which": "settings", "old": "654321", "new": "s3cret99"})
        self.assertEqual(status, 403, body)
        self.assertEqual(body["field"], "old")
        self.assertIn("wrong", body["error"])
        self.assertEqual(login_status(self.base, "123456"), 200)
        self.assertEqual(login_status(self.base, "s3cret99"), 401)
        self.assertGreaterEqual(len(events(self.base, "password_rejected")), 2)
        # No write without the login at all.
        anonymous = Session.__new__(Session)
        anonymous.base, anonymous.cookie, anonymous.csrf = self.base.rstrip("/"), "", ""
        status, _ = anonymous.send("POST", "/api/packs/1/calibrate", {"voltage_v": 50.0})
        self.assertEqual(status, 401)
        self.assertEqual(get_json(self.base + "api/packs/1/settings")["voltage_calibration"], 1_000_000)

    def test_both_passwords_change_durably_and_the_reminder_goes(self):
        self.assertIn("modify_password", self.snapshot()["alarms"])
        s = Session(self.base)
        status, body = s.send("POST", "/api/packs/1/password", {"which": "settings", "old": "123456", "new": "ab"})
        self.assertEqual((status, body["field"]), (422, "new"), body)
        status, body = s.send("POST", "/api/packs/1/password",
                              {"which": "connection", "old": "1234", "new": "7788"})
        self.assertEqual(status, 200, body)
        self.assertIn("modify_password", self.snapshot()["alarms"])
        status, body = s.send("POST", "/api/packs/1/password",
                              {"which": "settings", "old": "123456", "new": "s3cret99"})
        self.assertEqual(status, 200, body)
        wait_until(lambda: "modify_password" not in self.snapshot()["alarms"], what="bit 19 down")
        writes = get_json(self.base + "api/packs/1/events")["writes"]
        self.assertNotIn("s3cret99", str(writes))
        self.assertEqual(len(events(self.base, "password_changed")), 2)
        self.restart_after_kill()
        self.assertEqual(login_status(self.base, "123456"), 401)
        self.assertEqual(login_status(self.base, "s3cret99"), 200)
        self.assertNotIn("modify_password", self.snapshot()["alarms"])

    def test_reset_counters_and_device_name(self):
        wait_until(lambda: self.snapshot()["charged_energy_wh"] > 40, timeout=60, what="40 Wh charged")
        s = Session(self.base)
        status, body = s.send("POST", "/api/packs/1/reset-counters", {})
        self.assertEqual(status, 400, body)
        status, body = s.send("POST", "/api/packs/1/reset-counters", {"confirm": True})
        self.assertEqual(status, 200, body)
        self.assertLess(self.snapshot()["charged_energy_wh"], 0.5, "the counters from zero at once")
        self.assertEqual(events(self.base, "counters_reset")[0]["origin"], "web")
        status, body = s.send("POST", "/api/packs/1/device-name", {"name": "Shed 2"})
        self.assertEqual((status, body["field"]), (422, "name"), body)
        status, body = s.send("POST", "/api/packs/1/device-name", {"name": "Shed2"})
        self.assertEqual(status, 200, body)
        self.assertEqual(get_json(self.base + "api/packs/1/device")["device_name"], "Shed2")
        self.assertEqual(len(events(self.base, "device_field_changed")), 1)
        self.restart_after_kill()
        self.assertEqual(get_json(self.base + "api/packs/1/device")["device_name"], "Shed2")
        self.assertLess(self.snapshot()["charged_energy_wh"], 25, "the reset was on the disk")


class MonitorCalibrateTest(unittest.TestCase):
    """`softbms monitor` on a JK-PB board (here `softbms run` on a pty): a calibration from the
    monitor's dashboard goes to the board as JK's own request (FC10 to 0x1600)."""

    def setUp(self):
        self.board = Softbms(BINARY, ["run", "--state-dir", "{tmp}/board", "--charge-a", "20",
                                      "--http", "off", "--history", "off", "--status-file", "{tmp}/status.json",
                                      "--endpoint", "jk-pb:pty:{tmp}/jkpb,policy=settings"],
                             wait_for=r"^  jk-pb +pty (\S+)")
        self.status_file = os.path.join(self.board.tmp, "status.json")
        self.monitor = Softbms(BINARY, ["monitor", "-p", self.board.match.group(1), "--protocol", "jk-pb",
                                        "--interval", "1", "--http", "127.0.0.1:0", "--history", "off",
                                        "--state-dir", "{tmp}/monitor"])

    def tearDown(self):
        self.monitor.stop()
        self.board.stop()

    def board_status(self):
        with open(self.status_file) as f:
            return json.load(f)

    def test_a_calibration_from_the_monitor_reaches_the_board(self):
        base = self.monitor.url
        wait_until(lambda: get_json(base + "api/packs/1/snapshot")["current"] > 15, what="20 A")
        # The cells' polarisation settles over the first seconds of charging: calibrate after it,
        # against the board's newest reading.
        wait_until(lambda: self.board_status()["sim"]["time_s"] > 20, timeout=40, what="20 s of charging")
        t = self.board_status()["sim"]["time_s"]
        before = wait_until(lambda: (lambda s: s if s["sim"]["time_s"] > t else None)(self.board_status()),
                            step=0.05, what="a fresh status")["voltage"]
        status, body = Session(base).send("POST", "/api/packs/1/calibrate", {"voltage_v": round(before * 1.015, 3)})
        self.assertEqual(status, 200, body)
        after = wait_until(lambda: (lambda s: s if s["settings"]["voltage_calibration"] != 1_000_000 else None)(
            self.board_status()), what="the board's new factor")
        self.assertAlmostEqual(after["settings"]["voltage_calibration"], 1_015_000, delta=2000)
        self.assertAlmostEqual(after["voltage"] / before, 1.015, delta=0.002)
        self.assertEqual(events(base, "calibrated")[0]["origin"], "web")


if __name__ == "__main__":
    unittest.main(verbosity=2)
