"""Four virtual packs behind the in-process RS485 bus, a JK-PB master polling them with the
trigger exchange, and the aggregate it reports. One slave stops answering: it drops out of the
sums, the bank raises internal_comm, the inverter is told about three modules and less current;
it answers again and rejoins. The aggregate is checked against the master's own per-pack view.
"""
import sys
import time
import unittest

from inverter_demo import Demo, demo_path

DEMO = demo_path(sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms")


def wait_for(demo, pred, timeout=8.0):
    end = time.monotonic() + timeout
    status = demo.status()
    while not pred(status) and time.monotonic() < end:
        time.sleep(0.1)
        status = demo.status()
    return status


def weighted_soc(packs):
    online = [p for p in packs if p["state"] == "online"]
    cap = sum(round(p["full_capacity_ah"] * 1000) for p in online)
    permille = (sum(p["soc"] * 10 * round(p["full_capacity_ah"] * 1000) for p in online) + cap // 2) // cap
    return (permille + 5) // 10


class FourPacks(unittest.TestCase):
    def setUp(self):
        self.demo = Demo(DEMO, "--packs", "4", "--cycle-ms", "250")
        self.demo.send("pause")

    def tearDown(self):
        self.demo.stop()

    def check_aggregate(self, status, online):
        bank, battery = status["bank"], status["battery"]
        packs = [p for p in bank["packs"] if p["state"] == "online"]
        self.assertEqual(len(packs), online)
        self.assertEqual(bank["online"], online)
        self.assertEqual(status["module_count"], online)
        self.assertEqual(battery["soc"], weighted_soc(bank["packs"]))
        self.assertAlmostEqual(battery["full_capacity_ah"], sum(p["full_capacity_ah"] for p in packs), places=3)
        self.assertAlmostEqual(battery["cell_min"], min(p["cell_min"] for p in packs), places=3)
        self.assertAlmostEqual(battery["cell_max"], max(p["cell_max"] for p in packs), places=3)
        self.assertAlmostEqual(bank["target_discharge_current"], sum(p["discharge_allowance"] for p in packs), places=3)
        self.assertAlmostEqual(bank["target_charge_current"], sum(p["charge_allowance"] for p in packs), places=3)

    def test_a_slave_that_stops_answering_is_dropped_with_an_alarm_and_rejoins(self):
        status = wait_for(self.demo, lambda s: s["bank"]["online"] == 4)
        self.check_aggregate(status, 4)
        self.assertEqual(status["bank"]["missing"], [])
        self.assertNotIn("internal_comm", status["battery"]["alarms"])
        capacities = sorted(p["full_capacity_ah"] for p in status["bank"]["packs"])
        self.assertEqual(capacities, [230.0, 280.0, 280.0, 314.0], "each pack keeps its own capacity")
        four = status["bank"]["target_discharge_current"]

        self.demo.send("drop 3")
        status = wait_for(self.demo, lambda s: s["bank"]["online"] == 3)
        self.check_aggregate(status, 3)
        self.assertEqual(status["bank"]["missing"], [3])
        self.assertEqual([p["state"] for p in status["bank"]["packs"]], ["online", "online", "offline", "online"])
        self.assertIn("internal_comm", status["battery"]["alarms"])
        self.assertLess(status["bank"]["target_discharge_current"], four)
        self.assertAlmostEqual(status["battery"]["full_capacity_ah"], 280 + 230 + 280, places=3)

        self.demo.send("restore 3")
        status = wait_for(self.demo, lambda s: s["bank"]["online"] == 4)
        self.check_aggregate(status, 4)
        self.assertEqual(status["bank"]["missing"], [])
        self.assertNotIn("internal_comm", status["battery"]["alarms"])
        self.assertAlmostEqual(status["bank"]["target_discharge_current"], four, places=3)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
