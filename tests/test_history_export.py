"""`softbms history export` on the history an 8-cell `softbms run` keeps: the CSV has a column
for each of the 8 cells and none for the 24 cells the pack does not have, every measured column
names its unit in the header ("voltage [V]"), the rows hold the pack's values, a series asked
for by name is written even when empty, and `softbms estimate` reads the export as it is.
Read with Python's csv module, while softbms is still writing the database.
argv[1]: the softbms binary."""
import csv
import io
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from app_support import Softbms, get_json  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"


def export(*args):
    run = subprocess.run([BINARY, "history", "export", *args], capture_output=True, text=True, timeout=60)
    return run


class HistoryExportTest(unittest.TestCase):
    def test_columns_are_the_cells_that_exist_with_units(self):
        app = Softbms(BINARY, ["run", "--cells", "8", "--http", "127.0.0.1:0", "--speed", "10",
                               "--quiet", "--state-dir", "{tmp}/state", "--history", "{tmp}/history.db"])
        db = os.path.join(app.tmp, "history.db")
        try:
            deadline = time.time() + 30
            rows = []
            while time.time() < deadline and not rows:
                run = export("--db", db)
                if run.returncode == 0:
                    rows = list(csv.DictReader(io.StringIO(run.stdout)))
                time.sleep(0.5)
            self.assertTrue(rows, run.stderr)
            header = next(csv.reader(io.StringIO(run.stdout)))
            cells = [c for c in header if re.match(r"cell_\d+", c)]
            self.assertEqual(cells, [f"cell_{i} [V]" for i in range(1, 9)], header)
            self.assertEqual(header[:3], ["time", "unix_ms", "pack"])
            for column in ("voltage [V]", "current [A]", "power [W]", "soc [%]", "cell_delta [V]",
                           "temp_mos [°C]", "remaining_ah [Ah]", "charge_fet"):
                self.assertIn(column, header)
            row = rows[0]
            volts = [float(row[f"cell_{i} [V]"]) for i in range(1, 9)]
            self.assertTrue(all(2.5 < v < 3.7 for v in volts), volts)
            self.assertAlmostEqual(float(row["voltage [V]"]), sum(volts), delta=0.05)
            self.assertIn(row["charge_fet"], ("0", "1"))

            # The dashboard's chart of every cell reads the same store.
            now = int(time.time())
            cells = get_json(f"{app.url}api/packs/1/history/cells?from={now - 3600}&to={now + 5}")
            self.assertEqual(sorted(cells["units"]), sorted(f"cell_{i}" for i in range(1, 9)))
            self.assertEqual(len(cells["cell_8"]), len(cells["t"]))
            self.assertTrue(2.5 < cells["cell_1"][0] < 3.7, cells["cell_1"])

            # Asked for by name, a cell the pack lacks is still a column (empty).
            named = export("--db", db, "--series", "voltage,cell_12")
            self.assertEqual(named.returncode, 0, named.stderr)
            lines = named.stdout.splitlines()
            self.assertEqual(lines[0], "time,unix_ms,pack,voltage [V],cell_12 [V]")
            self.assertTrue(lines[1].endswith(","), lines[1])

            # The 1-minute table: each kept cell with its minimum and maximum.
            minute = export("--db", db, "--resolution", "1m")
            self.assertEqual(minute.returncode, 0, minute.stderr)
            head = minute.stdout.splitlines()[0].split(",")
            self.assertIn("cell_8_max [V]", head)
            self.assertFalse(any(c.startswith("cell_9") for c in head), head)

            # softbms estimate reads the export with its unit-bearing header.
            with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
                f.write(run.stdout)
            try:
                est = subprocess.run([BINARY, "estimate", "--input", f.name, "--chemistry", "lfp",
                                      "--capacity-ah", "280"], capture_output=True, text=True, timeout=60)
                self.assertEqual(est.returncode, 0, est.stdout + est.stderr)
            finally:
                os.remove(f.name)
        finally:
            self.assertEqual(app.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
