"""`softbms calibrate` against the virtual JK BMS (`softbms run`) over pseudo-terminals, with JK's
own wire commands (issue 11): JK-PB Modbus FC10 to 0x1600 / 0x1606 and the jk02 command
registers 0x64 / 0x67. The device's own status JSON shows the effect a user checks: after a
+1.5 % voltage calibration the pack reads 1.5 % more. An endpoint whose write policy does not
cover settings refuses it and nothing changes; the 4E57 protocol has no calibration request.

Run: /usr/bin/python3 tests/test_cli_calibrate.py build/test/app/softbms
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_run_serial import BIN, Device, link  # noqa: E402  (shared device harness)


def softbms(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)


class CalibrateAgainstRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pb, cls.ble, cls.pb_switches, cls.nw = link("kpb"), link("kble"), link("kpbsw"), link("knw")
        cls.dev = Device(["jk-pb:pty:%s,policy=settings" % cls.pb,
                          "jk02:pty:%s,policy=settings" % cls.ble,
                          "jk-pb:pty:%s,policy=switches" % cls.pb_switches,
                          "jk-4e57:pty:%s,policy=settings" % cls.nw],
                         ["--speed", "1", "--charge-a", "20", "--address", "1"])
        cls.dev.wait_for(lambda s: s["current"] > 15.0, timeout=20)

    @classmethod
    def tearDownClass(cls):
        cls.dev.close()

    def fresh(self):
        return self.dev.wait_status(after=self.dev.wait_status()["sim"]["time_s"])

    def factors(self, s=None):
        s = s or self.fresh()
        return s["settings"]["voltage_calibration"], s["settings"]["current_calibration"]

    def test_a_voltage_calibration_over_jk_pb_moves_the_pack_voltage_by_that_much(self):
        before = self.fresh()["voltage"]
        target = round(before * 1.015, 3)
        r = softbms("calibrate", "-p", self.pb, "--protocol", "jk-pb", "--voltage", str(target), "--yes")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("01 10 16 00 00 02 04", r.stdout)  # FC10, register 0x1600, 2 registers
        self.assertIn("read back from the board", r.stdout)
        after = self.fresh()
        self.assertAlmostEqual(after["voltage"] / before, 1.015, delta=0.001)
        self.assertAlmostEqual(after["settings"]["voltage_calibration"], 1_015_000, delta=1000)
        # The same again sets the factor back to 1: a calibration replaces, it does not stack.
        r = softbms("calibrate", "-p", self.pb, "--protocol", "jk-pb", "--voltage", str(round(before, 3)), "--yes")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertAlmostEqual(self.factors()[0], 1_000_000, delta=1000)

    def test_a_current_calibration_over_jk02_reads_what_the_clamp_meter_reads(self):
        before = self.fresh()["current"]
        target = round(before * 0.98, 3)
        r = softbms("calibrate", "-p", self.ble, "--protocol", "jk02", "--current", str(target), "--yes")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("aa 55 90 eb 67 04", r.stdout.lower())  # 32S register 0x67, 4 bytes
        after = self.fresh()
        self.assertAlmostEqual(after["current"] / before, 0.98, delta=0.01)
        self.assertAlmostEqual(after["settings"]["current_calibration"], 980_000, delta=6000)
        r = softbms("calibrate", "-p", self.ble, "--protocol", "jk02", "--current", str(round(before, 3)), "--yes")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_an_endpoint_without_the_settings_policy_changes_nothing_and_says_why(self):
        start = self.factors()
        r = softbms("calibrate", "-p", self.pb_switches, "--protocol", "jk-pb", "--voltage", "60", "--yes")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("rejected by the board: exception", r.stderr)
        self.assertEqual(self.factors(), start)

    def test_bad_input_and_protocols_without_a_request_send_nothing(self):
        start = self.factors()
        for args, code in ((["--voltage", "53", "--current", "1"], 2), (["--voltage", "-3"], 2),
                           (["--voltage", "53.2"], 2), (["--current", "abc"], 2)):
            r = softbms("calibrate", "-p", self.pb, "--protocol", "jk-pb", *args)
            self.assertEqual(r.returncode, code, " ".join(args) + ": " + r.stderr)
        r = softbms("calibrate", "-p", self.nw, "--protocol", "jk-4e57", "--voltage", "53.2", "--yes")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("jk-4e57 protocol has no calibration request", r.stderr)
        r = softbms("calibrate", "-p", self.pb, "--protocol", "jk-pb", "--voltage", "53.2", "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("would send", r.stdout)
        self.assertEqual(self.factors(), start)


if __name__ == "__main__":
    sys.argv = sys.argv[:1]
    unittest.main(verbosity=2)
