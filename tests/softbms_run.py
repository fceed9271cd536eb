"""Starts `softbms run` with its own state dir and status file, and reads its status JSON
(shared by the test_run_*.py, test_inverter_can.py, test_pylon_rs485.py and test_parallel_packs.py)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-can, -canmatrix, -serial


def softbms_binary():
    for arg in sys.argv[1:]:
        if not arg.startswith("-"):
            return os.path.abspath(arg)
    return os.path.abspath("build/release/app/softbms")


def link(name):
    return "/tmp/softbms-%s-%d" % (name, os.getpid())


class Run:
    """One `softbms run`; `startup_lines` is how many lines follow the first one."""

    def __init__(self, binary, args, startup_lines, state_dir=None):
        self.binary = binary
        self.tmp = tempfile.mkdtemp(prefix="softbms-run-test-")
        self.state_dir = state_dir or os.path.join(self.tmp, "state")
        self.status_file = os.path.join(self.tmp, "status.json")
        argv = [binary, "run", "--state-dir", self.state_dir,
                "--status-file", self.status_file, "--quiet", *args]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = [self.proc.stdout.readline() for _ in range(1 + startup_lines)]
        if self.proc.poll() is not None or not self.lines[0].startswith("softbms run:"):
            err = self.proc.stderr.read()
            self.proc.kill()
            raise AssertionError("softbms run did not start: %r %s" % (self.lines, err))
        self.wait_status()

    def status(self):
        with open(self.status_file) as f:
            return json.load(f)

    def wait_status(self, after=None, timeout=5.0):
        """The first status written after sim time `after` (any status when None)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                s = self.status()
                if after is None or s["sim"]["time_s"] > after:
                    return s
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        raise AssertionError("no fresh status in %s s" % timeout)

    def wait_for(self, pred, timeout=10.0):
        end = time.monotonic() + timeout
        status = self.wait_status()
        while not pred(status) and time.monotonic() < end:
            time.sleep(0.1)
            status = self.wait_status()
        return status

    def client_status(self, port, address):
        """`softbms status -p PORT -a ADDR -o json`: the board read the way a user reads it."""
        out = subprocess.run([self.binary, "status", "-p", port, "--protocol", "jk-pb", "-a", str(address),
                              "-o", "json"], capture_output=True, text=True, timeout=20)
        if out.returncode != 0:
            raise AssertionError("softbms status failed: %s" % out.stderr)
        return json.loads(out.stdout)

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.communicate()
        else:
            self.proc.communicate()
        shutil.rmtree(self.tmp, ignore_errors=True)
