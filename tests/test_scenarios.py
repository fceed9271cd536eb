"""softbms sim: every shipped scenario passes its own expectations, a few figures checked from
outside through --json, same seed gives the same bytes, and a bad file names line and field."""
import glob
import json
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time
import unittest

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"
HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = sorted(glob.glob(os.path.join(HERE, "..", "scenarios", "*.yaml")))
_cache = {}


def sim(path, *args):
    return subprocess.run([BIN, "sim", path, *args], capture_output=True, text=True)


def summary(name):
    """The --json summary of one shipped scenario (run once per test process)."""
    if name not in _cache:
        r = sim(os.path.join(HERE, "..", "scenarios", name + ".yaml"), "--json")
        _cache[name] = (r.returncode, json.loads(r.stdout), r.stderr)
    return _cache[name]


def read(path):
    with open(path) as f:
        return f.read()


def events(s, name, state):
    return [e["t"] for e in s["events"] if e["name"] == name and e["state"] == state]


class ShippedScenarios(unittest.TestCase):
    # Each shipped scenario's own expectations are a ctest of their own (scenario_NAME, through
    # tests/scenario_check.py); these check a few figures from outside.
    def test_the_shipped_scenarios_are_there(self):
        self.assertGreaterEqual(len(SCENARIOS), 12)

    def test_manual_charge_ocp_trips_10_s_after_the_overcurrent_and_releases_50_s_later(self):
        _, s, _ = summary("charge_ocp_manual")
        trip, release = events(s, "charge_ocp", "trip"), events(s, "charge_ocp", "release")
        self.assertAlmostEqual(trip[0] - 5.0, 10.0, delta=0.3)   # the 12 A start at 5 s
        self.assertAlmostEqual(release[0] - trip[0], 50.0, delta=0.3)

    def test_manual_discharge_ocp_stops_the_105_a_load(self):
        _, s, _ = summary("discharge_ocp_manual")
        trip, release = events(s, "discharge_ocp", "trip"), events(s, "discharge_ocp", "release")
        self.assertAlmostEqual(trip[0], 15.0, delta=0.3)
        self.assertAlmostEqual(release[0] - trip[0], 50.0, delta=0.3)
        # Only JK's reminder (bit 19): the simulated board runs on its factory passwords.
        self.assertEqual(s["final"]["alarms"], ["modify_password"])

    def test_short_circuit_opens_within_one_tick_and_releases_after_scp_release(self):
        _, s, _ = summary("short_circuit")
        trip, release = events(s, "discharge_scp", "trip"), events(s, "discharge_scp", "release")
        self.assertEqual(len(trip), 1)
        self.assertLessEqual(trip[0] - 10.0, 0.1 + 1e-9)
        self.assertAlmostEqual(release[0] - trip[0], 60.0, delta=0.3)

    def test_a_2_a_balancer_beats_0_4_a_and_off_on_the_same_pack(self):
        spread = {t: summary("top_balance_" + t)[1]["cell_stats"]["spread"]["final_mv"] for t in ("2a", "0p4a", "off")}
        moved = {t: summary("top_balance_" + t)[1]["balancer"]["moved_ah"] for t in ("2a", "0p4a", "off")}
        self.assertLess(spread["2a"], spread["0p4a"])
        self.assertLess(spread["0p4a"], spread["off"])
        self.assertEqual(moved["off"], 0)
        # 2 A nominal moves 1.35 A, 0.4 A moves 0.27 A: a ratio of 5 while both run all the time.
        self.assertAlmostEqual(moved["2a"] / moved["0p4a"], 5.0, delta=0.3)

    def test_the_heater_warms_the_cold_pack_before_charging_starts(self):
        _, s, _ = summary("cold_charging_heater")
        release = events(s, "charge_utp", "release")[0]
        self.assertGreater(s["temperature"]["heater_on_s"], 0.9 * release)
        self.assertGreaterEqual(s["temperature"]["max_c"], 5.0)
        self.assertGreater(s["final"]["current"], 15.0)

    def test_a_full_cycle_learns_the_real_capacity(self):
        _, s, _ = summary("capacity_learning_cycle")
        self.assertTrue(events(s, "capacity_learned", "event"))
        self.assertAlmostEqual(s["final"]["full_capacity_ah"], s["final"]["true_capacity_ah"], delta=5.0)

    def test_smart_sleep_after_one_idle_hour(self):
        _, s, _ = summary("smart_sleep")
        self.assertAlmostEqual(events(s, "sleep", "event")[0], 3600.0, delta=5.0)
        self.assertEqual(s["final"]["power_state"], "on")

    def test_a_hybrid_with_grid_wake_up_wakes_the_sleeping_empty_pack(self):
        # No PV: only the inverter's 10 A wake-up on the dead port can wake the board.
        _, s, _ = summary("inverter_wakes_sleeping_pack")
        sleep, wake = events(s, "sleep", "event"), events(s, "wake", "event")
        self.assertTrue(sleep and wake)
        self.assertLessEqual(wake[0] - sleep[0], 10.0)   # within two 5 s ticks
        self.assertEqual(s["inverter"]["pv_wh"], 0.0)
        self.assertLessEqual(s["charge"]["max_charge_a"], 10.5)
        self.assertGreater(s["soc"]["final_true"], s["soc"]["min_true"] + 8.0)
        self.assertTrue(s["final"]["discharge_fet"])


class Determinism(unittest.TestCase):
    def test_same_seed_gives_byte_identical_summary(self):
        path = os.path.join(HERE, "..", "scenarios", "emergency_switch.yaml")
        a, b = sim(path, "--json", "--seed", "77"), sim(path, "--json", "--seed", "77")
        self.assertEqual(a.returncode, 0, a.stderr)
        self.assertEqual(a.stdout, b.stdout)
        c = sim(path, "--json", "--seed", "78")
        self.assertNotEqual(a.stdout, c.stdout)
        self.assertEqual(json.loads(a.stdout)["seed"], 77)


class Files(unittest.TestCase):
    def test_out_dir_holds_csv_with_units_events_summary_and_four_plots(self):
        with tempfile.TemporaryDirectory() as d:
            r = sim(os.path.join(HERE, "..", "scenarios", "charge_ocp_manual.yaml"), "--out", d)
            self.assertEqual(r.returncode, 0, r.stderr)
            for f in ("timeseries.csv", "events.csv", "summary.json", "pack.svg", "cells.svg",
                      "temperatures.svg", "states.svg"):
                self.assertTrue(os.path.getsize(os.path.join(d, f)) > 0, f)
            header = read(os.path.join(d, "timeseries.csv")).splitlines()[0].split(",")
            self.assertEqual(header[:3], ["t_s", "pack_v", "current_a"])
            self.assertIn("cell8_mv", header)
            self.assertIn("charge_ocp,trip", read(os.path.join(d, "events.csv")))
            svg = read(os.path.join(d, "cells.svg"))
            self.assertTrue(svg.startswith("<svg"))
            self.assertEqual(svg.count("<polyline"), 8 + 1)  # every cell and the spread


class Progress(unittest.TestCase):
    """A long run shows on a terminal how far it is and how long it still needs; --json and a
    pipe get no progress line."""

    DECADE = """name: decade
pack: {model: JK-PB2A16S20P, cells: 8, capacity_ah: 100, soc: 60}
period: 1s
steps:
  - {for: 3650d}
"""
    LINE = re.compile(r"simulated ([0-9.]+) of 3650\.0 days \(([0-9]+) %\), ([0-9]+) s left")

    def run_on_terminal(self, *args, until=None, seconds=60.0):
        """stderr on a pseudo-terminal; returns what it showed, up to a match of until or the
        time limit, and ends the run."""
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write(self.DECADE)
        master, slave = pty.openpty()
        p = subprocess.Popen([BIN, "sim", f.name, *args], stdout=subprocess.DEVNULL,
                             stderr=slave)
        os.close(slave)
        shown = b""
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        shown += os.read(master, 4096)
                    except OSError:
                        break
                if until and until.search(shown.decode(errors="replace")):
                    break
        finally:
            p.kill()
            p.wait()
            os.close(master)
            os.unlink(f.name)
        return shown.decode(errors="replace")

    def test_a_long_run_shows_days_done_and_seconds_left_on_a_terminal_but_not_with_json(self):
        # The line comes every 65 536 ticks once a second has passed: on a sanitizer build that
        # is tens of seconds, so one line is waited for, and --json is given as long again.
        start = time.monotonic()
        shown = self.run_on_terminal(until=self.LINE)
        took = time.monotonic() - start
        line = self.LINE.search(shown)
        self.assertIsNotNone(line, shown)
        days, pct, left = float(line.group(1)), int(line.group(2)), int(line.group(3))
        self.assertGreater(days, 0.0)
        self.assertLess(days, 3650.0)
        self.assertEqual(pct, round(100 * days / 3650.0))
        self.assertGreater(left, 0)  # ten years do not take no time
        shown = self.run_on_terminal("--json", seconds=1.2 * took + 1.0)
        self.assertNotIn("left", shown)

    def test_a_pipe_gets_no_progress(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write(self.DECADE.replace("3650d", "2d"))
        try:
            r = sim(f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("left", r.stderr)
        self.assertIn("simulated 172800.0 s", r.stdout)


class Errors(unittest.TestCase):
    def write(self, text):
        f = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_a_bad_value_names_the_line_and_the_field(self):
        path = self.write("name: x\nsteps:\n  - for: 10s\n    current_a: 12x\n")
        r = sim(path)
        self.assertEqual(r.returncode, 1)
        self.assertIn(":4: steps[1].current_a: '12x' is not a number", r.stderr)

    def test_an_unknown_setting_and_a_bad_condition_are_rejected(self):
        r = sim(self.write("name: x\nsettings:\n  cell_ovpp: 3650\nsteps:\n  - for: 1s\n"))
        self.assertIn(":3: settings.cell_ovpp: unknown setting", r.stderr)
        r = sim(self.write("name: x\nsteps:\n  - until: socc >= 100\n    max: 1h\n"))
        self.assertIn(":3: steps[1].until: unknown quantity 'socc'", r.stderr)
        r = sim(self.write("name: x\nsteps:\n  - until: soc >= 100\n"))
        self.assertIn("needs max:", r.stderr)

    def test_a_failed_expectation_exits_3_and_says_which(self):
        path = self.write("name: x\npack: {cells: 16, soc: 50}\nsteps:\n  - for: 2s\n"
                          "expect:\n  events:\n    - {name: cell_ovp, state: trip}\n  values:\n"
                          "    max_cell_mv: [4000, 5000]\n")
        r = sim(path)
        self.assertEqual(r.returncode, 3)
        self.assertIn("line 7: event cell_ovp trip: never seen", r.stderr)
        self.assertIn("line 9: max_cell_mv =", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
