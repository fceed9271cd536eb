"""The HTTP boundary of `softbms run` (issue 9), tried the way an attacker or an unlucky user would:
a real `softbms run` on a free loopback port, spoken to with http.client and raw sockets.

Each test failed on the code before the fix: a login without a password and a history query with
to=1e18 aborted the process; a page whose name rebinds to 127.0.0.1 logged in and switched
charging off; a 600 MB chunked body was read whole; eight slow clients took every thread; wrong
JSON types gave an empty 500; /api/params said cell_count from 1; 200 parallel requests met
connection resets (httplib 0.11 listens with a queue of 5). argv[1]: the softbms binary."""
import http.client
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from softbms_run import Run, softbms_binary  # noqa: E402

BIN = softbms_binary()


def dashboard_port(run):
    for line in run.lines:
        if "dashboard http://127.0.0.1:" in line:
            return int(line.split("127.0.0.1:")[1].split("/")[0])
    raise AssertionError("no dashboard line in %r" % run.lines)


class Client:
    """Requests to one softbms with any Host and headers; answers as (status, JSON or text)."""

    def __init__(self, port):
        self.port = port
        self.cookie = None
        self.csrf = None

    def request(self, method, path, body=None, headers=None, host=None, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", host or "127.0.0.1:%d" % self.port)
            data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
            all_headers = dict(headers or {})
            if self.cookie:
                all_headers.setdefault("Cookie", self.cookie)
                all_headers.setdefault("X-CSRF-Token", self.csrf)
            if data is not None:
                all_headers.setdefault("Content-Type", "application/json")
                all_headers.setdefault("Content-Length", str(len(data)))
            for k, v in all_headers.items():
                conn.putheader(k, v)
            conn.endheaders(data)
            r = conn.getresponse()
            text = r.read().decode()
            try:
                return r.status, json.loads(text)
            except ValueError:
                return r.status, text
        finally:
            conn.close()

    def login(self, password="123456"):
        status, body = self.request("POST", "/api/login", {"password": password})
        assert status == 200, body
        self.csrf = body["csrf_token"]
        # http.client keeps no cookies: take the session cookie from a second, raw login.
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("POST", "/api/login", json.dumps({"password": password}),
                     {"Content-Type": "application/json"})
        r = conn.getresponse()
        self.csrf = json.loads(r.read())["csrf_token"]
        self.cookie = r.getheader("Set-Cookie").split(";")[0]
        conn.close()

    def writes(self):
        """The write log, newest first (GET /api/packs/1/events)."""
        status, body = Client(self.port).request("GET", "/api/packs/1/events")
        assert status == 200, body
        return body["writes"]


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


class WebBoundaries(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dev = Run(BIN, ["--http", "127.0.0.1:0", "--history", "off"], 2)
        cls.port = dashboard_port(cls.dev)

    @classmethod
    def tearDownClass(cls):
        cls.dev.close()

    def setUp(self):
        self.web = Client(self.port)

    def alive(self):
        self.assertIsNone(self.dev.proc.poll(), "softbms run exited")
        self.assertEqual(self.web.request("GET", "/api/packs")[0], 200)

    def assert_refused_and_logged(self, answer, status, field=None, action=None):
        self.assertEqual(answer[0], status, answer)
        self.assertIsInstance(answer[1], dict, answer)
        if field:
            self.assertEqual(answer[1]["field"], field, answer)
        newest = self.web.writes()[0]
        self.assertTrue(newest["result"].startswith("refused"), newest)
        if action:
            self.assertIn(action, newest["action"])

    # 1. A body without a password aborted the process (before reading the Origin).
    def test_login_without_a_password_is_400_naming_the_field(self):
        for body in ({}, {"x": 1}):
            answer = self.web.request("POST", "/api/login", body)
            self.assert_refused_and_logged(answer, 400, "password", "login")
            self.assertIn("password: missing", answer[1]["error"])
        answer = self.web.request("POST", "/api/login", b"{}", {
            "Content-Type": "text/plain", "Origin": "http://attacker.example"})
        self.assert_refused_and_logged(answer, 403, action="POST /api/login")
        self.alive()

    # 2. to=1e18 overflowed a signed multiply (UBSan abort); any page could send it in an <img>.
    def test_history_times_that_would_overflow_are_400_with_the_range(self):
        for query in ("to=1e18", "from=-9223372036854775", "to=9223372036854775807", "points=-5"):
            status, body = self.web.request("GET", "/api/packs/1/history?" + query)
            self.assertEqual(status, 400, query)
            self.assertIn("from", body["error"], query)
            self.assertIn(" to ", body["error"], query)
        status, body = self.web.request("GET", "/api/packs/1/history?to=1e18")
        self.assertEqual(body, {"error": "to: whole Unix seconds from 0 to 4102444800", "field": "to"})
        self.alive()

    # 3. A page whose name rebinds to 127.0.0.1 logged in with the factory password and wrote.
    def test_dns_rebinding_cannot_log_in_or_write(self):
        rebound = "attacker.example:%d" % self.port
        answer = self.web.request("POST", "/api/login", {"password": "123456"}, host=rebound)
        self.assert_refused_and_logged(answer, 403, action="POST /api/login")
        self.assertIn("--allowed-host attacker.example", answer[1]["error"])
        self.web.login()
        for method, path, body in (("POST", "/api/packs/1/switch", {"name": "charge", "on": False}),
                                   ("PUT", "/api/packs/1/settings", {"cell_ovp": 3500})):
            answer = self.web.request(method, path, body, host=rebound)
            self.assert_refused_and_logged(answer, 403, action=path)
        for origin in ("http://127.0.0.1:%d" % (self.port + 1), "https://127.0.0.1:%d" % self.port,
                       "http://localhost:%d" % self.port, "null"):
            answer = self.web.request("POST", "/api/packs/1/switch", {"name": "charge", "on": False},
                                      {"Origin": origin})
            self.assert_refused_and_logged(answer, 403, action="/api/packs/1/switch")
        status, settings = self.web.request("GET", "/api/packs/1/settings")
        self.assertEqual(settings["charge_enabled"], 1)
        self.assertNotEqual(settings["cell_ovp"], 3500)
        # The page itself (same scheme, host and port) may write.
        ok = self.web.request("POST", "/api/packs/1/switch", {"name": "balance", "on": True},
                              {"Origin": "http://127.0.0.1:%d" % self.port})
        self.assertEqual(ok[0], 200, ok)

    # 5. A 600 MB chunked login was read whole (1.3 GB resident) before a 400.
    def test_chunked_and_oversized_bodies_are_refused_before_they_are_read(self):
        before = rss_kib(self.dev.proc.pid)
        s = socket.create_connection(("127.0.0.1", self.port))
        s.sendall(b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: text/plain\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n" % self.port)
        answer, sent = b"", 0
        chunk = b"%x\r\n%s\r\n" % (1 << 20, b"a" * (1 << 20))
        try:
            while sent < 600 and not select.select([s], [], [], 0.05)[0]:
                s.sendall(chunk)
                sent += 1
            answer = s.recv(4096)
        except (BrokenPipeError, ConnectionResetError):
            pass
        s.close()
        self.assertTrue(answer.startswith(b"HTTP/1.1 411 "), answer[:200])
        self.assertIn(b"Content-Length", answer)
        self.assertLess(sent, 50, "the answer came only after %d MB" % sent)
        status, body = self.web.request("POST", "/api/login", b"{}", {"Content-Length": "600000000"})
        self.assertEqual(status, 413, body)
        grown_mib = (rss_kib(self.dev.proc.pid) - before) / 1024
        print("resident memory grew by %.1f MiB under the 600 MB chunked login" % grown_mib)
        self.assertLess(grown_mib, 50)
        self.assertIn("refused", self.web.writes()[0]["result"])
        self.alive()

    # 6. Eight clients dripping a header line every 2 s made the dashboard, API and /metrics
    # unreachable (8 threads, 4 of them held by streams).
    def test_slow_clients_and_open_streams_do_not_block_other_requests(self):
        streams = []
        for _ in range(4):
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            c.request("GET", "/api/stream")
            r = c.getresponse()
            self.assertEqual(r.status, 200)
            self.assertIn(b"data: ", r.fp.readline() + r.fp.readline() + r.fp.readline())
            streams.append(c)
        slow = [socket.create_connection(("127.0.0.1", self.port)) for _ in range(8)]
        stop = threading.Event()

        def drip():
            for n in range(10):
                for s in slow:
                    try:
                        s.sendall((b"GET /api/packs HTTP/1.1\r\n" if n == 0 else b"X-Drip-%d: 1\r\n" % n))
                    except OSError:
                        pass
                if stop.wait(2):
                    return
        started = time.monotonic()
        dripper = threading.Thread(target=drip)
        dripper.start()
        try:
            time.sleep(1)
            for path in ("/", "/api/packs", "/metrics", "/api/packs/1/snapshot"):
                t0 = time.monotonic()
                status, _ = self.web.request("GET", path, timeout=5)
                self.assertEqual(status, 200, path)
                self.assertLess(time.monotonic() - t0, 3, path)
            # Each slow request is cut at its deadline (10 s after its first byte) with a 408.
            for s in slow:
                s.settimeout(max(1, 20 - (time.monotonic() - started)))
                self.assertTrue(s.recv(4096).startswith(b"HTTP/1.1 408 "))
        finally:
            stop.set()
            dripper.join()
            for s in slow:
                s.close()
            for c in streams:
                c.close()

    # 6. One client's connections are bounded: the rest of a flood is turned away, others served.
    def test_a_flood_of_connections_from_one_host_is_bounded(self):
        flood = []
        for _ in range(300):
            flood.append(socket.create_connection(("127.0.0.1", self.port), source_address=("127.0.0.2", 0)))
        time.sleep(0.5)
        turned_away = 0
        for s in flood:
            s.setblocking(False)
            try:
                turned_away += s.recv(4096).startswith(b"HTTP/1.1 503 ")
            except BlockingIOError:
                pass
        t0 = time.monotonic()
        self.assertEqual(self.web.request("GET", "/api/packs", timeout=5)[0], 200)
        self.assertLess(time.monotonic() - t0, 2)
        for s in flood:
            s.close()
        self.assertGreaterEqual(turned_away, 40)  # 16 served + 240 waiting per client

    # 8. Wrong JSON types gave 500 with an empty body and no line in the write log.
    def test_wrong_json_types_are_400_naming_the_field_and_logged(self):
        self.web.login()
        cases = [("/api/packs/1/switch", {"name": 5, "on": True}, "name"),
                 ("/api/packs/1/switch", {"name": "charge", "on": "off"}, "on"),
                 ("/api/packs/1/emergency", {"on": 1}, "on"),
                 ("/api/packs/1/factory-reset", {"confirm": "yes", "chemistry": "lfp"}, "confirm"),
                 ("/api/packs/1/factory-reset", {"confirm": True, "chemistry": 5}, "chemistry"),
                 ("/api/login", {"password": "123456", "pack": 5}, "pack"),
                 ("/api/packs/1/switch", [1, 2], "")]
        for path, body, field in cases:
            answer = self.web.request("POST", path, body)
            self.assert_refused_and_logged(answer, 400, field)
            self.assertIn(field, answer[1]["error"])
        self.alive()

    # 10. /api/params said cell_count from 1 while 1 to 7 are refused.
    def test_params_give_the_models_real_cell_count_range(self):
        status, params = self.web.request("GET", "/api/params")
        row = next(p for p in params if p["name"] == "cell_count")
        self.assertEqual((row["min"], row["max"]), (8, 16))  # JK-PB, LFP
        self.web.login()
        status, body = self.web.request("PUT", "/api/packs/1/settings", {"cell_count": 7})
        self.assertEqual(status, 422)
        self.assertEqual(body["message"], "cell_count: allowed from 8 to 16")

    # 10. 200 parallel requests met 0-5 connection resets.
    def test_200_parallel_requests_are_all_answered(self):
        for _ in range(3):
            barrier = threading.Barrier(200)
            results = []

            def one():
                barrier.wait()
                try:
                    results.append(Client(self.port).request("GET", "/api/packs/1/snapshot", timeout=20)[0])
                except OSError as e:
                    results.append(type(e).__name__)
            threads = [threading.Thread(target=one) for _ in range(200)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(results, [200] * 200, {r: results.count(r) for r in set(results)})


class AllowedHost(unittest.TestCase):
    def test_allowed_host_opens_login_and_writes_to_that_name(self):
        dev = Run(BIN, ["--http", "127.0.0.1:0", "--history", "off", "--allowed-host", "bms.test,pi.lan"], 2)
        try:
            port = dashboard_port(dev)
            web = Client(port)
            host = "bms.test:%d" % port
            status, body = web.request("POST", "/api/login", {"password": "123456"}, host=host,
                                       headers={"Origin": "http://" + host})
            self.assertEqual(status, 200, body)
            status, _ = web.request("POST", "/api/login", {"password": "123456"}, host="other.test")
            self.assertEqual(status, 403)
        finally:
            dev.close()

    def test_allowed_host_refuses_what_is_not_a_host_name(self):
        out = subprocess.run([BIN, "run", "--http", "127.0.0.1:0", "--allowed-host", "http://bms.test"],
                             capture_output=True, text=True, timeout=20)
        self.assertEqual(out.returncode, 2)
        self.assertIn("--allowed-host takes host names", out.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
