"""Starts softbms-inverter-demo and talks to it over stdin/stdout (shared by test_inverter_*.py
and test_parallel_*.py)."""
import json
import os
import subprocess
import sys

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-can, -canmatrix, -serial


def demo_path(argv1):
    """The demo binary: $SOFTBMS_INVERTER_DEMO, argv[1] itself, or beside the softbms binary."""
    env = os.environ.get("SOFTBMS_INVERTER_DEMO")
    if env:
        return env
    if os.path.basename(argv1) == "softbms-inverter-demo":
        return argv1
    build = os.path.dirname(os.path.dirname(os.path.abspath(argv1)))
    return os.path.join(build, "host", "parallel", "softbms-inverter-demo")


class Demo:
    def __init__(self, binary, *args):
        self.proc = subprocess.Popen([binary, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            self.proc.kill()
            raise AssertionError("demo did not start: %r %s" % (line, self.proc.stderr.read()))

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def status(self):
        return self.send("status")

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.send("quit")
            except (BrokenPipeError, ValueError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.proc.stdin.close()
