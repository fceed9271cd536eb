"""The dashboard in Debian's chromium, driven by playwright-core from npm (tests/browser/).

Starts `softbms run --charge-a 20 --speed 10` on a free loopback port with a fresh state dir,
runs tests/browser/dashboard.test.mjs against it (login, a setting saved, charging off and the
pack current falling to about 0 A) and keeps its screenshot in build/test-artifacts/. Runs
`npm ci` first when tests/browser/node_modules is missing. argv[1]: the softbms binary."""
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
    def test_login_setting_and_charging_off_in_chromium(self):
        chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        self.assertTrue(os.path.exists(chromium), "chromium is missing: run scripts/install-deps")
        node = shutil.which("node")
        npm = shutil.which("npm")
        self.assertIsNotNone(node, "node is missing: run scripts/install-deps")
        if not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "playwright-core")):
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=BROWSER_DIR, check=True)
        os.makedirs(ARTIFACTS, exist_ok=True)
        shot = os.path.join(ARTIFACTS, "dashboard.png")
        if os.path.exists(shot):
            os.remove(shot)
        app = Softbms(BINARY, ["run", "--http", f"127.0.0.1:{free_port()}", "--charge-a", "20",
                               "--speed", "10", "--state-dir", "{tmp}/state", "--history", "{tmp}/history.db"])
        try:
            run = subprocess.run([node, "dashboard.test.mjs", app.url, shot], cwd=BROWSER_DIR,
                                 capture_output=True, text=True, timeout=240,
                                 env=dict(os.environ, CHROMIUM=chromium))
            print(run.stdout, end="")
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr + "\n".join(app.lines[-20:]))
            self.assertIn("ok - charging switched off", run.stdout)
            self.assertTrue(os.path.getsize(shot) > 10_000, shot)
            print("screenshot saved:", shot)
            # softbms itself logged the dashboard writes with who made them.
            app.wait_line(r"web: web 127\.0\.0\.1 #[0-9a-f]{8} pack 1 switch .*: ok", timeout=5)
        finally:
            self.assertEqual(app.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
