"""`cmake --install` into a DESTDIR: the softbms binary runs from there, the systemd units name it
and pass `systemd-analyze verify` (where systemd is installed), the sysusers.d file puts the
service user in dialout, and the docs and examples are there.
argv: BUILD_DIR INSTALL_PREFIX (CTest passes both)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD, PREFIX = sys.argv.pop(1), sys.argv.pop(1)


class InstallTree(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dest = tempfile.mkdtemp(prefix="softbms-install-")
        out = subprocess.run(["cmake", "--install", BUILD], env=dict(os.environ, DESTDIR=cls.dest),
                             capture_output=True, text=True, timeout=240)
        assert out.returncode == 0, out.stdout + out.stderr
        cls.root = cls.dest + PREFIX

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dest, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def unit(self, name):
        with open(self.path("lib/systemd/system", name)) as f:
            return f.read()

    def test_the_installed_binary_runs(self):
        binary = self.path("bin/softbms")
        self.assertTrue(os.access(binary, os.X_OK), binary)
        out = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("softbms", out.stdout)

    def test_units_start_the_installed_binary_per_instance(self):
        run = self.unit("softbms-run@.service")
        self.assertIn(f"ExecStart={PREFIX}/bin/softbms run --state-dir /var/lib/softbms/%i", run)
        self.assertIn("EnvironmentFile=-/etc/softbms/%i.env", run)
        monitor = self.unit("softbms-monitor@.service")
        self.assertIn(f"ExecStart={PREFIX}/bin/softbms monitor --state-dir /var/lib/softbms/%i $SOFTBMS_ARGS",
                      monitor)
        # monitor cannot start without a port: its env file is required, not optional.
        self.assertIn("EnvironmentFile=/etc/softbms/%i.env", monitor)
        for text in (run, monitor):
            self.assertIn("User=softbms", text)
            self.assertIn("SupplementaryGroups=dialout", text)
            self.assertIn("StateDirectory=softbms/%i", text)
            self.assertNotIn("@SOFTBMS", text)

    def test_the_service_user_is_in_dialout(self):
        with open(self.path("lib/sysusers.d/softbms.conf")) as f:
            lines = [line.split() for line in f if line.strip() and not line.startswith("#")]
        self.assertIn(["m", "softbms", "dialout"], lines)
        self.assertEqual(lines[0][:2], ["u", "softbms"])

    def test_docs_and_examples_are_installed(self):
        doc = self.path("share/doc/softbms")
        for name in ("README.md", "install.md", "architecture.md", "examples/run.env.example",
                     "examples/monitor.env.example"):
            self.assertTrue(os.path.exists(os.path.join(doc, name)), name)

    def test_systemd_accepts_the_units(self):
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            self.skipTest("systemd-analyze is not installed (package systemd)")
        units = self.path("lib/systemd/system")
        # An instance of each template, verified against the DESTDIR tree (--root), so the
        # ExecStart binary is the installed one.
        for template in ("softbms-run@.service", "softbms-monitor@.service"):
            instance = os.path.join(units, template.replace("@.", "@demo."))
            shutil.copy(os.path.join(units, template), instance)
            out = subprocess.run([analyze, "verify", "--root", self.dest, "--man=no",
                                  "--recursive-errors=no", instance],
                                 capture_output=True, text=True, timeout=120)
            os.remove(instance)
            # A warning (a bad value systemd ignores) names the unit but keeps the exit code 0.
            problems = [line for line in (out.stdout + out.stderr).splitlines() if "softbms" in line]
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertEqual(problems, [], out.stdout + out.stderr)


if __name__ == "__main__":
    unittest.main()
