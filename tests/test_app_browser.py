"""The dashboard in Debian's chromium, driven by playwright-core from npm (tests/browser/).

Each test starts `softbms run --charge-a 20 --speed 10` on a free loopback port with a fresh
state dir. dashboard.test.mjs: login, a setting saved, charging off and the pack current falling
to about 0 A. layout.test.mjs: every page at 1280x800 and 390x844 without horizontal overflow,
readable cell bars, the status at a glance (SOC gauge, lowest/highest cell, alarm banner, a MOSFET
that is off, the data's age, which turns red while softbms is held with SIGSTOP), the history's
ranges, 24 h time and CSV, the grouped settings.
Screenshots go to build/test-artifacts/. Runs `npm ci` first when tests/browser/node_modules is
missing. argv[1]: the softbms binary."""
import glob
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from app_support import Softbms, free_port  # noqa: E402

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"
HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER_DIR = os.path.join(HERE, "browser")
ARTIFACTS = os.path.join(os.path.dirname(HERE), "build", "test-artifacts")


class BrowserTest(unittest.TestCase):
    def setUp(self):
        self.chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        self.assertTrue(os.path.exists(self.chromium), "chromium is missing: run scripts/install-deps")
        self.node = shutil.which("node")
        npm = shutil.which("npm")
        self.assertIsNotNone(self.node, "node is missing: run scripts/install-deps")
        if not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "playwright-core")):
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=BROWSER_DIR, check=True)
        os.makedirs(ARTIFACTS, exist_ok=True)

    def start(self):
        return Softbms(BINARY, ["run", "--http", f"127.0.0.1:{free_port()}", "--charge-a", "20",
                                "--speed", "10", "--state-dir", "{tmp}/state", "--history", "{tmp}/history.db"])

    def node_test(self, app, script, *args):
        run = subprocess.run([self.node, script, app.url, *args], cwd=BROWSER_DIR,
                             capture_output=True, text=True, timeout=240,
                             env=dict(os.environ, CHROMIUM=self.chromium))
        print(run.stdout, end="")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr + "\n".join(app.lines[-20:]))
        return run

    def test_layout_at_desktop_and_phone_sizes(self):
        for old in glob.glob(os.path.join(ARTIFACTS, "dashboard-*.png")):
            os.remove(old)
        app = self.start()
        try:
            run = self.node_test(app, "layout.test.mjs", ARTIFACTS, str(app.proc.pid))
            self.assertIn("ok - 390x844: no page overflows", run.stdout)
            self.assertIn("ok - 1280x800: no page overflows", run.stdout)
            self.assertIn("ok - softbms running again", run.stdout)
            shots = sorted(glob.glob(os.path.join(ARTIFACTS, "dashboard-*.png")))
            self.assertEqual(len(shots), 14, shots)  # 7 pages x 2 sizes
            for shot in shots:
                self.assertGreater(os.path.getsize(shot), 5_000, shot)
            print("screenshots saved:", ", ".join(os.path.basename(s) for s in shots))
        finally:
            self.assertEqual(app.stop(), 0)

    def test_monitor_shows_the_board_offline_since(self):
        port = free_port()
        board = Softbms(BINARY, ["run", "--state-dir", "{tmp}/state", "--http", "off", "--history", "off",
                                 "--quiet", "--endpoint", f"jk02:tcp:127.0.0.1:{port}"],
                        wait_for=r"^  jk02 +tcp server")
        monitor = Softbms(BINARY, ["monitor", "-p", f"tcp://127.0.0.1:{port}", "--interval", "0.5",
                                   "--http", "127.0.0.1:0", "--history", "off", "--state-dir", "{tmp}/monitor"])
        shot = os.path.join(ARTIFACTS, "monitor-offline-phone.png")
        try:
            run = self.node_test(monitor, "monitor.test.mjs", str(board.proc.pid), shot)
            self.assertIn("ok - board gone", run.stdout)
        finally:
            board.stop()
            self.assertEqual(monitor.stop(), 0)

    def test_login_setting_and_charging_off_in_chromium(self):
        shot = os.path.join(ARTIFACTS, "dashboard.png")
        if os.path.exists(shot):
            os.remove(shot)
        app = self.start()
        try:
            run = self.node_test(app, "dashboard.test.mjs", shot)
            self.assertIn("ok - charging switched off", run.stdout)
            self.assertTrue(os.path.getsize(shot) > 10_000, shot)
            print("screenshot saved:", shot)
            # softbms itself logged the dashboard writes with who made them.
            app.wait_line(r"web: web 127\.0\.0\.1 #[0-9a-f]{8} pack 1 switch .*: ok", timeout=5)
        finally:
            self.assertEqual(app.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
