"""The client (`softbms status|settings|switch`) against the virtual JK BMS (`softbms run`) over
pseudo-terminals: what the client reads over each JK protocol equals the device's own status
JSON, and a switch written by the client turns the simulated FET off and the current follows.

Run: /usr/bin/python3 tests/test_run_client.py build/release/app/softbms
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_run_serial import BIN, Device, link  # noqa: E402  (shared device harness)


def client(*args, check=True):
    r = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=30)
    if check and r.returncode != 0:
        raise AssertionError("softbms %s exited %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r


class ClientAgainstRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pb, cls.nw = link("cpb"), link("cnw")
        cls.dev = Device(["jk-pb:pty:%s,policy=settings" % cls.pb, "jk-4e57:pty:" + cls.nw],
                         ["--speed", "1", "--charge-a", "20", "--address", "1"])

        # Wait until the charger has the pack charging, so every test sees a live current.
        s = cls.dev.wait_status()
        for _ in range(20):
            if s["current"] > 15.0:
                break
            s = cls.dev.wait_status(after=s["sim"]["time_s"])

    @classmethod
    def tearDownClass(cls):
        cls.dev.close()

    def fresh_status(self):
        """The next status the device writes (the file is rewritten every second)."""
        return self.dev.wait_status(after=self.dev.wait_status()["sim"]["time_s"])

    def read_status(self, port, protocol):
        before = self.fresh_status()
        got = json.loads(client("status", "-p", port, "--protocol", protocol, "-o", "json").stdout)
        after = self.fresh_status()
        return before, got, after

    def assert_between(self, key, got, before, after, slack):
        lo = min(before[key], after[key]) - slack
        hi = max(before[key], after[key]) + slack
        self.assertTrue(lo <= got[key] <= hi, "%s: %s not in [%s, %s]" % (key, got[key], lo, hi))

    def test_status_over_jk_pb_equals_the_devices_status(self):
        before, got, after = self.read_status(self.pb, "jk-pb")
        self.assertEqual(got["cell_count"], before["cell_count"])
        for key, slack in (("voltage", 0.02), ("current", 0.3), ("soc", 1), ("cycles", 0),
                           ("full_capacity_ah", 0.01), ("remaining_ah", 0.05)):
            if key in before and key in got:
                self.assert_between(key, got, before, after, slack)
        for i, cell in enumerate(got["cells"]):
            lo = min(before["cells"][i]["voltage"], after["cells"][i]["voltage"]) - 0.005
            hi = max(before["cells"][i]["voltage"], after["cells"][i]["voltage"]) + 0.005
            self.assertTrue(lo <= cell["voltage"] <= hi, "cell %d" % (i + 1))
        self.assertEqual(got["charge_fet"], after["charge_fet"])
        self.assertEqual(got["alarms"], after["alarms"])

    def test_status_over_4e57_and_auto_detection(self):
        before, got, after = self.read_status(self.nw, "auto")
        self.assertEqual(got["cell_count"], before["cell_count"])
        self.assert_between("voltage", got, before, after, 0.02)

    def test_a_bad_setting_is_refused_locally_and_names_the_rule(self):
        r = client("settings", "set", "cell_ovpr", "3700", "-p", self.pb, "--protocol", "jk-pb",
                   "--yes", check=False)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("cell_ovpr", r.stderr + r.stdout)

    def test_switching_charge_off_stops_the_charge_current(self):
        self.assertGreater(self.fresh_status()["current"], 15.0)
        client("switch", "charge", "off", "-p", self.pb, "--protocol", "jk-pb", "--yes")
        s = self.dev.wait_status(after=self.fresh_status()["sim"]["time_s"] + 1.0)
        self.assertFalse(s["charge_fet"])
        self.assertLess(abs(s["current"]), 0.5)
        client("switch", "charge", "on", "-p", self.pb, "--protocol", "jk-pb", "--yes")
        s = self.dev.wait_status(after=s["sim"]["time_s"] + 1.0)
        self.assertTrue(s["charge_fet"])


if __name__ == "__main__":
    sys.argv = sys.argv[:1]
    unittest.main()
