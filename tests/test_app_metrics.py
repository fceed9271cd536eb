"""/metrics of `softbms run`, scraped over HTTP from the dashboard's port and checked by promtool
(Debian prometheus). The values must be the ones the JSON API shows for the same pack, and a
20 A charger must show as about +20 A. argv[1]: the softbms binary (CTest passes it)."""
import os
import re
import shutil
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from app_support import Softbms, get_json, wait_until  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"
SAMPLE = re.compile(r'^([a-z_]+)\{([^}]*)\} (\S+)$')


def samples(text):
    out = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample line: " + line
        out[(m.group(1), m.group(2))] = float(m.group(3))
    return out


class AppMetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.app = Softbms(BINARY, ["run", "--state-dir", "{tmp}/state", "--charge-a", "20",
                                   "--speed", "10", "--http", "127.0.0.1:0", "--history", "off"])
        base = cls.app.url
        # The charger ramps up within a few simulated seconds.
        wait_until(lambda: get_json(base + "api/packs/1/snapshot")["current"] > 15, what="20 A")
        with urllib.request.urlopen(base + "metrics", timeout=10) as r:
            cls.content_type = r.headers["Content-Type"]
            cls.text = r.read().decode()
        cls.snapshot = get_json(base + "api/packs/1/snapshot")

    @classmethod
    def tearDownClass(cls):
        cls.app.stop()

    def test_promtool_accepts_the_scrape(self):
        promtool = shutil.which("promtool")
        self.assertIsNotNone(promtool, "promtool is missing: run scripts/install-deps (package prometheus)")
        check = subprocess.run([promtool, "check", "metrics"], input=self.text, capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertEqual(check.stdout + check.stderr, "")

    def test_content_type_is_text_format_0_0_4(self):
        self.assertEqual(self.content_type, "text/plain; version=0.0.4; charset=utf-8")

    def test_values_are_the_virtual_packs_with_one_label_per_cell(self):
        s = samples(self.text)
        self.assertEqual(s[("jkbms_up", 'pack="1"')], 1)
        self.assertAlmostEqual(s[("jkbms_current_amperes", 'pack="1"')], 20.0, delta=1.0)
        cells = [k for k in s if k[0] == "jkbms_cell_voltage_volts"]
        self.assertEqual(len(cells), 16)
        # The scrape and the snapshot are a moment apart: a charging cell moves by a few mV.
        self.assertAlmostEqual(s[("jkbms_cell_voltage_volts", 'pack="1",cell="16"')],
                               self.snapshot["cells"][15]["voltage"], delta=0.01)
        self.assertAlmostEqual(s[("jkbms_pack_voltage_volts", 'pack="1"')], self.snapshot["voltage"], delta=0.1)
        self.assertEqual(s[("jkbms_mosfet_enabled", 'pack="1",mosfet="charge"')], 1)
        self.assertEqual(s[("jkbms_capacity_design_coulombs", 'pack="1"')], 280 * 3600)

    def test_counters_end_in_total_and_are_typed_counter(self):
        types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", self.text, re.M))
        for name, kind in types.items():
            self.assertEqual(kind == "counter", name.endswith("_total"), name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
