"""Helpers the tests/test_app_*.py share: a `softbms run` (or monitor) process with its own
state dir and a free port, a mosquitto broker on loopback, and small HTTP helpers."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Softbms:
    """One softbms process; its stdout and stderr lines are collected as they come."""

    def __init__(self, binary, args, wait_for=r"^  dashboard (http://\S+)", timeout=30):
        self.tmp = tempfile.mkdtemp(prefix="softbms-app-")
        self.lines = []
        self.eof = False
        self.cond = threading.Condition()
        self.proc = subprocess.Popen([binary] + [a.replace("{tmp}", self.tmp) for a in args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.match = self.wait_line(wait_for, timeout) if wait_for else None

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def wait_line(self, pattern, timeout=30):
        rx = re.compile(pattern)
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for line in self.lines:
                    m = rx.search(line)
                    if m:
                        return m
                left = deadline - time.time()
                if left <= 0 or self.eof:
                    raise AssertionError(f"no line matching {pattern!r}; output:\n" + "\n".join(self.lines))
                self.cond.wait(min(left, 0.2))

    @property
    def url(self):
        return self.match.group(1)

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return self.proc.returncode


def get_json(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read().decode())


def wait_until(predicate, timeout=20, step=0.2, what="condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


class Session:
    """A dashboard login: cookie and CSRF token, as the browser keeps them."""

    def __init__(self, base, password="123456"):
        self.base = base.rstrip("/")
        body = json.dumps({"password": password}).encode()
        req = urllib.request.Request(self.base + "/api/login", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            self.cookie = r.headers["Set-Cookie"].split(";")[0]
            self.csrf = json.loads(r.read().decode())["csrf_token"]

    def send(self, method, path, body):
        req = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json", "Cookie": self.cookie,
                                              "X-CSRF-Token": self.csrf})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read().decode())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode() or "{}")


def mosquitto_binary():
    for p in (shutil.which("mosquitto"), "/usr/sbin/mosquitto"):
        if p and os.path.exists(p):
            return p
    raise AssertionError("mosquitto is not installed: run scripts/install-deps")


def start_mosquitto(conf, port):
    """mosquitto -c CONF, once it accepts connections on 127.0.0.1:PORT."""
    proc = subprocess.Popen([mosquitto_binary(), "-c", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("mosquitto did not listen: " + proc.stderr.read().decode())


class Broker:
    """A real mosquitto on loopback, anonymous, no persistence."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="softbms-mqtt-")
        self.port = free_port()
        conf = os.path.join(self.dir, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
        self.proc = start_mosquitto(conf, self.port)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)


class HomeAssistant:
    """Subscribes to everything and keeps each topic's messages."""

    def __init__(self, port, topics):
        try:
            import paho.mqtt.client as mqtt
        except ImportError:  # CMake may pick a python3 (pyenv, venv) that does not see Debian's
            sys.path.append("/usr/lib/python3/dist-packages")
            import paho.mqtt.client as mqtt
        self.lock = threading.Condition()
        self.messages = {}
        try:
            self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, "test-ha")
        except AttributeError:  # paho-mqtt 1.x
            self.client = mqtt.Client("test-ha")
        self.client.on_message = self.on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe([(t, 1) for t in topics])
        self.client.loop_start()

    def on_message(self, _client, _userdata, msg):
        with self.lock:
            self.messages.setdefault(msg.topic, []).append(msg.payload.decode())
            self.lock.notify_all()

    def wait(self, topic, predicate=lambda p: True, timeout=30, after=0):
        deadline = time.time() + timeout
        with self.lock:
            while True:
                for p in self.messages.get(topic, [])[after:]:
                    if predicate(p):
                        return p
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError(f"nothing matching on {topic}; got {self.messages.get(topic, [])[-3:]}")
                self.lock.wait(left)

    def count(self, topic):
        with self.lock:
            return len(self.messages.get(topic, []))

    def publish(self, topic, payload, retain=False):
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish()

    def stop(self):
        self.client.loop_stop()
        self.client.disconnect()
