"""softbms estimate: a drive logged by the simulator (softbms sim) is replayed offline from a start
30 % wrong; the model-based SOC finds the simulator's true SOC, the coulomb counter does not.
Irregular sampling and a gap are handled, and a bad file is refused with its line and column."""
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import unittest

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"

SCENARIO = """name: estimate_drive
pack:
  model: JK-PB2A16S20P
  chemistry: li-ion
  cells: 16
  capacity_ah: 50
  soc: 85
  seed: 7
record: 1s
steps:
  - label: parked
    for: 2min
    current_a: 0
  - label: drive
    for: 90min
    profile: {kind: dst, peak_w: 5000}
"""
CELLS = 16
SKIP_S = 15 * 60
_drive = {}


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300)


def drive():
    """The simulator's log of the drive: (rows as dicts) once per test process."""
    if "rows" not in _drive:
        tmp = tempfile.mkdtemp(prefix="softbms-estimate-")
        path = os.path.join(tmp, "drive.yaml")
        with open(path, "w") as f:
            f.write(SCENARIO)
        r = run("sim", path, "--out", tmp)
        assert r.returncode == 0, r.stderr
        with open(os.path.join(tmp, "timeseries.csv")) as f:
            _drive["rows"] = list(csv.DictReader(f))
        _drive["dir"] = tmp
    return _drive["rows"], _drive["dir"]


def write_log(path, rows, per_cell=True):
    """The input of softbms estimate from the simulator's log: what a BMS logger records."""
    with open(path, "w") as f:
        if per_cell:
            f.write("time_s,current_a," + ",".join(f"cell_{k}" for k in range(1, CELLS + 1)) + "\n")
            for r in rows:
                cells = ",".join(str(int(r[f"cell{k}_mv"]) / 1000) for k in range(1, CELLS + 1))
                f.write(f"{r['t_s']},{r['current_a']},{cells}\n")
        else:
            f.write("time_s,current_a,voltage_v,temp_c\n")
            for r in rows:
                f.write(f"{r['t_s']},{r['current_a']},{r['pack_v']},{r['t1_c']}\n")


def estimate(log, *extra):
    out = log + ".est.csv"
    r = run("estimate", "--input", log, "--chemistry", "li-ion", "--capacity-ah", "50",
            "--initial-soc", "55", "--out", out, "--json", *extra)
    assert r.returncode == 0, r.stderr
    with open(out) as f:
        est = list(csv.DictReader(f))
    return json.loads(r.stdout), est


def errors(rows, est, column):
    """SOC errors (percent points) after the first 15 minutes."""
    truth = {float(r["t_s"]): float(r["true_soc_pct"]) for r in rows}
    return [float(e[column]) - truth[float(e["time_s"])] for e in est if float(e["time_s"]) >= SKIP_S]


def rmse(errs):
    return math.sqrt(sum(e * e for e in errs) / len(errs))


class Estimate(unittest.TestCase):
    def test_model_finds_the_true_soc_from_a_start_30_percent_wrong(self):
        rows, tmp = drive()
        log = os.path.join(tmp, "cells.csv")
        write_log(log, rows)
        summary, est = estimate(log)
        self.assertEqual(len(est), len(rows), "one output row per input row")
        self.assertEqual(list(est[0].keys()), ["time_s", "soc", "soc_coulomb"])
        model = errors(rows, est, "soc")
        coulomb = errors(rows, est, "soc_coulomb")
        print(f"model RMSE {rmse(model):.2f} % max {max(map(abs, model)):.2f} %; "
              f"coulomb RMSE {rmse(coulomb):.2f} %", file=sys.stderr)
        self.assertLess(rmse(model), 1.5)
        self.assertLess(max(map(abs, model)), 3.0)
        self.assertGreater(rmse(coulomb), 20.0, "a coulomb counter keeps its wrong start")
        true_final = float(rows[-1]["true_soc_pct"])
        self.assertAlmostEqual(summary["final_soc"], true_final, delta=2.0)
        self.assertEqual(summary["rows"], len(rows))
        # Learned values a user reads: a plausible per-cell resistance and capacity.
        self.assertGreater(summary["resistance_ohm"], 0.0)
        self.assertLess(summary["resistance_ohm"], 0.01)
        self.assertAlmostEqual(summary["capacity_ah"], 50.0, delta=5.0)

    def test_pack_voltage_with_irregular_sampling_and_a_gap(self):
        rows, tmp = drive()
        rng = random.Random(3)
        kept, t_next = [], 0.0
        for r in rows:
            t = float(r["t_s"])
            if 2400 <= t < 2700:
                continue  # the logger was down for five minutes
            if t >= t_next:
                kept.append(r)
                t_next = t + rng.choice([0.1, 1, 2, 5, 10])
        log = os.path.join(tmp, "pack.csv")
        write_log(log, kept, per_cell=False)
        summary, est = estimate(log, "--cells", str(CELLS))
        self.assertEqual(len(est), len(kept))
        self.assertGreaterEqual(summary["gaps"], 1)
        model = errors(kept, est, "soc")
        self.assertLess(rmse(model), 2.0)

    def test_method_coulomb_shows_the_coulomb_counter(self):
        rows, tmp = drive()
        log = os.path.join(tmp, "short.csv")
        write_log(log, rows[:600])
        summary, est = estimate(log, "--method", "coulomb")
        self.assertEqual(summary["method"], "coulomb")
        self.assertTrue(all(e["soc"] == e["soc_coulomb"] for e in est))

    def test_a_bad_file_is_refused_with_its_line_and_column(self):
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "bad.csv")
            with open(log, "w") as f:
                f.write("time_s,current_a,voltage_v\n0,-1,3.30\n1,-1,3.2x\n")
            out = os.path.join(tmp, "est.csv")
            r = run("estimate", "--input", log, "--out", out)
            self.assertEqual(r.returncode, 1)
            self.assertIn("line 3, column 3", r.stderr)
            self.assertFalse(os.path.exists(out), "nothing is written for a bad log")
            with open(log, "w") as f:
                f.write("time_s,current_a,voltage_v\n5,-1,3.30\n4,-1,3.30\n")
            r = run("estimate", "--input", log)
            self.assertEqual(r.returncode, 1)
            self.assertIn("line 3", r.stderr)
            self.assertIn("time does not increase", r.stderr)
            r = run("estimate", "--input", log, "--method", "magic")
            self.assertEqual(r.returncode, 2)
            self.assertIn("--method", r.stderr)
            r = run("estimate", "--input", os.path.join(tmp, "missing.csv"))
            self.assertEqual(r.returncode, 1)


if __name__ == "__main__":
    unittest.main()
