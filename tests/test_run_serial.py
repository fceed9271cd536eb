"""softbms run, the virtual JK BMS, driven from outside by independent peers over pseudo-terminals
and TCP: a pyserial script speaks the 4E57 exchange and the JK-PB trigger-and-dump exchange, a TCP
socket speaks the 55AA (jk02) commands. What the peers read is compared with the status JSON the
device rewrites every second (--status-file).

Run: /usr/bin/python3 tests/test_run_serial.py build/h-run/app/softbms
"""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from softbms_run import Run  # noqa: E402  (the shared `softbms run` harness)

try:
    import serial
except ImportError:  # a python3 that does not see Debian's packages
    sys.path.append("/usr/lib/python3/dist-packages")
    import serial


def softbms_binary():
    for arg in sys.argv[1:]:
        if not arg.startswith("-"):
            return os.path.abspath(arg)
    return os.path.abspath("build/release/app/softbms")


BIN = softbms_binary()


# --- the wire formats, written from the protocol reference (not from softbms's code) ---------

def sum16(data):
    return sum(data) & 0xFFFF


def crc16_modbus(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def with_crc(data):
    return bytes(data) + struct.pack("<H", crc16_modbus(data))


def nw_frame(command, source, data):
    body = bytes([0, 0, 0, 0, command, source, 0]) + bytes(data) + bytes([0, 0, 0, 0, 0x68])
    length = len(body) + 2 + 4  # from the length field to the end
    head = b"\x4e\x57" + struct.pack(">H", length) + body
    return head + struct.pack(">I", sum16(head))


NW_READ_ALL = bytes.fromhex("4e57001300000000060300000000000068000001 29".replace(" ", ""))


def ble_command(register, value=0, length=4):
    f = bytearray(20)
    f[0:4] = b"\xaa\x55\x90\xeb"
    f[4] = register
    f[5] = length
    f[6:10] = struct.pack("<I", value & 0xFFFFFFFF)
    f[19] = sum(f[:19]) & 0xFF
    return bytes(f)


def read_exactly(port, n, timeout=2.0):
    out = bytearray()
    end = time.monotonic() + timeout
    while len(out) < n and time.monotonic() < end:
        out += port.read(n - len(out))
    return bytes(out)


def read_nw_reply(port, timeout=2.0):
    head = read_exactly(port, 4, timeout)
    if len(head) < 4:
        return head
    (length,) = struct.unpack(">H", head[2:4])
    return head + read_exactly(port, length - 2, timeout)


def nw_records(frame):
    """Walks the id-coded records of a 4E57 read-all reply: {id: bytes}."""
    sizes = {0x79: None, 0x80: 2, 0x81: 2, 0x82: 2, 0x83: 2, 0x84: 2, 0x85: 1, 0x86: 1, 0x87: 2, 0x89: 4,
             0x8A: 2, 0x8B: 2, 0x8C: 2}
    out = {}
    pos = 11
    while pos < len(frame) - 9:
        rid = frame[pos]
        if rid == 0x79:
            n = frame[pos + 1]
            out[rid] = frame[pos + 2:pos + 2 + n]
            pos += 2 + n
        elif rid in sizes:
            out[rid] = frame[pos + 1:pos + 1 + sizes[rid]]
            pos += 1 + sizes[rid]
        else:
            break  # the rest of the records is not needed here
    return out


def sum8(data):
    return sum(data) & 0xFF


# --- the device under test ---------------------------------------------------------------------

class Device(Run):
    """One `softbms run` process with its own state dir, status file and endpoint links."""

    def __init__(self, endpoints, extra=(), state_dir=None):
        self.endpoints = endpoints
        args = []
        for e in endpoints:
            args += ["--endpoint", e]
        super().__init__(BIN, args + list(extra), len(endpoints), state_dir)

    def tcp_port(self, protocol):
        for line in self.lines[1:]:
            if line.split()[0] == protocol and " tcp server " in line:
                return int(line.split("tcp server ")[1].split()[0].rsplit(":", 1)[1])
        raise AssertionError("no tcp endpoint for " + protocol)

    def endpoint(self, status, protocol):
        return next(e for e in status["endpoints"] if e["protocol"] == protocol)

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, out, err

    def close(self, keep_state=False):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        if not keep_state:
            shutil.rmtree(self.tmp, ignore_errors=True)


def link(name):
    return "/tmp/softbms-run-%s-%d" % (name, os.getpid())


def cells_between(test, read_mv, before, after, slack_mv=5):
    """A value read over the wire lies between two status snapshots taken around the read, give or
    take the sensor noise of the ticks between them (a wrong offset or scale is far outside)."""
    test.assertEqual(len(read_mv), before["cell_count"])
    for i, mv in enumerate(read_mv):
        lo = min(before["cells"][i]["voltage"], after["cells"][i]["voltage"]) * 1000 - slack_mv
        hi = max(before["cells"][i]["voltage"], after["cells"][i]["voltage"]) * 1000 + slack_mv
        test.assertTrue(lo <= mv <= hi, "cell %d: %d mV not in [%d, %d]" % (i + 1, mv, lo, hi))


class SerialPeers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pb, cls.nw = link("pb"), link("nw")
        cls.dev = Device(["jk-pb:pty:%s,policy=settings" % cls.pb, "jk-4e57:pty:" + cls.nw,
                          "jk02:tcp:127.0.0.1:0,policy=settings", "jk02:tcp:127.0.0.1:0"],
                         ["--speed", "5", "--charge-a", "20", "--address", "1"])

    @classmethod
    def tearDownClass(cls):
        cls.dev.close()

    def test_startup_prints_one_line_per_endpoint_with_its_transport_address_and_policy(self):
        lines = self.dev.lines[1:]
        self.assertEqual(len(lines), 4)
        self.assertIn("jk-pb", lines[0])
        self.assertIn("pty %s -> /dev/pts/" % self.pb, lines[0])
        self.assertIn("address 1", lines[0])
        self.assertIn("policy settings", lines[0])
        self.assertIn("policy read-only", lines[1])
        self.assertTrue(os.path.realpath(self.pb).startswith("/dev/pts/"))

    def test_4e57_read_all_carries_the_cells_and_pack_voltage_of_the_status_with_a_good_sum16(self):
        with serial.Serial(self.nw, 115200, timeout=0.2) as port:
            before = self.dev.wait_status(self.dev.status()["sim"]["time_s"])
            port.write(NW_READ_ALL)
            reply = read_nw_reply(port)
            after = self.dev.wait_status(before["sim"]["time_s"])
        self.assertEqual(reply[:2], b"\x4e\x57")
        self.assertEqual(struct.unpack(">I", reply[-4:])[0], sum16(reply[:-4]))
        self.assertEqual(reply[8], 0x06)  # the command byte echoed
        self.assertEqual(reply[-5], 0x68)
        rec = nw_records(reply)
        cells = rec[0x79]
        self.assertEqual(len(cells) // 3, 16)
        self.assertEqual([cells[3 * i] for i in range(16)], list(range(1, 17)))
        cells_between(self, [struct.unpack(">H", cells[3 * i + 1:3 * i + 3])[0] for i in range(16)], before, after)
        pack_10mv = struct.unpack(">H", rec[0x83])[0]
        self.assertAlmostEqual(pack_10mv / 100.0, after["voltage"], delta=0.05)

    def test_jk_pb_status_trigger_answers_the_300_byte_frame_with_byte5_zero_then_the_ack(self):
        request = with_crc(bytes.fromhex("01101620000102 0000".replace(" ", "")))
        self.assertEqual(request[-2:], b"\xd6\xf1")  # the capture in the protocol reference
        with serial.Serial(self.pb, 115200, timeout=0.2) as port:
            before = self.dev.wait_status(self.dev.status()["sim"]["time_s"])
            port.write(request)
            reply = read_exactly(port, 308)
            after = self.dev.wait_status(before["sim"]["time_s"])
        self.assertEqual(len(reply), 308)
        frame, ack = reply[:300], reply[300:]
        self.assertEqual(frame[:6], b"\x55\xaa\xeb\x90\x02\x00")
        self.assertEqual(frame[299], sum8(frame[:299]))
        self.assertEqual(ack, bytes.fromhex("01101620000104 4b".replace(" ", "")))
        cells_between(self, [struct.unpack("<H", frame[6 + 2 * i:8 + 2 * i])[0] for i in range(16)], before, after)

    def test_a_trigger_for_another_address_gets_no_reply_and_is_counted_as_ignored(self):
        before = self.dev.endpoint(self.dev.status(), "jk-pb")
        with serial.Serial(self.pb, 115200, timeout=0.3) as port:
            port.write(with_crc(bytes.fromhex("031016200001020000")))
            self.assertEqual(read_exactly(port, 8, 0.4), b"")
        after = self.dev.endpoint(self.dev.wait_status(self.dev.status()["sim"]["time_s"]), "jk-pb")
        self.assertEqual(after["frames_ignored"], before["frames_ignored"] + 1)
        self.assertEqual(after["frames_rejected"], before["frames_rejected"])

    def test_bad_crc_short_and_garbled_frames_get_no_reply_are_counted_and_change_nothing(self):
        s0 = self.dev.status()
        bad_crc = with_crc(bytes.fromhex("01101620000102 0000".replace(" ", "")))[:-1] + b"\x00"
        write_off_bad_crc = with_crc(bytes.fromhex("011010700002040000 0000".replace(" ", "")))[:-1] + b"\x55"
        with serial.Serial(self.pb, 115200, timeout=0.2) as port:
            for frame in (bad_crc, write_off_bad_crc, b"\x01\x03\x12"):
                port.write(frame)
                self.assertEqual(read_exactly(port, 5, 0.4), b"", frame.hex())
        bad_sum = bytearray(NW_READ_ALL)
        bad_sum[-1] ^= 0x01
        with serial.Serial(self.nw, 115200, timeout=0.2) as port:
            port.write(bytes(bad_sum))
            self.assertEqual(read_exactly(port, 4, 0.4), b"")
            port.write(b"\x00\x11garbage\xff" * 3)
            self.assertEqual(read_exactly(port, 4, 0.4), b"")
            port.write(NW_READ_ALL)  # and the line still works
            self.assertEqual(read_nw_reply(port)[:2], b"\x4e\x57")
        s1 = self.dev.wait_status(s0["sim"]["time_s"])
        pb0, pb1 = self.dev.endpoint(s0, "jk-pb"), self.dev.endpoint(s1, "jk-pb")
        nw0, nw1 = self.dev.endpoint(s0, "jk-4e57"), self.dev.endpoint(s1, "jk-4e57")
        self.assertGreaterEqual(pb1["frames_rejected"], pb0["frames_rejected"] + 3)
        self.assertGreaterEqual(nw1["frames_rejected"], nw0["frames_rejected"] + 1)
        self.assertGreater(nw1["dropped_bytes"], nw0["dropped_bytes"])
        self.assertEqual(s1["settings"], s0["settings"])
        self.assertTrue(s1["charge_fet"])

    def test_jk02_device_info_then_settings_and_a_cell_info_stream_with_a_counting_byte5(self):
        port = self.dev.tcp_port("jk02")
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(ble_command(0x97))
            info = self.recv_frames(s, 1)[0]
            self.assertEqual(info[:5], b"\x55\xaa\xeb\x90\x03")
            self.assertEqual(info[299], sum8(info[:299]))
            model = info[6:22].split(b"\x00")[0].decode()
            self.assertEqual(model, self.dev.status()["device"]["model"])
            s.sendall(ble_command(0x96))
            frames = self.recv_frames(s, 4, timeout=4)
        self.assertEqual(frames[0][4], 0x01)
        self.assertEqual([f[4] for f in frames[1:]], [0x02, 0x02, 0x02])
        counters = [f[5] for f in frames]
        self.assertEqual(counters, [(counters[0] + i) % 256 for i in range(4)])
        for f in frames:
            self.assertEqual(f[299], sum8(f[:299]))
        self.assertEqual(struct.unpack("<I", frames[0][114:118])[0], 16)  # settings: cell count

    def test_jk02_read_only_endpoint_refuses_a_switch_write_without_ack(self):
        read_only = [l for l in self.dev.lines[1:] if l.split()[0] == "jk02" and "read-only" in l][0]
        port = int(read_only.split("tcp server ")[1].split()[0].rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(ble_command(0x1E, 0))  # discharge switch off
            s.settimeout(0.5)
            with self.assertRaises(socket.timeout):
                s.recv(20)
        st = self.dev.wait_status(self.dev.status()["sim"]["time_s"])
        self.assertEqual(st["settings"]["discharge_enabled"], 1)
        self.assertGreaterEqual(sum(e["frames_rejected"] for e in st["endpoints"] if e["protocol"] == "jk02"), 1)

    def test_jk02_balance_switch_write_is_acknowledged_and_applied(self):
        port = self.dev.tcp_port("jk02")
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(ble_command(0x1F, 0))  # balancer off
            ack = self.recv_exactly(s, 20)
            s.sendall(ble_command(0x1F, 1))
            ack2 = self.recv_exactly(s, 20)
        self.assertEqual(ack[:4], b"\xaa\x55\x90\xeb")
        self.assertEqual(ack[4], 0xC8)
        self.assertEqual(ack2, ack)
        st = self.dev.wait_status(self.dev.status()["sim"]["time_s"])
        self.assertEqual(st["settings"]["balance_enabled"], 1)

    def recv_exactly(self, s, n, timeout=2.0):
        s.settimeout(timeout)
        out = b""
        while len(out) < n:
            chunk = s.recv(n - len(out))
            if not chunk:
                break
            out += chunk
        return out

    def recv_frames(self, s, count, timeout=2.0):
        frames = []
        end = time.monotonic() + timeout
        while len(frames) < count and time.monotonic() < end:
            frames.append(self.recv_exactly(s, 300, max(0.1, end - time.monotonic())))
        self.assertEqual(len(frames), count)
        return frames


class StateAcrossRestarts(unittest.TestCase):
    def test_a_setting_written_over_rs485_and_the_counters_survive_a_restart(self):
        pb = link("restart")
        dev = Device(["jk-pb:pty:%s,policy=settings" % pb], ["--speed", "20", "--charge-a", "10"])
        try:
            # FC16: cell_ovp (settings offset 18 -> register 0x100C), u32 big-endian, 3550 mV.
            write = with_crc(bytes([1, 0x10, 0x10, 0x0C, 0, 2, 4]) + struct.pack(">I", 3550))
            with serial.Serial(pb, 115200, timeout=0.2) as port:
                port.write(write)
                self.assertEqual(read_exactly(port, 8), with_crc(bytes([1, 0x10, 0x10, 0x0C, 0, 2])))
            first = dev.wait_status(dev.wait_status()["sim"]["time_s"] + 5)
            self.assertEqual(first["settings"]["cell_ovp"], 3550)
            rc, out, _ = dev.stop()
            self.assertEqual(rc, 0)
            self.assertIn("state saved in " + dev.state_dir, out)
            self.assertFalse(os.path.lexists(pb))
            again = Device(["jk-pb:pty:%s" % pb], ["--speed", "20"], state_dir=dev.state_dir)
            try:
                second = again.status()
                self.assertEqual(second["settings"]["cell_ovp"], 3550)
                self.assertEqual(second["power_on_count"], first["power_on_count"] + 1)
                self.assertGreaterEqual(second["charged_energy_wh"], first["charged_energy_wh"])
                self.assertGreater(second["events_logged"], first["events_logged"])
                # The second run is read-only: the same write now gets exception 01.
                with serial.Serial(pb, 115200, timeout=0.2) as port:
                    port.write(with_crc(bytes([1, 0x10, 0x10, 0x0C, 0, 2, 4]) + struct.pack(">I", 3500)))
                    self.assertEqual(read_exactly(port, 5), with_crc(bytes([1, 0x90, 0x01])))
            finally:
                again.close()
        finally:
            dev.close()

    def test_a_second_run_on_the_same_state_dir_is_refused_with_a_clear_message(self):
        dev = Device([], ["--speed", "1"])
        try:
            p = subprocess.run([BIN, "run", "--state-dir", dev.state_dir, "--quiet"], capture_output=True, text=True,
                               timeout=10)
            self.assertEqual(p.returncode, 1)
            self.assertIn("is in use by another softbms run (pid %d)" % dev.proc.pid, p.stderr)
        finally:
            dev.close()


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")])
