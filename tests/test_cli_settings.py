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
        # [M-B2A] 5.3 s: 65 °C, a factory value (docs/protections.md, "Manual says / softbms does").
        self.assertEqual(by_name["mos_otpr"]["defaults"]["lto"], 65.0)
        self.assertEqual((by_name["mos_otpr"]["min"], by_name["mos_otpr"]["max"]), (65.0, 65.0))
        self.assertTrue(by_name["mos_otp"]["factory_fixed"])

    def test_model_narrows_the_voltage_range(self):
        rows = json.loads(run("settings", "--list", "--json", "--model", "JK-B2A8S20P", "--chemistry", "li-ion", "--cells", "8").stdout)
        ovp = next(r for r in rows if r["name"] == "cell_ovp")
        self.assertEqual((ovp["min"], ovp["max"]), (1200, 4350))

    def test_b2a8s20p_shows_its_own_ranges_and_no_lto(self):
        """[M-B2A] table 1: 3-8 Li-ion / 4-8 LFP strings, no LTO, OCP 10-200 A, 350 A peak."""
        rows = json.loads(run("settings", "--list", "--json", "--model", "JK-B2A8S20P").stdout)
        by_name = {r["name"]: r for r in rows}
        for r in rows:
            self.assertEqual(set(r["defaults"]), {"li-ion", "lfp"}, r["name"])
        for name in ("charge_ocp_current", "discharge_ocp_current"):
            self.assertEqual((by_name[name]["min"], by_name[name]["max"]), (10000, 200000), name)
        self.assertEqual(by_name["discharge_ocp3_current"]["max"], 350000)
        cells = by_name["cell_count"]
        self.assertEqual((cells["min"], cells["max"]), (4, 8))  # LFP, the default chemistry
        self.assertEqual(cells["range_by_chemistry"], {"li-ion": [3, 8], "lfp": [4, 8]})
        text = run("settings", "--list", "--model", "JK-B2A8S20P").stdout
        header = text.splitlines()[0].split()
        self.assertIn("li-ion", header)
        self.assertNotIn("lto", header)
        line = next(l for l in text.splitlines() if l.startswith("cell_count "))
        self.assertEqual(line.split()[1:3], ["3/4", "8/8"])

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

    def test_presets_of_a_model_are_its_own_and_only_its_chemistries(self):
        b2a = json.loads(run("presets", "--json", "--model", "JK-B2A8S20P").stdout)
        self.assertEqual(set(b2a), {"li-ion", "lfp"})
        # [M-BD4A]: the default protection parameters of the BD4A24S-12P.
        bd4 = json.loads(run("presets", "--json", "--model", "JK-BD4A24S-12P").stdout)
        self.assertEqual(set(bd4), {"li-ion", "lfp", "lto"})
        self.assertEqual(bd4["li-ion"]["cell_uvp"], 2820)
        for chem in ("li-ion", "lfp", "lto"):
            self.assertEqual(bd4[chem]["discharge_ocp_delay"], 300)
            self.assertEqual(bd4[chem]["scp_delay"], 5)
            self.assertEqual(bd4[chem]["charge_otp"], 70.0)
        text = run("presets", "--model", "JK-B2A8S20P").stdout
        self.assertNotIn("lto", text.splitlines()[0])

    def test_version(self):
        self.assertRegex(run("version").stdout, r"^softbms \d+\.\d+\.\d+")


if __name__ == "__main__":
    unittest.main()
