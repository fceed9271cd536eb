"""Our Pylontech CAN frames as an inverter-side tool sees them: python-can's `slcan` interface on
the pty the demo serves (we play the USB-CAN adapter), decoded once with the DBC through
canmatrix and once by hand from the Pylon V1.2 tables, each value equal to the demo's status
JSON taken while the simulated time stands still. Then the inverter's keep-alive (0x305) is sent
from python-can and withdrawn: the link goes present, then lost, and the fail-safe zeroes the
charge current on the wire while discharge stays allowed.
"""
import math
import os
import sys
import time
import unittest

from inverter_demo import Demo, demo_path

import can  # noqa: E402  (python3-can)
import canmatrix  # noqa: E402  (python3-canmatrix)
import canmatrix.formats  # noqa: E402

DEMO = demo_path(sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms")
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


class PylonCan(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.link = "/tmp/softbms-can-%d" % os.getpid()
        cls.demo = Demo(DEMO, "--endpoint", "pylon-can:slcan:pty:" + cls.link,
                        "--keepalive-ms", str(KEEPALIVE_MS))
        cls.demo.send("pause")
        cls.bus = can.interface.Bus(interface="slcan", channel=cls.link, bitrate=500000,
                                    sleep_after_open=0)
        cls.db = canmatrix.formats.loadp_flat(DBC)

    @classmethod
    def tearDownClass(cls):
        cls.bus.shutdown()
        cls.demo.stop()

    def collect(self, seconds, keepalive=False):
        frames = {}
        end = time.monotonic() + seconds
        next_keepalive = 0.0
        while time.monotonic() < end:
            if keepalive and time.monotonic() >= next_keepalive:
                self.bus.send(can.Message(arbitration_id=0x305, is_extended_id=False, data=bytes(8)))
                next_keepalive = time.monotonic() + 0.2
            msg = self.bus.recv(timeout=0.05)
            if msg is not None:
                frames[msg.arbitration_id] = bytes(msg.data)
        return frames

    def dbc(self, frame_id, data):
        frame = self.db.frame_by_id(canmatrix.ArbitrationId(frame_id))
        padded = bytes(data) + bytes(max(0, frame.size - len(data)))
        return {name: float(sig.phys_value) for name, sig in frame.decode(padded).items()}

    def test_1_frames_decoded_with_the_dbc_and_by_hand_equal_the_status(self):
        frames = self.collect(2.5)
        status = self.demo.status()
        b = status["battery"]
        for frame_id in (0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E):
            self.assertIn(frame_id, frames, "frame 0x%X not received" % frame_id)

        d = frames[0x351]
        by_dbc = self.dbc(0x351, d)
        cvl, ccl, dcl = mv(b["charge_voltage_limit"]), ma(b["charge_current_limit"]), ma(b["discharge_current_limit"])
        dvl = mv(b["discharge_voltage_limit"])
        self.assertGreater(cvl, 40000)
        self.assertEqual(u16(d, 0), cvl // 100)
        self.assertEqual(s16(d, 2), toward_zero(ccl, 100))
        self.assertEqual(s16(d, 4), toward_zero(dcl, 100))
        self.assertEqual(u16(d, 6), math.ceil(dvl / 100))
        self.assertAlmostEqual(by_dbc["ChargeVoltageLimit"], (cvl // 100) / 10, places=6)
        self.assertAlmostEqual(by_dbc["ChargeCurrentLimit"], toward_zero(ccl, 100) / 10, places=6)
        self.assertAlmostEqual(by_dbc["DischargeCurrentLimit"], toward_zero(dcl, 100) / 10, places=6)
        self.assertAlmostEqual(by_dbc["DischargeVoltageLimit"], math.ceil(dvl / 100) / 10, places=6)

        d = frames[0x355]
        self.assertEqual((u16(d, 0), u16(d, 2)), (b["soc"], b["soh"]))
        by_dbc = self.dbc(0x355, d)
        self.assertEqual((by_dbc["SOC"], by_dbc["SOH"]), (b["soc"], b["soh"]))

        d = frames[0x356]
        self.assertEqual(s16(d, 0), mv(b["voltage"]) // 10)
        self.assertEqual(s16(d, 2), toward_zero(ma(b["current"]), 100))
        sensors = [v for k, v in b["temperatures"].items() if k != "mos" and v is not None]
        self.assertTrue(sensors)
        self.assertLessEqual(abs(s16(d, 4) / 10 - sum(sensors) / len(sensors)), 0.1)
        by_dbc = self.dbc(0x356, d)
        self.assertAlmostEqual(by_dbc["Voltage"], (mv(b["voltage"]) // 10) / 100, places=6)
        self.assertAlmostEqual(by_dbc["Temperature"], s16(d, 4) / 10, places=6)

        d = frames[0x359]
        self.assertEqual(b["alarms"], [])
        self.assertEqual(bytes(d[:4]), bytes(4), "no protection or alarm bit without an alarm")
        self.assertEqual((d[4], chr(d[5]), chr(d[6])), (status["module_count"], "P", "N"))
        self.assertEqual(self.dbc(0x359, d)["ModuleCount"], 1)

        d = frames[0x35C]
        self.assertEqual(bool(d[0] & 0x80), b["request_charge"])
        self.assertEqual(bool(d[0] & 0x40), b["request_discharge"])
        by_dbc = self.dbc(0x35C, d)
        self.assertEqual(bool(by_dbc["ChargeEnable"]), b["request_charge"])
        self.assertEqual(bool(by_dbc["DischargeEnable"]), b["request_discharge"])

        self.assertEqual(frames[0x35E], b"PYLON   ")

    def test_2_keepalive_makes_the_link_present_and_its_loss_stops_charge_on_the_wire(self):
        self.assertEqual(self.demo.status()["link"], "waiting")
        self.collect(1.0, keepalive=True)
        status = self.demo.status()
        self.assertEqual(status["link"], "present")
        self.assertGreaterEqual(status["keepalives"], 3)
        self.assertGreater(status["announced"]["charge_current"], 0)

        frames = self.collect(KEEPALIVE_MS / 1000 + 1.5)
        status = self.demo.status()
        self.assertEqual(status["link"], "lost")
        self.assertEqual(status["announced"]["charge_current"], 0)
        self.assertFalse(status["announced"]["charge_enable"])
        self.assertEqual(s16(frames[0x351], 2), 0, "CCL 0 on the wire")
        self.assertEqual(s16(frames[0x351], 4), toward_zero(ma(status["battery"]["discharge_current_limit"]), 100))
        self.assertEqual(frames[0x35C][0] & 0x80, 0)
        self.assertEqual(frames[0x35C][0] & 0x40, 0x40 if status["battery"]["request_discharge"] else 0)

        self.collect(0.5, keepalive=True)
        self.assertEqual(self.demo.status()["link"], "present", "the next keep-alive restores it")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
