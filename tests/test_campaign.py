"""softbms campaign: shards add up to the whole campaign, merge refuses what does not fit, any
run's scenario replays with softbms sim, bad arguments name the option, and every replay file a
campaign once wrote (tests/campaign/) now passes its invariants (docs/reliability.md)."""
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"
HERE = os.path.dirname(os.path.abspath(__file__))
REGRESSIONS = sorted(glob.glob(os.path.join(HERE, "campaign", "*.yaml")))
SHORT = ["--seed", "3", "--runs", "4", "--max-duration", "10min"]


def softbms(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600)


class Sharding(unittest.TestCase):
    def test_shards_merge_to_the_whole_campaign(self):
        whole = softbms("campaign", *SHORT, "--json")
        self.assertEqual(whole.returncode, 0, whole.stderr)
        w = json.loads(whole.stdout)
        self.assertEqual(w["runs"], 4)
        self.assertEqual(w["violations"], 0)
        self.assertGreater(w["ticks"], 0)
        with tempfile.TemporaryDirectory() as tmp:
            dirs = []
            for k in (1, 2):
                d = os.path.join(tmp, f"shard{k}")
                r = softbms("campaign", *SHORT, "--shard", f"{k}/2", "--out", d)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn(f"(shard {k}/2)", r.stdout)
                with open(os.path.join(d, "campaign.json")) as f:
                    self.assertEqual(json.load(f)["runs"], 2)
                dirs.append(d)
            merged = softbms("campaign", "merge", *dirs, "--json")
            self.assertEqual(merged.returncode, 0, merged.stderr)
            m = json.loads(merged.stdout)
            self.assertEqual(m["runs"], 4)
            self.assertEqual(m["ticks"], w["ticks"])
            self.assertEqual(m["simulated_h"], w["simulated_h"])
            self.assertEqual(m["missing_shards"], [])
            # One shard alone: the other is reported missing.
            one = softbms("campaign", "merge", dirs[0])
            self.assertEqual(one.returncode, 0, one.stderr)
            self.assertIn("missing shards: [2]", one.stdout)
            twice = softbms("campaign", "merge", dirs[0], dirs[0])
            self.assertEqual(twice.returncode, 1)
            self.assertIn("shard 1 is given twice", twice.stderr)
            empty = os.path.join(tmp, "empty")
            os.mkdir(empty)
            none = softbms("campaign", "merge", empty)
            self.assertEqual(none.returncode, 1)
            self.assertIn("cannot read", none.stderr)


class Replay(unittest.TestCase):
    def test_any_run_replays_with_sim_and_checks_the_invariants(self):
        shown = softbms("campaign", "--seed", "3", "--show-run", "2", "--max-duration", "10min")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn("invariants: on", shown.stdout)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "run2.yaml")
            with open(path, "w") as f:
                f.write(shown.stdout)
            r = softbms("sim", path, "--json")
            self.assertEqual(r.returncode, 0, r.stderr)
            s = json.loads(r.stdout)
            self.assertEqual(s["invariants"]["checked"], 35)
            self.assertEqual(s["invariants"]["violations"], [])

    def test_regressions_from_earlier_campaigns_pass(self):
        for path in REGRESSIONS:
            with self.subTest(regression=os.path.basename(path)):
                r = softbms("sim", path, "--json")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(json.loads(r.stdout)["invariants"]["violations"], [])


class Arguments(unittest.TestCase):
    def test_bad_options_name_the_option(self):
        for args, words in (
            (["--shard", "3/2"], "--shard needs K/M"),
            (["--shard", "0/2"], "--shard needs K/M"),
            (["--runs", "ten"], "--runs needs a whole number"),
            (["--jobs", "0"], "--jobs is 1..1024"),
            (["--max-duration", "soon"], "--max-duration needs a duration"),
            (["surprise"], "unexpected 'surprise'"),
        ):
            with self.subTest(args=args):
                r = softbms("campaign", *args)
                self.assertEqual(r.returncode, 2)
                self.assertIn(words, r.stderr)

    def test_invariant_table_is_listed_with_its_rules(self):
        r = softbms("campaign", "--list-invariants")
        self.assertEqual(r.returncode, 0)
        lines = r.stdout.strip().splitlines()
        self.assertEqual(len(lines), 35)
        self.assertIn("cell_ovp_trips\ta cell above cell_ovp", r.stdout)
        self.assertIn("settings_survive_power_cut", r.stdout)


if __name__ == "__main__":
    unittest.main()
