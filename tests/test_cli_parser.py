"""The command line as a user meets it (issue 14): unknown options are errors with a hint, every
subcommand answers --help with exit 0, -pPORT works, and `settings set` takes values with units
(3.65V, 3650mV, 3.65, 10A, 30s) and the MQTT entity keys, against a running `softbms run`."""
import os
import re
import subprocess
import sys
import unittest

from softbms_run import Run, link, softbms_binary

BIN = softbms_binary()


def cli(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=30)


def subcommands(help_text):
    """The names under 'Subcommands:' in a --help text."""
    if "Subcommands:" not in help_text:
        return []
    block = help_text.split("Subcommands:", 1)[1]
    names = []
    for line in block.splitlines()[1:]:
        m = re.match(r"^  (\S+)\s", line)
        if not m:
            break
        names.append(m.group(1))
    return names


class Help(unittest.TestCase):
    def test_every_subcommand_has_help_that_exits_0(self):
        top = cli("--help")
        self.assertEqual(top.returncode, 0, top.stderr)
        commands = subcommands(top.stdout)
        for name in ("status", "cells", "switch", "log", "settings", "run", "monitor", "password",
                     "sim", "estimate", "campaign", "history", "presets", "models", "version"):
            self.assertIn(name, commands)
        checked = []
        todo = [[c] for c in commands]
        while todo:
            path = todo.pop(0)
            r = cli(*path, "--help")
            with self.subTest(command=" ".join(path)):
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("Usage: softbms " + " ".join(path), r.stdout)
                self.assertEqual(r.stderr, "")
            todo += [path + [s] for s in subcommands(r.stdout)]
            checked.append(" ".join(path))
        for nested in ("settings get", "settings set", "campaign merge", "history export",
                       "history series"):
            self.assertIn(nested, checked)

    def test_status_help_lists_its_options_not_an_error(self):
        r = cli("status", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("-p,--port PORT", r.stdout)
        self.assertIn("-o,--output F", r.stdout)
        self.assertNotIn("required (a serial", r.stderr)

    def test_help_after_other_words_still_helps(self):
        r = cli("settings", "set", "cell_ovp", "3.65V", "--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("VALUE", r.stdout)


class UnknownOptions(unittest.TestCase):
    def check(self, args, wanted):
        r = cli(*args)
        self.assertEqual(r.returncode, 2, (args, r.stdout, r.stderr))
        self.assertIn(wanted, r.stderr)
        return r

    def test_a_misspelt_option_is_an_error_with_the_nearest_name(self):
        self.check(["status", "--otput", "json", "-p", "/dev/null"],
                   "unknown option '--otput' (did you mean '--output'?)")
        self.check(["run", "--mqtt-comands", "settings"],
                   "unknown option '--mqtt-comands' (did you mean '--mqtt-commands'?)")
        self.check(["status", "--otput=json"], "did you mean '--output'?")

    def test_an_unknown_option_names_itself_and_starts_nothing(self):
        r = self.check(["status", "--bogus", "-p", "/dev/null"], "unknown option '--bogus'")
        self.assertIn("softbms status --help", r.stderr)
        self.assertEqual(r.stdout, "")
        # A run that would start a device must not start with a typo in its options.
        self.check(["run", "--http", "off", "--bogus"], "softbms run: unknown option '--bogus'")

    def test_an_option_of_another_command_is_unknown_here(self):
        self.check(["sim", "-ojson", "x.yaml"], "softbms sim: unknown option '-ojson'")
        self.check(["models", "--cells", "8"], "softbms models: unknown option '--cells'")

    def test_unknown_command_and_extra_words(self):
        self.check(["stauts"], "unknown command 'stauts' (did you mean 'status'?)")
        self.check(["switch", "charge", "on", "now", "-p", "/dev/null"], "unexpected 'now'")
        self.check(["history"], "say which: export, series")

    def test_an_option_without_its_value_is_a_usage_error(self):
        self.check(["status", "-p"], "port")

    def test_no_command_is_a_usage_error(self):
        r = cli()
        self.assertEqual(r.returncode, 2)
        self.assertIn("Subcommands:", r.stderr)


class AgainstRun(unittest.TestCase):
    """Values with units, written to `softbms run` over its JK-PB endpoint."""

    @classmethod
    def setUpClass(cls):
        cls.pty = link("cli-parser")
        cls.device = Run(BIN, ["--endpoint", "jk-pb:pty:%s,policy=settings" % cls.pty,
                            "--model", "JK-B2A8S20P", "--cells", "8", "--http", "off"], 1)

    @classmethod
    def tearDownClass(cls):
        cls.device.close()

    def client(self, *args):
        return cli(*args, "-p" + self.pty, "--protocol", "jk-pb")

    def setting(self, name):
        r = self.client("settings", "get", name, "-ojson")
        self.assertEqual(r.returncode, 0, r.stderr)
        import json
        return json.loads(r.stdout)[name]

    def test_short_options_take_attached_values(self):
        r = self.client("status", "-ojson")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"cells"', r.stdout)

    def test_volts_millivolts_and_a_bare_number_as_the_jk_app_shows_it(self):
        for text, mv in (("3.65V", 3650), ("3640mV", 3640), ("3.63", 3630), ("3620", 3620),
                         ("3.61 V", 3610)):
            with self.subTest(value=text):
                r = self.client("settings", "set", "cell_ovp", text, "--yes")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("cell_ovp = %d mV (read back from the board)" % mv, r.stdout)
                self.assertEqual(self.setting("cell_ovp"), mv)

    def test_amperes_seconds_minutes_and_degrees(self):
        for name, text, shown in (("charge_ocp_current", "10A", 10000),
                                  ("charge_ocp_current", "12.5", 12500),
                                  ("charge_ocp_delay", "30s", 30),
                                  ("charge_ocp_delay", "2min", 120),
                                  ("discharge_otp", "65°C", 65.0),
                                  ("discharge_otp", "66C", 66.0)):
            with self.subTest(name=name, value=text):
                r = self.client("settings", "set", name, text, "--yes")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(self.setting(name), shown)

    def test_the_mqtt_entity_keys_name_the_same_settings(self):
        r = self.client("settings", "set", "cell_voltage_overvoltage_protection", "3.6", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.setting("cell_ovp"), 3600)
        r = self.client("settings", "set", "max_charge_current", "20A", "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("charge_ocp_current:", r.stdout)
        self.assertIn("-> 20000 mA", r.stdout)

    def test_bad_values_name_the_parameter_the_value_and_the_range_in_the_users_unit(self):
        before = self.setting("charge_ocp_current")
        r = self.client("settings", "set", "charge_ocp_current", "300A", "--yes")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("charge_ocp_current: 300 A is outside 10..200 A on JK-B2A8S20P (rule range)",
                      r.stderr)
        r = self.client("settings", "set", "charge_ocp_current", "250000mA", "--yes")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("250000 mA is outside 10000..200000 mA on JK-B2A8S20P", r.stderr)
        r = self.client("settings", "set", "cell_ovp", "9V", "--yes")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertRegex(r.stderr, r"cell_ovp: 9 V is outside [0-9.]+\.\.[0-9.]+ V on JK-B2A8S20P")
        r = self.client("settings", "set", "cell_ovp", "9000", "--yes")
        self.assertRegex(r.stderr, r"cell_ovp: 9000 mV is outside [0-9]+\.\.[0-9]+ mV on JK-B2A8S20P")
        r = self.client("settings", "set", "cell_ovp", "3.65kV", "--yes")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("unknown unit 'kV' (mV, V)", r.stderr)
        r = self.client("settings", "set", "cell_ovp", "volts", "--yes")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("cell_ovp: 'volts' is not a number", r.stderr)
        # 1 mV and 1 V are both inside balance_trigger_delta's range: the unit must be written.
        r = self.client("settings", "set", "balance_trigger_delta", "1", "--yes")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("'1' could be 1 mV or 1 V; write the unit", r.stderr)
        self.assertEqual(self.setting("charge_ocp_current"), before)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
