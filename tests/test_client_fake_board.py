"""softbms status / cells / settings get|set / switch / log against a fake JK board on a pty.

The fake board is written here, independently of the C++ codecs: it answers the JK-PB RS485
trigger-and-dump exchange (Modbus FC10 to 0x1620/0x161E/0x161C -> 300-byte 55AA frame + FC10
acknowledge) with frames captured from real boards (protocols/jk/testdata/jk-frames.txt), takes
FC10 setting writes into its settings frame, and, in 4E57 mode, answers the read-all request with
a captured reply. It records every request it received, so a test can prove nothing was sent.
"""
import json
import os
import select
import subprocess
import sys
import threading
import time
import tty
import unittest

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"
FRAMES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protocols", "jk", "testdata", "jk-frames.txt")


def load_frames():
    out, comment = [], ""
    with open(FRAMES) as f:
        for line in f:
            line = line.strip()
            if line.startswith("# source:"):
                comment = line
            elif line and not line.startswith("#"):
                out.append((comment, bytes.fromhex(line)))
    return out


def frame(word):
    return next(b for c, b in load_frames() if word in c)


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return bytes([crc & 0xFF, crc >> 8])


def seal(f):
    f = bytearray(f[:300])
    f[299] = sum(f[:299]) & 0xFF
    return f


def rs485(f):
    """A BLE capture as a JK-PB sends it on RS485: byte 5 (the BLE frame counter) is 0."""
    f = bytearray(f)
    f[5] = 0
    return seal(f)


class FakeBoard:
    def __init__(self, mode="jk-pb", address=1, reject=()):
        self.mode, self.address, self.reject = mode, address, set(reject)
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.requests = []  # every request frame recognised, as bytes
        self.received = bytearray()
        self.frames = {
            0x1620: rs485(frame("(CELL_INFO_JK02_32S_V11)")),
            0x161E: seal(frame("SETTINGS_RESPONSE")),
            0x161C: seal(frame("ABOUT_RESPONSE")),
        }
        self.nw_reply = frame("14S fw H6.X S6.1.3S")
        self.stop = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def close(self):
        self.stop = True
        self.thread.join()
        os.close(self.master)
        os.close(self.slave)

    def settings_u32(self, offset):
        return int.from_bytes(self.frames[0x161E][offset:offset + 4], "little")

    def writes(self):
        """FC10 writes that are not dump triggers."""
        return [r for r in self.requests if len(r) > 8 and r[1] == 0x10 and not 0x161C <= int.from_bytes(r[2:4], "big") <= 0x1620]

    def serve(self):
        buf, last = bytearray(), time.monotonic()
        while not self.stop:
            r, _, _ = select.select([self.master], [], [], 0.02)
            if r:
                data = os.read(self.master, 4096)
                self.received += data
                buf += data
                last = time.monotonic()
            elif buf and time.monotonic() - last > 0.2:
                buf.clear()  # a half frame followed by silence
            while buf:
                used = self.take(buf)
                if used == 0:
                    break
                del buf[:used]

    def take(self, buf):
        """Bytes consumed from the front of buf (0 = wait for more)."""
        if buf[:2] == b"NW" and len(buf) >= 4:
            total = int.from_bytes(buf[2:4], "big") + 2
            if len(buf) < total:
                return 0
            self.requests.append(bytes(buf[:total]))
            if self.mode == "jk-4e57" and buf[8] in (0x03, 0x06):
                os.write(self.master, self.nw_reply)
            return total
        if len(buf) >= 7 and buf[1] == 0x10:
            total = 9 + buf[6]
            if len(buf) < total:
                return 0
            req = bytes(buf[:total])
            if crc16(req[:-2]) != req[-2:]:
                return 1
            self.requests.append(req)
            if self.mode == "jk-pb" and req[0] == self.address:
                self.answer_fc10(req)
            return total
        return 1

    def answer_fc10(self, req):
        reg = int.from_bytes(req[2:4], "big")
        ack = req[:6] + crc16(req[:6])
        if reg in self.frames:
            os.write(self.master, bytes(self.frames[reg]) + ack)
            return
        if reg in self.reject:
            exc = bytes([req[0], 0x90, 0x03])
            os.write(self.master, exc + crc16(exc))
            return
        data = req[7:-2]
        offset = reg - 0x1000 + 6
        # Multi-byte fields are big-endian in registers, little-endian in the frame.
        value = data[::-1] if len(data) == 4 or reg == 0x1114 else data
        f = self.frames[0x161E]
        f[offset:offset + len(value)] = value
        self.frames[0x161E] = seal(f)
        os.write(self.master, ack)


def run(*args, timeout=30):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


class Board(unittest.TestCase):
    mode = "jk-pb"

    def setUp(self):
        self.board = FakeBoard(self.mode)
        self.addCleanup(self.board.close)


class Status(Board):
    def test_status_json_equals_the_decoded_capture(self):
        r = run("status", "-p", self.board.path, "--protocol", "jk-pb", "-o", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = json.loads(r.stdout)
        # ESPHome's test header for CELL_INFO_JK02_32S_V11 ([ESPHOME]).
        self.assertEqual(s["cell_count"], 16)
        self.assertAlmostEqual(s["voltage"], 51.689)
        self.assertAlmostEqual(s["current"], 0.0)
        self.assertAlmostEqual(s["cell_min"], 3.216)
        self.assertEqual(s["cell_min_index"], 11)
        self.assertAlmostEqual(s["cell_max"], 3.246)
        self.assertEqual(s["cell_max_index"], 1)
        self.assertAlmostEqual(s["temperatures"]["t1"], 17.7)
        self.assertAlmostEqual(s["temperatures"]["t2"], 17.7)
        self.assertAlmostEqual(s["temperatures"]["mos"], 17.3)
        self.assertEqual(s["soc"], 52)
        self.assertEqual(s["soh"], 100)
        self.assertAlmostEqual(s["remaining_ah"], 1.043)
        self.assertEqual(s["runtime_s"], 107416)
        self.assertTrue(s["charge_fet"])
        self.assertTrue(s["discharge_fet"])
        # The request was the status trigger at address 1, byte for byte.
        self.assertEqual(self.board.requests[0], bytes.fromhex("011016200001020000D6F1"))

    def test_auto_detection_finds_jk_pb_at_the_address(self):
        r = run("status", "-p", self.board.path, "-o", "json", "--verbose")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("detected jk-pb", r.stderr)
        self.assertAlmostEqual(json.loads(r.stdout)["voltage"], 51.689)

    def test_table_and_csv(self):
        t = run("status", "-p", self.board.path, "--protocol", "jk-pb")
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertIn("51.689 V", t.stdout)
        self.assertIn("JK_PB2A16S20P", t.stdout)  # the about frame's model
        c = run("cells", "-p", self.board.path, "--protocol", "jk-pb", "-o", "csv")
        rows = c.stdout.strip().splitlines()
        self.assertEqual(rows[0], "cell,voltage_v,wire_resistance_ohm")
        self.assertEqual(len(rows), 17)
        self.assertTrue(rows[1].startswith("1,3.246,"))

    def test_another_address_gets_no_answer_and_exit_4(self):
        r = run("status", "-p", self.board.path, "--protocol", "jk-pb", "-a", "2")
        self.assertEqual(r.returncode, 4)
        self.assertIn("no answer", r.stderr)

    def test_jk_pb_has_no_logbook(self):
        r = run("log", "-p", self.board.path, "--protocol", "jk-pb")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no logbook", r.stderr)


class Settings(Board):
    def test_settings_get_reads_the_frame(self):
        r = run("settings", "get", "cell_ovp", "cell_uvp", "-p", self.board.path, "--protocol", "jk-pb", "-o", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Frame bytes 18..21 and 10..13 of the captured settings frame.
        self.assertEqual(json.loads(r.stdout), {"cell_ovp": self.board.settings_u32(18), "cell_uvp": self.board.settings_u32(10)})

    def test_a_value_out_of_range_exits_3_names_the_rule_and_sends_nothing(self):
        r = run("settings", "set", "cell_ovp", "9000", "--yes", "-p", self.board.path, "--protocol", "jk-pb")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("cell_ovp", r.stderr)
        self.assertIn("rule range", r.stderr)
        self.assertEqual(self.board.writes(), [])

    def test_a_value_breaking_a_cross_field_rule_exits_3_naming_it(self):
        ovp = self.board.settings_u32(18)
        r = run("settings", "set", "cell_ovpr", str(ovp + 50), "--yes", "-p", self.board.path, "--protocol", "jk-pb")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("ovpr_below_ovp", r.stderr)
        self.assertEqual(self.board.writes(), [])

    def test_dry_run_prints_the_exact_bytes_and_sends_nothing(self):
        r = run("settings", "set", "cell_ovp", "3600", "--dry-run", "-p", self.board.path, "--protocol", "jk-pb")
        self.assertEqual(r.returncode, 0, r.stderr)
        body = bytes.fromhex("0110100C000204") + (3600).to_bytes(4, "big")
        expected = " ".join(f"{b:02X}" for b in body + crc16(body))
        self.assertIn(expected, r.stdout)
        self.assertEqual(self.board.writes(), [])
        self.assertEqual(self.board.settings_u32(18), 3650)

    def test_yes_sends_the_fc10_write_and_reads_the_new_value_back(self):
        r = run("settings", "set", "cell_ovp", "3600", "--yes", "-p", self.board.path, "--protocol", "jk-pb")
        self.assertEqual(r.returncode, 0, r.stderr)
        w = self.board.writes()
        self.assertEqual(len(w), 1)
        self.assertEqual(w[0][0], 1)                                  # address
        self.assertEqual(int.from_bytes(w[0][2:4], "big"), 0x100C)    # settings offset 18 - 6
        self.assertEqual(int.from_bytes(w[0][7:11], "big"), 3600)
        self.assertEqual(self.board.settings_u32(18), 3600)
        self.assertIn("cell_ovp = 3600 mV (read back", r.stdout)

    def test_a_write_without_yes_is_a_usage_error_that_sends_nothing(self):
        r = run("settings", "set", "cell_ovp", "3600", "-p", self.board.path, "--protocol", "jk-pb")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--yes", r.stderr)
        self.assertEqual(self.board.received, bytearray())

    def test_switch_charge_off_writes_register_0x1070(self):
        r = run("switch", "charge", "off", "--yes", "-p", self.board.path, "--protocol", "jk-pb")
        self.assertEqual(r.returncode, 0, r.stderr)
        w = self.board.writes()
        self.assertEqual(len(w), 1)
        self.assertEqual(w[0][2:11], bytes.fromhex("107000020400000000"))
        self.assertEqual(self.board.settings_u32(118), 0)

    def test_a_write_the_board_refuses_exits_3(self):
        self.board.reject.add(0x100C)
        r = run("settings", "set", "cell_ovp", "3600", "--yes", "-p", self.board.path, "--protocol", "jk-pb")
        self.assertEqual(r.returncode, 3)
        self.assertIn("rejected by the board", r.stderr)
        self.assertIn("exception 03", r.stderr)


class FourE57(Board):
    mode = "jk-4e57"

    def test_auto_detection_falls_back_to_4e57_after_the_jk_pb_trigger(self):
        r = run("status", "-p", self.board.path, "-o", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = json.loads(r.stdout)
        # tests/esp8266-fake-bms.yaml values ([ESPHOME]).
        self.assertAlmostEqual(s["voltage"], 53.59)
        self.assertAlmostEqual(s["current"], 2.08)
        self.assertEqual(s["soc"], 15)
        self.assertEqual(len(s["cells"]), 14)
        self.assertAlmostEqual(s["cells"][0]["voltage"], 3.821)
        self.assertEqual(self.board.requests[0][:4], bytes.fromhex("01101620"))  # tried jk-pb first
        self.assertEqual(self.board.requests[1][:2], b"NW")


class Usage(unittest.TestCase):
    def test_missing_port_and_bad_options_are_usage_errors(self):
        self.assertEqual(run("status").returncode, 2)
        self.assertEqual(run("status", "-p", "/dev/null", "--protocol", "modbus").returncode, 2)
        self.assertEqual(run("status", "-p", "/dev/null", "-o", "xml").returncode, 2)
        self.assertEqual(run("settings", "set", "no_such", "1", "--yes", "-p", "/dev/null").returncode, 2)

    def test_a_missing_device_exits_4(self):
        r = run("status", "-p", "/dev/ttyNOSUCH0", "--protocol", "jk-pb")
        self.assertEqual(r.returncode, 4)

    def test_a_silent_line_exits_4_after_trying_every_protocol(self):
        master, slave = os.openpty()
        tty.setraw(slave)
        try:
            start = time.monotonic()
            r = run("status", "-p", os.ttyname(slave))
            self.assertEqual(r.returncode, 4)
            self.assertIn("no JK board answered", r.stderr)
            self.assertLess(time.monotonic() - start, 10)
        finally:
            os.close(master)
            os.close(slave)

    def test_settings_list_still_works(self):
        r = run("settings", "--list", "--json")
        self.assertEqual(r.returncode, 0)
        self.assertTrue(any(row["name"] == "cell_ovp" for row in json.loads(r.stdout)))


if __name__ == "__main__":
    unittest.main()
