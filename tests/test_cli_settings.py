"""softbms settings --list / presets / models / version, checked from outside the binary."""
import json
import subprocess
import sys
import unittest

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"


def run(*args, check=True):
    return subprocess.run([BIN, *args], capture_output=True, text=True, check=check)


class SettingsList(unittest.TestCase):
    def test_json_lists_every_parameter_with_unit_range_and_three_defaults(self):
        rows = json.loads(run("settings", "--list", "--json").stdout)
        by_name = {r["name"]: r for r in rows}
        required = """cell_ovp cell_ovpr cell_uvp cell_uvpr power_off_voltage balance_trigger_delta
            start_balance_voltage max_balance_current charge_ocp_current charge_ocp_delay
            charge_ocp_release discharge_ocp_current discharge_ocp_delay discharge_ocp_release
            scp_delay scp_release charge_otp charge_otpr charge_utp charge_utpr discharge_otp
            discharge_otpr mos_otp mos_otpr cell_count design_capacity""".split()
        for name in required:
            self.assertIn(name, by_name)
        for r in rows:
            self.assertEqual(set(r["defaults"]), {"li-ion", "lfp", "lto"}, r["name"])
            self.assertLessEqual(r["min"], r["max"], r["name"])
        self.assertEqual(by_name["cell_ovp"]["unit"], "mV")
        self.assertEqual(by_name["cell_ovp"]["defaults"], {"li-ion": 4200, "lfp": 3600, "lto": 2700})
        self.assertEqual(by_name["charge_ocp_current"]["unit"], "mA")
        self.assertEqual(by_name["scp_delay"]["unit"], "us")
        self.assertEqual(by_name["charge_ocp_delay"]["unit"], "s")
        self.assertEqual(by_name["design_capacity"]["unit"], "mAh")
        self.assertEqual(by_name["charge_utp"]["unit"], "°C")
        self.assertEqual(by_name["charge_utp"]["defaults"]["lfp"], -20.0)
        self.assertEqual(by_name["mos_otpr"]["defaults"]["lto"], 70.0)

    def test_model_narrows_the_voltage_range(self):
        rows = json.loads(run("settings", "--list", "--json", "--model", "JK-B2A8S20P", "--chemistry", "li-ion", "--cells", "8").stdout)
        ovp = next(r for r in rows if r["name"] == "cell_ovp")
        self.assertEqual((ovp["min"], ovp["max"]), (1200, 4350))

    def test_bad_model_is_a_usage_error_that_names_it(self):
        r = run("settings", "--list", "--model", "JK-NOPE", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("JK-NOPE", r.stderr)


class Presets(unittest.TestCase):
    def test_presets_equal_the_manual_appendix(self):
        p = json.loads(run("presets", "--json").stdout)
        self.assertEqual(p["li-ion"]["cell_uvp"], 2900)
        self.assertEqual(p["lfp"]["cell_ovpr"], 3400)
        self.assertEqual(p["lto"]["power_off_voltage"], 1700)
        self.assertEqual(p["lfp"]["charge_utpr"], -10.0)

    def test_version(self):
        self.assertRegex(run("version").stdout, r"^softbms \d+\.\d+\.\d+")


if __name__ == "__main__":
    unittest.main()
