"""Bluetooth LE both ways, without a radio: a private dbus-daemon carries BlueZ's D-Bus API, served
by tests/fake_bluez.py (adapter, devices, GATT objects, 20-byte notifications), whose devices
bridge to `softbms run` jk02 TCP endpoints or replay captured JK04 frames.

Central: `softbms scan` lists the boards; `status`, `cells`, `settings set` and `monitor` reach a
board with -p ble:ADDRESS and read what the run holds; the layout (JK02_32S, JK02_24S, JK04) is
detected from the frames; the link comes back after the board drops it.
Peripheral: `softbms run --endpoint jk02:ble` registers a GATT application and an advertisement,
and a central (the fake) reads its frames. See docs/bluetooth.md.

Run: /usr/bin/python3 tests/test_ble.py build/test/app/softbms
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-dbus
from app_support import Softbms, get_json, wait_until  # noqa: E402
from test_run_serial import BIN, Device, cells_between  # noqa: E402

import dbus  # noqa: E402
import dbus.bus  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = "org.softbms.FakeBluez1"
BOARD_32S = "C8:47:80:00:00:32"
BOARD_24S = "C8:47:80:00:00:24"
BOARD_JK04 = "C8:47:80:00:00:04"
# A radio nearby whose advertised name carries terminal escapes (a window title, BEL).
BOARD_HOSTILE = "C8:47:80:00:00:05"
HOSTILE_NAME = "JK-\x1b]0;owned\x07X"


def command(register, value=0, length=0):
    """A 20-byte JK BLE command (AA 55 90 EB, register, length, u32 value, sum8)."""
    body = bytes([0xAA, 0x55, 0x90, 0xEB, register, length]) + struct.pack("<I", value) + bytes(9)
    return body + bytes([sum(body) & 0xFF])


def softbms(*args, timeout=60):
    r = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise AssertionError("softbms %s exited %d: %s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r


def stop(p):
    p.stdout.close()
    p.terminate()
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def private_bus(test_class):
    """A dbus-daemon of the test's own, with the session policy (anyone may own a name, so the
    fake takes org.bluez), made the system bus of every process started afterwards."""
    tmp = tempfile.mkdtemp(prefix="softbms-ble-")
    test_class.addClassCleanup(shutil.rmtree, tmp, True)
    address = "unix:path=" + os.path.join(tmp, "bus")
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile", "--address=" + address,
                               "--print-address=1"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    test_class.addClassCleanup(stop, daemon)
    if not daemon.stdout.readline().startswith("unix:"):
        raise AssertionError("dbus-daemon did not start (Debian package dbus)")
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = address
    return tmp, address


def start_fake(test_class, address, *devices):
    """tests/fake_bluez.py on the private bus, and its control interface."""
    args = ["/usr/bin/python3", os.path.join(HERE, "fake_bluez.py")]
    for d in devices:
        args += ["--device", d]
    fake = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    test_class.addClassCleanup(stop, fake)
    if fake.stdout.readline().strip() != "fake bluez ready":
        raise AssertionError("the fake BlueZ did not start")
    conn = dbus.bus.BusConnection(address)
    test_class.addClassCleanup(conn.close)
    return dbus.Interface(conn.get_object("org.bluez", "/org/softbms/fake"), FAKE)


class Ble(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp, address = private_bus(cls)
        quiet = ["--http", "off", "--history", "off", "--speed", "1"]
        cls.run32 = Device(["jk02:tcp:127.0.0.1:0,policy=settings"], quiet + ["--charge-a", "20"])
        cls.addClassCleanup(cls.run32.close)
        cls.run24 = Device(["jk02:tcp:127.0.0.1:0"], quiet + ["--model", "JK-B2A8S20P", "--cells", "8",
                                                             "--sw-version", "10.07"])
        cls.addClassCleanup(cls.run24.close)
        cls.control = start_fake(
            cls, address,
            "%s,JK-PB2A16S20P,tcp:127.0.0.1:%d" % (BOARD_32S, cls.run32.tcp_port("jk02")),
            "%s,JK_B2A8S20P,tcp:127.0.0.1:%d" % (BOARD_24S, cls.run24.tcp_port("jk02")),
            "%s,JK-B2A16S,jk04" % BOARD_JK04,
            "%s,%s,jk04" % (BOARD_HOSTILE, HOSTILE_NAME))

    def test_scan_lists_the_boards_with_name_address_and_rssi(self):
        found = json.loads(softbms("scan", "--seconds", "1", "-o", "json").stdout)
        by_address = {d["address"]: d for d in found}
        self.assertEqual(set(by_address), {BOARD_32S, BOARD_24S, BOARD_JK04, BOARD_HOSTILE})
        self.assertEqual(by_address[BOARD_24S]["name"], "JK_B2A8S20P")
        self.assertEqual(by_address[BOARD_HOSTILE]["name"], HOSTILE_NAME)  # JSON escapes it itself
        self.assertEqual([d["rssi_dbm"] for d in found], [-60, -67, -74, -81])  # strongest first
        self.assertEqual(self.control.Adapter()["filter_transport"], "le")
        table = softbms("scan", "--seconds", "1").stdout
        self.assertIn("%s  -74   JK-B2A16S" % BOARD_JK04, table)
        # On the terminal the escapes are spelled out, never sent.
        self.assertIn("%s  -81   JK-\\x1b]0;owned\\x07X" % BOARD_HOSTILE, table)
        self.assertNotIn("\x1b", table)

    def test_cells_and_status_over_ble_equal_the_runs(self):
        before = self.run32.wait_status()
        cells = json.loads(softbms("cells", "-p", "ble:" + BOARD_32S, "-o", "json").stdout)
        status = json.loads(softbms("status", "-p", "ble:" + BOARD_32S, "-o", "json").stdout)
        after = self.run32.wait_status(after=self.run32.wait_status()["sim"]["time_s"])
        cells_between(self, [round(c["voltage"] * 1000) for c in cells["cells"]], before, after)
        self.assertEqual(status["cell_count"], 16)
        self.assertGreater(status["current"], 15)  # the run's 20 A charge, with its sign
        lo, hi = sorted((before["voltage"], after["voltage"]))
        self.assertTrue(lo - 0.05 <= status["voltage"] <= hi + 0.05, status["voltage"])

    def test_the_layout_is_detected_32s_24s_and_jk04(self):
        # 24S: an 8-cell board on firmware 10.07; a wrong layout would misplace every field.
        before = self.run24.wait_status()
        got = json.loads(softbms("cells", "-p", "ble:" + BOARD_24S, "-o", "json").stdout)
        after = self.run24.wait_status(after=self.run24.wait_status()["sim"]["time_s"])
        cells_between(self, [round(c["voltage"] * 1000) for c in got["cells"]], before, after)
        plan = softbms("settings", "set", "cell_ovp", "3600", "-p", "ble:" + BOARD_24S, "--dry-run").stdout
        self.assertIn("JK02_24S layout", plan)
        plan = softbms("settings", "set", "cell_ovp", "3600", "-p", "ble:" + BOARD_32S, "--dry-run").stdout
        self.assertIn("JK02_32S layout", plan)
        # JK04: cells as float32 volts in the captured frame the fake replays, decoded here apart.
        with open(os.path.join(HERE, "..", "protocols", "jk", "testdata", "jk-frames.txt")) as f:
            lines = f.read().splitlines()
        frame = bytes.fromhex(next(lines[i + 1] for i, l in enumerate(lines) if "(CELL_INFO_JK04_B5A24S)" in l))
        volts = [struct.unpack_from("<f", frame, 6 + 4 * i)[0] for i in range(24)]
        want = [round(v, 3) for v in volts if v > 0]
        got = json.loads(softbms("cells", "-p", "ble:" + BOARD_JK04, "-o", "json").stdout)
        self.assertEqual([round(c["voltage"], 3) for c in got["cells"]], want)
        status = softbms("status", "-p", "ble:" + BOARD_JK04).stdout
        self.assertIn("JK-B2A16S", status)

    def test_settings_set_over_ble_is_held_by_the_board(self):
        out = softbms("settings", "set", "cell_ovp", "3610", "-p", "ble:" + BOARD_32S, "--yes").stdout
        self.assertIn("cell_ovp = 3610 mV (read back from the board)", out)
        held = self.run32.wait_for(lambda s: s["settings"]["cell_ovp"] == 3610, timeout=5)
        self.assertEqual(held["settings"]["cell_ovp"], 3610)
        over_tcp = softbms("settings", "get", "cell_ovp", "-p", "tcp://127.0.0.1:%d" % self.run32.tcp_port("jk02"))
        self.assertIn("3610 mV", over_tcp.stdout)

    def test_switch_and_log_over_ble(self):
        softbms("switch", "charge", "off", "-p", "ble:" + BOARD_32S, "--yes")
        self.assertFalse(self.run32.wait_for(lambda s: not s["charge_fet"], timeout=5)["charge_fet"])
        softbms("switch", "charge", "on", "-p", "ble:" + BOARD_32S, "--yes")
        self.assertTrue(self.run32.wait_for(lambda s: s["charge_fet"], timeout=5)["charge_fet"])
        log = softbms("log", "-p", "ble:" + BOARD_32S).stdout
        self.assertIn("boot", log)

    def test_a_wrong_address_names_what_is_wrong(self):
        r = subprocess.run([BIN, "status", "-p", "ble:C8:47:80:00:00"], capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not six hex pairs", r.stderr)

    def test_the_monitor_reconnects_after_the_board_drops_the_link(self):
        mon = Softbms(BIN, ["monitor", "-p", "ble:" + BOARD_32S, "--interval", "1", "--http", "127.0.0.1:0",
                            "--history", "off", "--state-dir", "{tmp}/monitor"])
        try:
            snap = lambda: get_json(mon.url + "api/packs/1/snapshot")  # noqa: E731
            wait_until(lambda: len(snap()["cells"]) == 16, what="the monitor's first read")
            connects = int(self.control.Connects(BOARD_32S))
            # The board goes away and refuses the next two connections: backoff 1 s, 2 s, 4 s.
            self.control.Drop(BOARD_32S, dbus.UInt32(2))
            mon.wait_line(r"link lost", timeout=10)
            # One layer heals it: the BLE central's own reconnect ("link back"); the monitor's
            # board link keeps the transport open and reads through it again ("answering again").
            mon.wait_line(r"link back", timeout=30)
            mon.wait_line(r"answering again", timeout=15)
            # Two refused connections, then one link made: no second layer connecting too.
            self.assertEqual(int(self.control.Connects(BOARD_32S)), connects + 1)
            self.assertEqual(sum("connect failed" in l for l in mon.lines), 2, mon.lines)
            # Fresh readings flow again: the monitor matches the board once more.
            def matches():
                got, truth = snap(), self.run32.wait_status()
                return all(abs(a["voltage"] - b["voltage"]) <= 0.006 for a, b in zip(got["cells"], truth["cells"]))
            wait_until(matches, timeout=20, step=0.5, what="the monitor to read the board again")
        finally:
            mon.stop()


class Peripheral(unittest.TestCase):
    """softbms as the board: the fake BlueZ reads its GATT objects back and acts as the central."""

    @classmethod
    def setUpClass(cls):
        cls.tmp, address = private_bus(cls)
        cls.control = start_fake(cls, address)
        cls.board = Device(["jk02:ble"], ["--http", "off", "--history", "off", "--speed", "1",
                                        "--charge-a", "10"])
        cls.addClassCleanup(cls.board.close)

    def central_read(self, request, count):
        frames, largest = self.control.CentralRead(dbus.ByteArray(request), dbus.UInt32(count), 5.0, timeout=15)
        return [bytes(f) for f in frames], int(largest)

    def test_it_registers_an_application_and_advertises_as_a_jk_board(self):
        a = self.control.Adapter()
        self.assertEqual(int(a["applications"]), 1)
        adv = a["advertisements"][0]
        self.assertEqual(str(adv["Type"]), "peripheral")
        self.assertIn("0000ffe0-0000-1000-8000-00805f9b34fb", [str(u) for u in adv["ServiceUUIDs"]])
        self.assertTrue(str(adv["LocalName"]))
        self.assertIn("jk02    ble hci0", self.board.lines[1])

    def test_a_central_reads_device_info_settings_and_cells(self):
        frames, largest = self.central_read(command(0x97), 1)
        self.assertEqual(len(frames), 1)
        self.assertEqual(frames[0][4], 0x03)  # device info
        self.assertTrue(frames[0][6:19].startswith(b"JK_PB2A16S20P"), frames[0][6:22])
        self.assertEqual(largest, 20)  # the default MTU's payload, as every central can take
        before = self.board.wait_status()
        frames, _ = self.central_read(command(0x96), 2)
        after = self.board.wait_status(after=self.board.wait_status()["sim"]["time_s"])
        self.assertEqual([f[4] for f in frames], [0x01, 0x02])  # settings, then the cell stream
        settings, cells = frames
        self.assertEqual(struct.unpack_from("<I", settings, 6 + 4 * 3)[0], before["settings"]["cell_ovp"])
        cells_between(self, [struct.unpack_from("<H", cells, 6 + 2 * i)[0] for i in range(16)], before, after)

    def test_a_write_policy_on_ble_needs_the_users_word(self):
        r = subprocess.run([BIN, "run", "--state-dir", os.path.join(self.tmp, "w"), "--http", "off",
                            "--history", "off", "--endpoint", "jk02:ble,policy=settings"],
                           capture_output=True, text=True, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("anyone in Bluetooth range", r.stderr + r.stdout)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
