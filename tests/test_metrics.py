"""Prometheus text at /metrics, scraped over HTTP and checked by promtool (Debian prometheus).

Until the web server serves /metrics, softbms-metrics-demo (host/metrics/tools) serves the
host_metrics text of two synthetic packs on loopback. argv[1]: the softbms binary (as CTest
passes it) or the demo itself; SOFTBMS_METRICS_DEMO overrides where the demo is.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import unittest
import urllib.request

ARG = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"


def demo_path():
    if os.environ.get("SOFTBMS_METRICS_DEMO"):
        return os.environ["SOFTBMS_METRICS_DEMO"]
    if os.path.basename(ARG) == "softbms-metrics-demo":
        return ARG
    build = os.path.dirname(os.path.dirname(os.path.abspath(ARG)))
    return os.path.join(build, "host", "metrics", "softbms-metrics-demo")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


class MetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        port = free_port()
        proc = subprocess.Popen([demo_path(), "--serve", str(port), "--requests", "1"],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            cls.content_type = r.headers["Content-Type"]
            cls.text = r.read().decode()
        proc.wait(timeout=10)

    def test_promtool_accepts_the_scrape(self):
        promtool = shutil.which("promtool")
        self.assertIsNotNone(promtool, "promtool is missing: run scripts/install-deps (package prometheus)")
        check = subprocess.run([promtool, "check", "metrics"], input=self.text, capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertEqual(check.stdout + check.stderr, "")

    def test_content_type_is_text_format_0_0_4(self):
        self.assertEqual(self.content_type, "text/plain; version=0.0.4; charset=utf-8")

    def test_values_in_base_units_with_one_label_per_cell(self):
        s = samples(self.text)
        self.assertEqual(s[("jkbms_pack_voltage_volts", 'pack="pack1"')], 52.92)
        self.assertEqual(s[("jkbms_current_amperes", 'pack="garage \\"B\\""')], -3.0)
        cells = [k for k in s if k[0] == "jkbms_cell_voltage_volts" and k[1].startswith('pack="pack1"')]
        self.assertEqual(len(cells), 16)
        self.assertEqual(s[("jkbms_cell_voltage_volts", 'pack="pack1",cell="16"')], 3.315)
        self.assertEqual(s[("jkbms_temperature_celsius", 'pack="pack1",sensor="t1"')], -5.2)
        self.assertEqual(s[("jkbms_state_of_charge_ratio", 'pack="pack1"')], 0.805)
        self.assertEqual(s[("jkbms_capacity_remaining_coulombs", 'pack="pack1"')], 225.4 * 3600)
        self.assertEqual(s[("jkbms_alarm", 'pack="pack1",alarm="cell_ovp"')], 1)

    def test_counters_end_in_total_and_are_typed_counter(self):
        types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", self.text, re.M))
        for name, kind in types.items():
            self.assertEqual(kind == "counter", name.endswith("_total"), name)
        self.assertEqual(types["jkbms_charge_energy_joules_total"], "counter")


if __name__ == "__main__":
    unittest.main(verbosity=2)
