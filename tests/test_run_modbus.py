"""softbms run as a JK-PB on RS485, read and written by independent Modbus masters: pymodbus
(Debian python3-pymodbus) and mbpoll, both over the pseudo-terminal the device creates. What they
read is compared with the device's status JSON; a switch write turns the simulated charge FET off
and the pack current follows.

Run: /usr/bin/python3 tests/test_run_modbus.py build/h-run/app/softbms
"""
import os
import shutil
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from pymodbus.client import ModbusSerialClient
except ImportError:  # a python3 that does not see Debian's packages
    sys.path.append("/usr/lib/python3/dist-packages")
    from pymodbus.client import ModbusSerialClient

from test_run_serial import Device, cells_between, link  # noqa: E402  (the shared device fixture)

CELLS = 0x1200
PACK_VOLTAGE = 0x1290
CURRENT = 0x1298
CHARGE_SWITCH = 0x1070
CELL_OVP = 0x100C


def u32(regs):
    return (regs[0] << 16) | regs[1]


def s32(regs):
    v = u32(regs)
    return v - (1 << 32) if v & 0x80000000 else v


class ModbusPeers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rw, cls.ro = link("mb-rw"), link("mb-ro")
        cls.dev = Device(["jk-pb:pty:%s,policy=settings" % cls.rw, "jk-pb:pty:" + cls.ro],
                         ["--speed", "5", "--charge-a", "20", "--address", "1"])
        cls.client = ModbusSerialClient(port=cls.rw, method="rtu", baudrate=115200, timeout=1)
        cls.ro_client = ModbusSerialClient(port=cls.ro, method="rtu", baudrate=115200, timeout=1)
        assert cls.client.connect() and cls.ro_client.connect()

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.ro_client.close()
        cls.dev.close()

    def read(self, address, count, client=None):
        r = (client or self.client).read_holding_registers(address, count, slave=1)
        self.assertFalse(r.isError(), str(r))
        return r.registers

    def wait_for(self, predicate, timeout=8.0):
        end = time.monotonic() + timeout
        st = self.dev.status()
        while time.monotonic() < end:
            st = self.dev.wait_status(st["sim"]["time_s"])
            if predicate(st):
                return st
        self.fail("condition not reached; last status: current %s A, charge_fet %s" % (st["current"], st["charge_fet"]))

    def test_pymodbus_reads_cell_voltages_and_pack_voltage_equal_to_the_status(self):
        before = self.dev.wait_status(self.dev.status()["sim"]["time_s"])
        cells = self.read(CELLS, 16)
        pack_mv = u32(self.read(PACK_VOLTAGE, 2))
        after = self.dev.wait_status(before["sim"]["time_s"])
        cells_between(self, cells, before, after)
        lo = min(before["voltage"], after["voltage"]) * 1000 - 20
        hi = max(before["voltage"], after["voltage"]) * 1000 + 20
        self.assertTrue(lo <= pack_mv <= hi, "%d mV not in [%d, %d]" % (pack_mv, lo, hi))

    def test_mbpoll_reads_the_same_cell_voltages(self):
        mbpoll = shutil.which("mbpoll")
        if mbpoll is None:
            self.skipTest("mbpoll is not installed (scripts/install-deps installs it)")
        before = self.dev.wait_status(self.dev.status()["sim"]["time_s"])
        out = subprocess.run([mbpoll, "-m", "rtu", "-a", "1", "-b", "115200", "-P", "none", "-0", "-r", str(CELLS),
                              "-c", "16", "-1", "-o", "1", self.ro], capture_output=True, text=True, timeout=10)
        after = self.dev.wait_status(before["sim"]["time_s"])
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        values = {}
        for line in out.stdout.splitlines():
            if line.startswith("["):
                ref, value = line.split(":")
                values[int(ref.strip("[]"))] = int(value)
        self.assertEqual(sorted(values), list(range(CELLS, CELLS + 16)))
        cells_between(self, [values[CELLS + i] for i in range(16)], before, after)

    def test_charge_switch_write_turns_the_charge_fet_off_and_the_pack_current_follows(self):
        st = self.wait_for(lambda s: s["charge_fet"] and s["current"] > 15.0)
        self.assertGreater(s32(self.read(CURRENT, 2)), 15000)
        try:
            w = self.client.write_registers(CHARGE_SWITCH, [0, 0], slave=1)
            self.assertFalse(w.isError(), str(w))
            st = self.wait_for(lambda s: not s["charge_fet"] and abs(s["current"]) < 1.0)
            self.assertEqual(st["settings"]["charge_enabled"], 0)
            self.assertEqual(u32(self.read(CHARGE_SWITCH, 2)), 0)
            self.assertLess(abs(s32(self.read(CURRENT, 2))), 1000)
        finally:
            w = self.client.write_registers(CHARGE_SWITCH, [0, 1], slave=1)
            self.assertFalse(w.isError(), str(w))
        self.wait_for(lambda s: s["charge_fet"] and s["current"] > 15.0)

    def test_read_only_endpoint_refuses_the_switch_write_with_exception_01_and_nothing_changes(self):
        before = self.dev.status()
        w = self.ro_client.write_registers(CHARGE_SWITCH, [0, 0], slave=1)
        self.assertTrue(w.isError())
        self.assertEqual(w.exception_code, 0x01)
        after = self.dev.wait_status(before["sim"]["time_s"])
        self.assertEqual(after["settings"]["charge_enabled"], 1)
        ro_before = [e for e in before["endpoints"] if e["policy"] == "read-only"][0]
        ro_after = [e for e in after["endpoints"] if e["policy"] == "read-only"][0]
        self.assertEqual(ro_after["frames_rejected"], ro_before["frames_rejected"] + 1)

    def test_out_of_range_write_gets_exception_03_and_unknown_register_exception_02(self):
        before = self.dev.status()
        w = self.client.write_registers(CELL_OVP, [0, 9999], slave=1)  # 9.999 V per cell
        self.assertTrue(w.isError())
        self.assertEqual(w.exception_code, 0x03)
        r = self.client.read_holding_registers(0x9000, 2, slave=1)
        self.assertTrue(r.isError())
        self.assertEqual(r.exception_code, 0x02)
        after = self.dev.wait_status(before["sim"]["time_s"])
        self.assertEqual(after["settings"]["cell_ovp"], before["settings"]["cell_ovp"])
        self.assertEqual(u32(self.read(CELL_OVP, 2)), before["settings"]["cell_ovp"])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")])
