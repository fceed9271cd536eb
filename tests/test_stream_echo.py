"""The host event loop, pty/TCP transports and frame assembly, driven from outside the process.

softbms-echo-server (host/endpoint/tools) answers every A5 LEN PAYLOAD frame with 5A LEN PAYLOAD.
pyserial opens its pty through the symlink exactly as a JK tool would open a serial adapter.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import unittest

try:
    import serial
except ImportError:  # CMake may pick a python3 (pyenv, venv) that does not see Debian's packages
    sys.path.append("/usr/lib/python3/dist-packages")
    import serial

BIN = sys.argv.pop(1) if len(sys.argv) > 1 else "build/release/app/softbms"
ECHO = os.environ.get("SOFTBMS_ECHO_SERVER") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(BIN))), "host", "endpoint", "softbms-echo-server")


class EchoServer:
    def __init__(self, transport, timeout_ms=100):
        self.proc = subprocess.Popen([ECHO, transport, str(timeout_ms)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.ready = self.proc.stdout.readline().strip()
        if not self.ready.startswith("ready "):
            self.proc.kill()
            raise AssertionError("echo server did not start: " + self.ready + self.proc.stderr.read())

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=5)
        return self.proc.returncode, out, err


def frame(*payload):
    return bytes([0xA5, len(payload), *payload])


def reply(*payload):
    return bytes([0x5A, len(payload), *payload])


class PtyEcho(unittest.TestCase):
    def setUp(self):
        self.assertTrue(os.access(ECHO, os.X_OK), "build softbms-echo-server first: " + ECHO)
        self.link = "/tmp/softbms-echo-%d" % os.getpid()
        self.server = EchoServer("pty:" + self.link)

    def tearDown(self):
        if self.server.proc.poll() is None:
            self.server.stop(signal.SIGKILL)
        if os.path.lexists(self.link):  # only after a kill: a clean stop removes it itself
            os.unlink(self.link)

    def test_pyserial_client_gets_replies_across_reopens_and_sigterm_removes_the_link(self):
        self.assertTrue(os.path.realpath(self.link).startswith("/dev/pts/"))
        for round_ in range(3):
            with serial.Serial(self.link, 115200, timeout=1) as port:
                port.write(b"\x00\x13" + frame(1, round_) + frame(0x0D, 0x0A, 0xFF))
                self.assertEqual(port.read(9), reply(1, round_) + reply(0x0D, 0x0A, 0xFF))
        code, out, _ = self.server.stop(signal.SIGTERM)
        self.assertEqual(code, 0)
        self.assertIn("stopped by signal %d: frames 6 garbage 6" % signal.SIGTERM, out)
        self.assertFalse(os.path.lexists(self.link))

    def test_fragments_are_joined_and_a_stale_half_frame_is_dropped_after_silence(self):
        with serial.Serial(self.link, 115200, timeout=1) as port:
            for piece in (b"\xA5", b"\x03\x10", b"\x20", b"\x30"):
                port.write(piece)
                port.flush()
                time.sleep(0.01)
            self.assertEqual(port.read(5), reply(0x10, 0x20, 0x30))
            port.write(b"\xA5\x04\x01")  # half a frame, then silence beyond the 100 ms timeout
            time.sleep(0.3)
            port.write(frame(0x42))
            self.assertEqual(port.read(3), reply(0x42))
            port.timeout = 0.2
            self.assertEqual(port.read(1), b"")
        code, out, _ = self.server.stop(signal.SIGINT)
        self.assertEqual(code, 0)
        self.assertIn("stopped by signal %d: frames 2 garbage 0 timed_out 3" % signal.SIGINT, out)


class TcpEcho(unittest.TestCase):
    def test_two_tcp_clients_each_get_their_own_replies(self):
        self.assertTrue(os.access(ECHO, os.X_OK), "build softbms-echo-server first: " + ECHO)
        server = EchoServer("tcp:127.0.0.1:0")
        try:
            port = int(server.ready.rsplit(":", 1)[1])
            a = socket.create_connection(("127.0.0.1", port), timeout=2)
            b = socket.create_connection(("127.0.0.1", port), timeout=2)
            a.sendall(b"\xA5\x02\xAA")
            b.sendall(frame(0xBB))
            time.sleep(0.02)
            a.sendall(b"\xAB")
            self.assertEqual(b.recv(16), reply(0xBB))
            self.assertEqual(a.recv(16), reply(0xAA, 0xAB))
            a.close()
            b.close()
        finally:
            code, _, err = server.stop()
        self.assertEqual(code, 0)
        self.assertEqual(err.count("connected: tcp 127.0.0.1:"), 2)


if __name__ == "__main__":
    unittest.main()
