"""`softbms run --packs 4`: the device is the JK-PB master (address 0) and one of four packs; the
three others are virtual slaves behind the in-process RS485 line, polled with the trigger
exchange. Slave 3 is taken off the line from 8 s to 16 s (--pack-offline 3@8-16): it drops out of
the sums, the bank raises internal_comm, the inverter is told about three modules, one offline
(Victron 0x372, read with python-can) and less current; it answers again and rejoins. The
aggregate is checked against the per-pack list in the status JSON.

Run: /usr/bin/python3 tests/test_parallel_packs.py build/release/app/softbms
"""
import sys
import time
import unittest

from softbms_run import Run, link, softbms_binary

import can  # noqa: E402  (python3-can)

BIN = softbms_binary()


def weighted_soc(packs):
    online = [p for p in packs if p["state"] == "online"]
    cap = sum(round(p["full_capacity_ah"] * 1000) for p in online)
    permille = (sum(p["soc"] * 10 * round(p["full_capacity_ah"] * 1000) for p in online) + cap // 2) // cap
    return (permille + 5) // 10


def u16(d, o):
    return d[o] | d[o + 1] << 8


class FourPacks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.can_link = link("victron")
        cls.dev = Run(BIN, ["--packs", "4", "--pack-offline", "3@8-16", "--load-a", "10",
                            "--endpoint", "victron-can:slcan:pty:" + cls.can_link], 2)
        cls.bus = can.interface.Bus(interface="slcan", channel=cls.can_link, bitrate=500000,
                                    sleep_after_open=0)

    @classmethod
    def tearDownClass(cls):
        cls.bus.shutdown()
        cls.dev.close()

    def frame(self, frame_id, timeout=3.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            msg = self.bus.recv(timeout=0.1)
            if msg is not None and msg.arbitration_id == frame_id:
                return bytes(msg.data)
        self.fail("no frame 0x%X" % frame_id)

    def frame_372_until(self, wanted, timeout=3.0):
        """(online, offline) of 0x372 once it shows `wanted`, or the last one seen after timeout.
        Frames queued on the bus before the status changed are not the answer, so read on."""
        deadline = time.monotonic() + timeout
        d = self.frame(0x372)
        while (u16(d, 0), u16(d, 6)) != wanted and time.monotonic() < deadline:
            d = self.frame(0x372)
        return (u16(d, 0), u16(d, 6))

    def check_aggregate(self, status, online):
        bank = status["bank"]
        battery = bank["battery"]
        packs = [p for p in bank["packs"] if p["state"] == "online"]
        self.assertEqual(len(packs), online)
        self.assertEqual(bank["online"], online)
        self.assertEqual(battery["soc"], weighted_soc(bank["packs"]))
        self.assertAlmostEqual(battery["full_capacity_ah"], sum(p["full_capacity_ah"] for p in packs), places=3)
        self.assertAlmostEqual(battery["cell_min"], min(p["cell_min"] for p in packs), places=3)
        self.assertAlmostEqual(battery["cell_max"], max(p["cell_max"] for p in packs), places=3)
        self.assertAlmostEqual(bank["target_discharge_current"], sum(p["discharge_allowance"] for p in packs), places=3)
        self.assertAlmostEqual(bank["target_charge_current"], sum(p["charge_allowance"] for p in packs), places=3)

    def test_a_slave_that_stops_answering_is_dropped_with_an_alarm_and_rejoins(self):
        status = self.dev.wait_for(lambda s: s["bank"]["online"] == 4 and s["sim"]["time_s"] > 4)
        self.check_aggregate(status, 4)
        self.assertEqual(status["bank"]["missing"], [])
        self.assertNotIn("internal_comm", status["bank"]["battery"]["alarms"])
        self.assertEqual([p["role"] for p in status["bank"]["packs"]], ["master", "slave", "slave", "slave"])
        self.assertEqual([p["address"] for p in status["bank"]["packs"]], [0, 1, 2, 3])
        capacities = sorted(p["full_capacity_ah"] for p in status["bank"]["packs"])
        self.assertEqual(capacities, [230.0, 280.0, 280.0, 314.0], "each pack keeps its own capacity")
        self.assertEqual(len({p["cell_max"] for p in status["bank"]["packs"]} |
                             {p["soc"] for p in status["bank"]["packs"]}) > 1, True, "packs differ")
        four = status["bank"]["target_discharge_current"]
        self.assertGreater(four, 0)
        self.assertEqual(self.frame_372_until((4, 0)), (4, 0), "4 modules online, none offline")

        status = self.dev.wait_for(lambda s: s["bank"]["online"] == 3, 14.0)
        self.assertGreaterEqual(status["sim"]["time_s"], 8.0)
        self.check_aggregate(status, 3)
        self.assertEqual(status["bank"]["missing"], [3])
        self.assertEqual([p["state"] for p in status["bank"]["packs"]], ["online", "online", "online", "offline"])
        self.assertIn("internal_comm", status["bank"]["battery"]["alarms"])
        self.assertLess(status["bank"]["target_discharge_current"], four)
        self.assertAlmostEqual(status["bank"]["battery"]["full_capacity_ah"], 280 + 280 + 230, places=3)
        self.assertEqual(self.frame_372_until((3, 1)), (3, 1), "3 online, 1 offline on 0x372")

        status = self.dev.wait_for(lambda s: s["bank"]["online"] == 4, 14.0)
        self.assertGreaterEqual(status["sim"]["time_s"], 16.0)
        self.check_aggregate(status, 4)
        self.assertEqual(status["bank"]["missing"], [])
        self.assertNotIn("internal_comm", status["bank"]["battery"]["alarms"])
        self.assertEqual(status["bank"]["packs"][3]["drops"], 1)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
