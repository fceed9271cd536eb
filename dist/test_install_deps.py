"""scripts/install-deps --check against a PATH that lacks a tool or has a too old Node: the probe
fails, names the Debian package, and exits 1; with Debian 12's Node (18.20.4) it passes.
argv: the source dir (CTest passes it)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE = sys.argv.pop(1)
SCRIPT = os.path.join(SOURCE, "scripts", "install-deps")


class ProbeScript(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="softbms-probe-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path_without(self, hidden, fake_node=None):
        """A PATH of one folder linking every command of today's PATH except `hidden`, and a
        `node` that answers --version with fake_node if given."""
        farm = os.path.join(self.dir, "bin")
        os.makedirs(farm, exist_ok=True)
        dirs = os.environ.get("PATH", "").split(os.pathsep) + ["/usr/sbin", "/sbin"]
        for d in dirs:
            if not os.path.isdir(d):
                continue
            for name in os.listdir(d):
                link = os.path.join(farm, name)
                if name in hidden or os.path.lexists(link):
                    continue
                os.symlink(os.path.join(d, name), link)
        if fake_node:
            node = os.path.join(farm, "node")
            if os.path.lexists(node):
                os.remove(node)
            with open(node, "w") as f:
                f.write(f"#!/bin/sh\necho {fake_node}\n")
            os.chmod(node, 0o755)
        return farm

    def check(self, set_name, path):
        env = dict(os.environ, PATH=path, TMPDIR=self.dir)
        return subprocess.run([SCRIPT, "--check", set_name], env=env, capture_output=True, text=True,
                              timeout=400)

    def test_missing_tools_and_an_old_node_name_their_packages(self):
        # One run of the whole test set (each run compiles every probe: minutes on a busy machine).
        out = self.check("test", self.path_without({"npm", "mbpoll", "promtool"}, fake_node="v19.9.0"))
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("FAIL  npm (npm not found): install the Debian package npm", out.stdout)
        self.assertIn("FAIL  mbpoll (mbpoll not found): install the Debian package mbpoll", out.stdout)
        self.assertIn("FAIL  promtool (promtool not found): install the Debian package prometheus", out.stdout)
        # Node 19 is outside vite's "^18.0.0 || >=20.0.0": the message says who needs what.
        self.assertIn("FAIL  node v19.9.0 does not meet the engines of web/package-lock.json", out.stdout)
        self.assertIn("tinypool, vite, vite-node, vitest need(s) node ^18.0.0 || >=20.0.0", out.stdout)
        self.assertIn("install-deps: missing Debian packages: nodejs npm mbpoll prometheus", out.stdout)
        # What is there still passes.
        self.assertIn("ok    g++ builds C++20", out.stdout)
        self.assertIn("ok    arm-none-eabi-g++ with the C++ library <array>", out.stdout)

    def test_debian_12_node_meets_the_lock_file(self):
        out = self.check("run", self.path_without(set(), fake_node="v18.20.4"))
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("ok    node v18.20.4 meets the engines of web/package-lock.json", out.stdout)
        self.assertIn("everything 'run' needs works", out.stdout)

    def test_a_wrong_argument_is_refused_with_the_usage(self):
        out = subprocess.run([SCRIPT, "--check", "everything"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 2)
        self.assertIn("unknown argument 'everything'", out.stderr)
        self.assertIn("usage: scripts/install-deps [run|test]", out.stderr)


if __name__ == "__main__":
    unittest.main()
