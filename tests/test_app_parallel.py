"""The dashboard of `softbms run --packs 3`: one view per pack (the master at address 0 and the two
virtual slaves the master polls), and the bank as the inverters are told about it. Slave 2 is
taken off the line from 14 s on (--pack-offline 2@14): its view reads as down, /metrics says
jkbms_up 0 for it, and the bank drops it. Truth is the status file's `bank` (docs/parallel.md).
argv[1]: the softbms binary (CTest passes it)."""
import json
import os
import re
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from app_support import Session, Softbms, free_port, get_json, wait_until  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"
SAMPLE = re.compile(r'^([a-z_]+)\{([^}]*)\} (\S+)$')
OFFLINE_FROM_S = 14


def samples(text):
    out = {}
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m:
            out[(m.group(1), m.group(2))] = float(m.group(3))
    return out


def metrics(base):
    with urllib.request.urlopen(base + "metrics", timeout=10) as r:
        return samples(r.read().decode())


class ParallelDashboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        port = free_port()
        cls.app = Softbms(BINARY, ["run", "--packs", "3", "--http", "127.0.0.1:%d" % port,
                                   "--state-dir", "{tmp}/state", "--status-file", "{tmp}/status.json",
                                   "--history", "off", "--load-a", "10", "--quiet",
                                   "--pack-offline", "2@%d" % OFFLINE_FROM_S])
        cls.base = cls.app.url
        cls.status_file = os.path.join(cls.app.tmp, "status.json")
        # Everything with the whole bank online is read before the slave drops out.
        cls.online_status = wait_until(lambda: cls.bank_online(3), timeout=30, what="3 packs online")
        cls.packs = get_json(cls.base + "api/packs")
        cls.snapshots = {p["id"]: get_json(cls.base + "api/packs/%s/snapshot" % p["id"])
                         for p in cls.packs["packs"]}
        cls.pairs = [(get_json(cls.base + "api/aggregate"), cls.status()) for _ in range(3)]
        cls.metrics_online = metrics(cls.base)
        cls.session = Session(cls.base)
        cls.slave_switch = cls.session.send("POST", "/api/packs/1/switch", {"name": "charge", "on": False})
        cls.offline_status = wait_until(lambda: cls.bank_online(2), timeout=40, what="slave 2 offline")
        cls.offline_aggregate = wait_until(
            lambda: (lambda a: a if a["missing"] == ["2"] else None)(get_json(cls.base + "api/aggregate")),
            timeout=10, what="the aggregate without pack 2")
        cls.metrics_offline = metrics(cls.base)

    @classmethod
    def tearDownClass(cls):
        cls.app.stop()

    @classmethod
    def status(cls):
        with open(cls.status_file) as f:
            return json.load(f)

    @classmethod
    def bank_online(cls, n):
        try:
            s = cls.status()
        except (OSError, ValueError):
            return None
        # Online and with a status frame in: a slave's first answer can come before its values.
        full = [p for p in s["bank"]["packs"] if p["state"] == "online" and p["full_capacity_ah"] > 0]
        return s if s["bank"]["online"] == n and len(full) == n else None

    def bank_pack(self, status, address):
        return next(p for p in status["bank"]["packs"] if p["address"] == address)

    def test_the_pack_list_has_the_master_and_every_slave_by_dip_address(self):
        self.assertTrue(self.packs["parallel"])
        self.assertEqual([p["id"] for p in self.packs["packs"]], ["0", "1", "2"])
        self.assertEqual([p["cell_count"] for p in self.packs["packs"]], [16, 16, 16])

    def test_each_pack_view_shows_that_packs_own_values(self):
        for address in (0, 1, 2):
            snap = self.snapshots[str(address)]
            truth = self.bank_pack(self.online_status, address)
            self.assertEqual(len(snap["cells"]), 16)
            self.assertEqual(snap["full_capacity_ah"], truth["full_capacity_ah"], "pack %d" % address)
            self.assertLessEqual(abs(snap["soc"] - truth["soc"]), 1, "pack %d" % address)
            self.assertAlmostEqual(snap["voltage"], truth["voltage"], delta=0.05)
            self.assertAlmostEqual(snap["current"], -10.0, delta=1.0, msg="--load-a 10 per pack")
        capacities = {self.snapshots[i]["full_capacity_ah"] for i in ("0", "1", "2")}
        socs = {self.snapshots[i]["soc"] for i in ("0", "1", "2")}
        self.assertGreater(len(capacities | socs), 3, "the packs do not all show the same values")

    def test_the_aggregate_is_the_battery_the_bank_reports(self):
        for aggregate, status in self.pairs:
            bank = status["bank"]
            battery = aggregate["battery"]
            truth = bank["battery"]
            self.assertEqual(aggregate["online"], bank["online"])
            self.assertEqual(aggregate["missing"], [str(a) for a in bank["missing"]])
            self.assertEqual(battery["full_capacity_ah"], truth["full_capacity_ah"])
            self.assertEqual(battery["alarms"], truth["alarms"])
            # The status file is written once a second, the aggregate follows every poll.
            self.assertLessEqual(abs(battery["soc"] - truth["soc"]), 1)
            self.assertAlmostEqual(battery["voltage"], truth["voltage"], delta=0.05)
            self.assertAlmostEqual(battery["current"], truth["current"], delta=1.0)
            self.assertAlmostEqual(battery["cell_min"], truth["cell_min"], delta=0.005)
            self.assertAlmostEqual(battery["cell_max"], truth["cell_max"], delta=0.005)
            self.assertAlmostEqual(battery["charge_voltage_limit"], truth["charge_voltage_limit"], delta=0.05)
            # The dashboard's bank card reads the top-level keys: the same battery.
            self.assertEqual(aggregate["soc"], battery["soc"])
            self.assertEqual(aggregate["full_capacity_ah"], battery["full_capacity_ah"])
            self.assertEqual(aggregate["cell_min"]["voltage"], battery["cell_min"])
            self.assertEqual(aggregate["cell_min"]["pack"], str(bank["min_cell_pack"]))

    def test_metrics_have_one_series_per_pack_label(self):
        for pack in ("0", "1", "2"):
            self.assertEqual(self.metrics_online[("jkbms_up", 'pack="%s"' % pack)], 1)
            soc = self.metrics_online[("jkbms_state_of_charge_ratio", 'pack="%s"' % pack)]
            self.assertAlmostEqual(soc * 100, self.snapshots[pack]["soc"], delta=2)
        self.assertEqual(len([k for k in self.metrics_online if k[0] == "jkbms_pack_voltage_volts"]), 3)

    def test_a_slave_view_is_read_only(self):
        status, body = self.slave_switch
        self.assertEqual(status, 403, body)
        self.assertTrue(self.bank_pack(self.status(), 1)["state"] == "online")

    def test_a_pack_taken_offline_shows_as_down_and_leaves_the_bank(self):
        self.assertEqual(self.bank_pack(self.offline_status, 2)["state"], "offline")
        self.assertEqual(self.metrics_offline[("jkbms_up", 'pack="2"')], 0)
        self.assertNotIn(("jkbms_pack_voltage_volts", 'pack="2"'), self.metrics_offline)
        self.assertEqual(self.metrics_offline[("jkbms_up", 'pack="1"')], 1)
        a = self.offline_aggregate
        self.assertEqual(a["online"], 2)
        self.assertIn({"pack": "2", "alarm": "internal_comm"}, a["alarms"])
        self.assertIn("internal_comm", a["battery"]["alarms"])
        truth = self.offline_status["bank"]["battery"]
        self.assertEqual(a["battery"]["full_capacity_ah"], truth["full_capacity_ah"])
        online_capacity = sum(p["full_capacity_ah"] for p in self.offline_status["bank"]["packs"]
                              if p["state"] == "online")
        self.assertAlmostEqual(a["full_capacity_ah"], online_capacity, places=3)


if __name__ == "__main__":
    unittest.main()
