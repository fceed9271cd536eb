"""`softbms run` talking to an inverter over CAN, as the inverter's side sees it: python-can's
`slcan` interface opens the pty the device serves (the device plays the USB-CAN adapter), and the
frames are decoded once with the Pylon DBC through canmatrix and once by hand from the Pylon V1.2
tables. At the same moment `softbms status -p <jk-pb pty> -o json` reads the same pack over its
JK-PB endpoint: SOC, voltage, current and temperatures on the wire equal what the JK client reads,
within each frame's resolution and the tick between; the limits equal the status file's. Then the
inverter's keep-alive (0x305) is sent and withdrawn: the link goes present, then lost, and the
fail-safe zeroes the charge current on the wire while discharge stays allowed.

Run: /usr/bin/python3 tests/test_inverter_can.py build/release/app/softbms
"""
import math
import os
import sys
import time
import unittest

from softbms_run import Run, link, softbms_binary

import can  # noqa: E402  (python3-can)
import canmatrix  # noqa: E402  (python3-canmatrix)
import canmatrix.formats  # noqa: E402

BIN = softbms_binary()
DBC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                   "protocols", "inverter", "testdata", "pylon-lv-can.dbc")
KEEPALIVE_MS = 1500


def u16(d, o):
    return d[o] | d[o + 1] << 8


def s16(d, o):
    v = u16(d, o)
    return v - 0x10000 if v & 0x8000 else v


def mv(volts):
    return round(volts * 1000)


def ma(amps):
    return round(amps * 1000)


def toward_zero(value, unit):
    return int(value / unit)


class PylonCanAgainstSoftbmsRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.can_link, cls.pb_link = link("can"), link("pb")
        cls.dev = Run(BIN, ["--endpoint", "pylon-can:slcan:pty:" + cls.can_link,
                            "--endpoint", "jk-pb:pty:" + cls.pb_link,
                            "--keepalive-ms", str(KEEPALIVE_MS), "--charge-a", "20", "--soc", "60"], 2)
        cls.bus = can.interface.Bus(interface="slcan", channel=cls.can_link, bitrate=500000,
                                    sleep_after_open=0)
        cls.db = canmatrix.formats.loadp_flat(DBC)
        # The charge-control limits rise over their first 10 s; compare once they stand still.
        cls.dev.wait_status(after=11.0, timeout=20.0)

    @classmethod
    def tearDownClass(cls):
        cls.bus.shutdown()
        cls.dev.close()

    def collect(self, seconds, keepalive=False):
        frames = {}
        end = time.monotonic() + seconds
        next_keepalive = 0.0
        self.keepalives_sent = 0
        while time.monotonic() < end:
            if keepalive and time.monotonic() >= next_keepalive:
                self.bus.send(can.Message(arbitration_id=0x305, is_extended_id=False, data=bytes(8)))
                self.keepalives_sent += 1
                next_keepalive = time.monotonic() + 0.2
            msg = self.bus.recv(timeout=0.05)
            if msg is not None:
                frames[msg.arbitration_id] = bytes(msg.data)
        return frames

    def dbc(self, frame_id, data):
        frame = self.db.frame_by_id(canmatrix.ArbitrationId(frame_id))
        padded = bytes(data) + bytes(max(0, frame.size - len(data)))
        return {name: float(sig.phys_value) for name, sig in frame.decode(padded).items()}

    def inverter(self, status):
        return next(i for i in status["inverters"] if i["protocol"] == "pylon-can")

    def test_1_frames_decoded_with_the_dbc_and_by_hand_equal_softbms_status(self):
        frames = self.collect(2.2)
        board = self.dev.client_status(self.pb_link, 1)
        status = self.dev.wait_status()
        for frame_id in (0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E):
            self.assertIn(frame_id, frames, "frame 0x%X not received" % frame_id)

        # 0x351: what the device announces; steady by now, so the status file's value.
        d, a = frames[0x351], self.inverter(status)["announced"]
        by_dbc = self.dbc(0x351, d)
        cvl, ccl, dcl, dvl = (mv(a["charge_voltage_limit"]), ma(a["charge_current_limit"]),
                              ma(a["discharge_current_limit"]), mv(a["discharge_voltage_limit"]))
        self.assertEqual(cvl, mv(status["charge_voltage_limit"]))
        self.assertGreater(cvl, 40000)
        self.assertGreater(ccl, 0)
        self.assertEqual(u16(d, 0), cvl // 100)
        self.assertEqual(s16(d, 2), toward_zero(ccl, 100))
        self.assertEqual(s16(d, 4), toward_zero(dcl, 100))
        self.assertEqual(u16(d, 6), math.ceil(dvl / 100))
        self.assertAlmostEqual(by_dbc["ChargeVoltageLimit"], (cvl // 100) / 10, places=6)
        self.assertAlmostEqual(by_dbc["ChargeCurrentLimit"], toward_zero(ccl, 100) / 10, places=6)
        self.assertAlmostEqual(by_dbc["DischargeCurrentLimit"], toward_zero(dcl, 100) / 10, places=6)
        self.assertAlmostEqual(by_dbc["DischargeVoltageLimit"], math.ceil(dvl / 100) / 10, places=6)

        # 0x355: SOC and SOH as the JK client reads them (SOC may tick over between the reads).
        d = frames[0x355]
        by_dbc = self.dbc(0x355, d)
        self.assertLessEqual(abs(u16(d, 0) - board["soc"]), 1)
        self.assertEqual(u16(d, 2), board["soh"])
        self.assertEqual((by_dbc["SOC"], by_dbc["SOH"]), (u16(d, 0), u16(d, 2)))

        # 0x356: 0.01 V, 0.1 A, 0.1 C against the JK-PB frame the client decoded.
        d = frames[0x356]
        by_dbc = self.dbc(0x356, d)
        self.assertLessEqual(abs(s16(d, 0) * 10 - mv(board["voltage"])), 30, "pack voltage, mV")
        self.assertLessEqual(abs(s16(d, 2) * 100 - ma(board["current"])), 400, "current, mA")
        self.assertGreater(s16(d, 2), 150, "charging at about 20 A")
        sensors = [v for k, v in board["temperatures"].items() if k != "mos" and v is not None]
        self.assertTrue(sensors)
        self.assertLessEqual(abs(s16(d, 4) / 10 - sum(sensors) / len(sensors)), 0.2)
        self.assertAlmostEqual(by_dbc["Voltage"], s16(d, 0) / 100, places=6)
        self.assertAlmostEqual(by_dbc["Current"], s16(d, 2) / 10, places=6)
        self.assertAlmostEqual(by_dbc["Temperature"], s16(d, 4) / 10, places=6)

        d = frames[0x359]
        # Bit 19 (change the factory password) is a reminder the inverter protocol does not carry.
        self.assertEqual(board["alarms"], ["modify_password"])
        self.assertEqual(bytes(d[:4]), bytes(4), "no protection or alarm bit without an alarm")
        self.assertEqual((d[4], chr(d[5]), chr(d[6])), (1, "P", "N"))
        self.assertEqual(self.dbc(0x359, d)["ModuleCount"], 1)

        d = frames[0x35C]
        self.assertEqual(bool(d[0] & 0x80), a["request_charge"])
        self.assertEqual(bool(d[0] & 0x40), a["request_discharge"])
        by_dbc = self.dbc(0x35C, d)
        self.assertEqual(bool(by_dbc["ChargeEnable"]), a["request_charge"])
        self.assertEqual(bool(by_dbc["DischargeEnable"]), a["request_discharge"])

        self.assertEqual(frames[0x35E], b"PYLON   ")

    def test_2_keepalive_makes_the_link_present_and_its_loss_stops_charge_on_the_wire(self):
        self.assertEqual(self.inverter(self.dev.wait_status())["link"], "waiting")
        self.collect(1.0, keepalive=True)
        sent = self.keepalives_sent
        self.assertGreaterEqual(sent, 3)
        # Every keep-alive sent is counted (the status may lag the bus by a tick or two).
        inv = self.inverter(self.dev.wait_for(
            lambda s: self.inverter(s)["link"] == "present" and self.inverter(s)["keepalives"] >= sent, 3.0))
        self.assertEqual(inv["link"], "present")
        self.assertEqual(inv["keepalives"], sent)
        self.assertGreater(inv["announced"]["charge_current_limit"], 0)

        frames = self.collect(KEEPALIVE_MS / 1000 + 1.5)
        status = self.dev.wait_for(lambda s: self.inverter(s)["link"] == "lost", 3.0)
        inv = self.inverter(status)
        self.assertEqual(inv["link"], "lost")
        self.assertEqual(inv["announced"]["charge_current_limit"], 0)
        self.assertFalse(inv["announced"]["request_charge"])
        self.assertEqual(s16(frames[0x351], 2), 0, "CCL 0 on the wire")
        self.assertEqual(s16(frames[0x351], 4), toward_zero(ma(status["discharge_current_limit"]), 100))
        self.assertEqual(frames[0x35C][0] & 0x80, 0)
        self.assertEqual(frames[0x35C][0] & 0x40, 0x40 if status["request_discharge"] else 0)

        self.collect(0.5, keepalive=True)
        inv = self.inverter(self.dev.wait_for(lambda s: self.inverter(s)["link"] == "present", 3.0))
        self.assertEqual(inv["link"], "present", "the next keep-alive restores it")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
