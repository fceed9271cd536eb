"""`softbms run --endpoint pylon-485:pty:PATH` answering a Pylontech RS485 (V3.3) master, as an
inverter's battery port would be read: pyserial sends the requests, built and checked with the
frame checksums written here from the protocol document. The checksum vectors of the reference
(inverter-frames.txt) pass first; then 0x4F, 0x42 (cells, current, voltage) and 0x92 (CVL, DVL,
CCL, DCL) are compared with the status JSON, another address gets silence and a damaged request
gets RTN 02.

Run: /usr/bin/python3 tests/test_pylon_rs485.py build/release/app/softbms
"""
import os
import sys
import time
import unittest

from softbms_run import Run, link, softbms_binary

import serial  # noqa: E402  (python3-serial)

BIN = softbms_binary()
FRAMES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "protocols", "inverter", "testdata", "inverter-frames.txt")


def lchksum(lenid):
    nibbles = (lenid & 0xF) + (lenid >> 4 & 0xF) + (lenid >> 8 & 0xF)
    return (-nibbles) & 0xF


def chksum(text):
    return (-sum(text.encode("ascii"))) & 0xFFFF


def build(adr, cid2, info="", ver=0x20, cid1=0x46):
    length = lchksum(len(info)) << 12 | len(info)
    body = "%02X%02X%02X%02X%04X%s" % (ver, adr, cid1, cid2, length, info)
    return ("~%s%04X\r" % (body, chksum(body))).encode("ascii")


def parse(frame):
    """{ver, adr, cid1, rtn, info} of a reply; asserts both checksums."""
    text = frame.decode("ascii")
    assert text[0] == "~" and text[-1] == "\r", text
    body, check = text[1:-5], int(text[-5:-1], 16)
    assert chksum(body) == check, "CHKSUM of %r" % text
    length = int(body[8:12], 16)
    assert lchksum(length & 0xFFF) == length >> 12, "LCHKSUM of %r" % text
    info = body[12:]
    assert len(info) == length & 0xFFF, "LENID of %r" % text
    return {"ver": int(body[0:2], 16), "adr": int(body[2:4], 16), "cid1": int(body[4:6], 16),
            "rtn": int(body[6:8], 16), "info": info}


def s16(hex4):
    v = int(hex4, 16)
    return v - 0x10000 if v & 0x8000 else v


class ChecksumVectors(unittest.TestCase):
    def test_every_reference_frame_carries_the_checksums_computed_here(self):
        with open(FRAMES) as f:
            lines = [ln.split(" ", 1)[1].strip() for ln in f if ln.startswith("R485 ")]
        self.assertGreaterEqual(len(lines), 13)
        for line in lines:
            text = line.replace("\\r", "")
            body, check = text[1:-4], int(text[-4:], 16)
            self.assertEqual(chksum(body), check, line)
        self.assertEqual(build(0x02, 0x42, "02"), b"~20024642E00202FD33\r")
        self.assertEqual(chksum("1203400456ABCEFE"), 0xFC71, "the V3.3 example, corrected")


class PylonRs485AgainstSoftbmsRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = link("pylon")
        cls.dev = Run(BIN, ["--endpoint", "pylon-485:pty:" + cls.path, "--charge-a", "20", "--soc", "60"], 1)
        cls.port = serial.Serial(cls.path, 9600, timeout=0.2)
        cls.dev.wait_status(after=11.0, timeout=20.0)  # the limits have risen and stand still

    @classmethod
    def tearDownClass(cls):
        cls.port.close()
        cls.dev.close()

    def ask(self, frame, timeout=2.0):
        self.port.reset_input_buffer()
        self.port.write(frame)
        out = bytearray()
        end = time.monotonic() + timeout
        while time.monotonic() < end and not out.endswith(b"\r"):
            out += self.port.read(256)
        return bytes(out)

    def test_protocol_version_is_answered_at_adr_2(self):
        r = parse(self.ask(build(0x02, 0x4F)))
        self.assertEqual((r["ver"], r["adr"], r["cid1"], r["rtn"], r["info"]), (0x20, 0x02, 0x46, 0, ""))

    def test_analog_values_equal_the_status(self):
        before = self.dev.wait_status()
        r = parse(self.ask(build(0x02, 0x42, "02")))
        after = self.dev.wait_status()
        self.assertEqual(r["rtn"], 0)
        info = r["info"]
        self.assertEqual(int(info[0:2], 16), 0x10, "INFOFLAG")
        self.assertEqual(int(info[2:4], 16), 0x02, "ADR")
        cells = int(info[4:6], 16)
        self.assertEqual(cells, before["cell_count"])
        pos = 6
        for i in range(cells):
            got = int(info[pos:pos + 4], 16)
            lo = min(before["cells"][i]["voltage"], after["cells"][i]["voltage"]) * 1000 - 5
            hi = max(before["cells"][i]["voltage"], after["cells"][i]["voltage"]) * 1000 + 5
            self.assertTrue(lo <= got <= hi, "cell %d: %d mV not in [%d, %d]" % (i + 1, got, lo, hi))
            pos += 4
        temps = int(info[pos:pos + 2], 16)
        pos += 2
        kelvin = [(int(info[pos + 4 * k:pos + 4 * k + 4], 16) - 2731) / 10 for k in range(temps)]
        pos += 4 * temps
        self.assertAlmostEqual(kelvin[0], before["temperatures"]["mos"], delta=0.3, msg="MOS first")
        current = s16(info[pos:pos + 4]) / 10
        voltage = int(info[pos + 4:pos + 8], 16) / 1000
        self.assertLessEqual(abs(current - before["current"]), 0.4)
        self.assertGreater(current, 15, "charging at about 20 A")
        self.assertLessEqual(abs(voltage - before["voltage"]), 0.03)

    def test_charge_management_info_equals_the_limits_of_the_status(self):
        r = parse(self.ask(build(0x02, 0x92, "02")))
        status = self.dev.wait_status()
        self.assertEqual(r["rtn"], 0)
        info = r["info"]
        self.assertEqual(int(info[0:2], 16), 0x02)
        feed = status["inverter_feed"]
        self.assertEqual(int(info[2:6], 16), round(feed["charge_voltage_limit"] * 1000), "CVL mV")
        self.assertEqual(int(info[6:10], 16), round(feed["discharge_voltage_limit"] * 1000), "DVL mV")
        self.assertEqual(s16(info[10:14]), int(feed["charge_current_limit"] * 10), "CCL 0.1 A")
        self.assertEqual(s16(info[14:18]), -int(feed["discharge_current_limit"] * 10), "DCL 0.1 A, negative")
        self.assertGreater(feed["charge_current_limit"], 0)
        flags = int(info[18:20], 16)
        self.assertEqual(bool(flags & 0x80), feed["request_charge"])
        self.assertEqual(bool(flags & 0x40), feed["request_discharge"])

    def test_another_address_gets_silence_and_a_bad_checksum_rtn_02(self):
        self.assertEqual(self.ask(build(0x03, 0x42, "03"), timeout=0.6), b"")
        good = build(0x02, 0x42, "02")
        damaged = good[:-5] + (b"0000" if good[-5:-1] != b"0000" else b"0001") + b"\r"
        r = parse(self.ask(damaged))
        self.assertEqual(r["rtn"], 0x02)
        ep = next(e for e in self.dev.wait_status()["inverters"] if e["protocol"] == "pylon-485")
        self.assertGreaterEqual(ep["frames_ignored"], 1)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
