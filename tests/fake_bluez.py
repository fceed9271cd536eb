#!/usr/bin/env python3
"""A stand-in for bluetoothd on a private D-Bus, for the Bluetooth tests (docs/bluetooth.md).

It owns org.bluez and serves the parts of BlueZ's documented D-Bus API that softbms uses:
ObjectManager at /, Adapter1 with discovery on /org/bluez/hci0, Device1 objects that appear once
discovery is on, GattService1 / GattCharacteristic1 objects that appear after Connect() (with
ServicesResolved turning true a moment later, as in BlueZ), StartNotify / WriteValue, and the
characteristic's notifications as PropertiesChanged of Value in 20-byte pieces, each frame
starting a new piece, as a JK board sends them on the default MTU.

A device is a radio-less JK board:
  --device ADDRESS,NAME,tcp:HOST:PORT   bridges to a `softbms run` jk02 TCP endpoint
  --device ADDRESS,NAME,jk04            replays captured JK04 frames (protocols/jk/testdata)

For the peripheral direction it is the central: GattManager1.RegisterApplication reads the
application back (GetManagedObjects) and LEAdvertisingManager1.RegisterAdvertisement reads the
advertisement's properties (GetAll), as BlueZ does; org.softbms.FakeBluez1.CentralRead then
subscribes to the registered characteristic, writes a command and returns the frames rebuilt
from the notifications.

org.softbms.FakeBluez1 at /org/softbms/fake also lets a test drop a device (the board going out
of range) and count connections. Only Python and Debian's python3-dbus / python3-gi are used.
"""
import argparse
import os
import socket
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

PROPS = "org.freedesktop.DBus.Properties"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
ADAPTER = "org.bluez.Adapter1"
DEVICE = "org.bluez.Device1"
SERVICE = "org.bluez.GattService1"
CHAR = "org.bluez.GattCharacteristic1"
GATT_MANAGER = "org.bluez.GattManager1"
ADV_MANAGER = "org.bluez.LEAdvertisingManager1"
ADVERTISEMENT = "org.bluez.LEAdvertisement1"
FAKE = "org.softbms.FakeBluez1"
JK_SERVICE = "0000ffe0-0000-1000-8000-00805f9b34fb"
JK_CHAR = "0000ffe1-0000-1000-8000-00805f9b34fb"
CHUNK = 20
FRAME_HEADER = bytes.fromhex("55AAEB90")
COMMAND_HEADER = bytes.fromhex("AA5590EB")
TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protocols", "jk", "testdata",
                        "jk-frames.txt")


class Failed(dbus.DBusException):
    _dbus_error_name = "org.bluez.Error.Failed"


class NotAvailable(dbus.DBusException):
    _dbus_error_name = "org.bluez.Error.NotAvailable"


def captured(name):
    """A frame of protocols/jk/testdata/jk-frames.txt by the name in its source line."""
    want = "(" + name + ")"
    with open(TESTDATA) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#") and want in line:
            return bytes.fromhex(lines[i + 1].strip())
    raise KeyError(name)


def split_frames(buf):
    """Whole JK messages at the front of buf (300-byte frames, 20-byte commands) and the rest."""
    out = []
    while True:
        starts = [i for i in (buf.find(FRAME_HEADER), buf.find(COMMAND_HEADER)) if i >= 0]
        if not starts:
            return out, b""
        i = min(starts)
        size = 300 if buf[i:i + 4] == FRAME_HEADER else CHUNK
        if len(buf) - i < size:
            return out, buf[i:]
        out.append(buf[i:i + size])
        buf = buf[i + size:]


class Obj(dbus.service.Object):
    """An object with BlueZ-style properties (Properties.Get/GetAll/Set, PropertiesChanged)."""

    def __init__(self, bus, path, props):
        super().__init__(bus, path)
        self.path = path
        self.props = props  # {interface: {name: value}}

    def set(self, iface, name, value):
        self.props[iface][name] = value
        self.PropertiesChanged(iface, {name: value}, [])

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v")
    def Get(self, iface, name):
        return self.props[iface][name]

    @dbus.service.method(PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, iface):
        return self.props.get(iface, {})

    @dbus.service.signal(PROPS, signature="sa{sv}as")
    def PropertiesChanged(self, iface, changed, invalidated):
        pass


class Root(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, "/")
        self.objects = {}

    def add(self, obj):
        self.objects[obj.path] = obj
        self.InterfacesAdded(obj.path, obj.props)

    def remove(self, obj):
        if self.objects.pop(obj.path, None) is not None:
            self.InterfacesRemoved(obj.path, list(obj.props))
            obj.remove_from_connection()

    @dbus.service.method(OBJECT_MANAGER, out_signature="a{oa{sa{sv}}}")
    def GetManagedObjects(self):
        return {path: o.props for path, o in self.objects.items()}

    @dbus.service.signal(OBJECT_MANAGER, signature="oa{sa{sv}}")
    def InterfacesAdded(self, path, interfaces):
        pass

    @dbus.service.signal(OBJECT_MANAGER, signature="oas")
    def InterfacesRemoved(self, path, interfaces):
        pass


class Characteristic(Obj):
    def __init__(self, bus, path, service_path, device):
        super().__init__(bus, path, {CHAR: {
            "UUID": JK_CHAR, "Service": dbus.ObjectPath(service_path),
            "Flags": dbus.Array(["write-without-response", "write", "notify"], signature="s"),
            "Notifying": False, "Value": dbus.Array([], signature="y")}})
        self.device = device

    @dbus.service.method(CHAR, in_signature="a{sv}", out_signature="ay")
    def ReadValue(self, options):
        return self.props[CHAR]["Value"]

    @dbus.service.method(CHAR, in_signature="aya{sv}")
    def WriteValue(self, value, options):
        if not self.device.connected:
            raise Failed("Not connected")
        self.device.board_write(bytes(value))

    @dbus.service.method(CHAR)
    def StartNotify(self):
        self.set(CHAR, "Notifying", True)

    @dbus.service.method(CHAR)
    def StopNotify(self):
        self.set(CHAR, "Notifying", False)

    def notify(self, message):
        if not self.props[CHAR]["Notifying"]:
            return
        for i in range(0, len(message), CHUNK):
            self.set(CHAR, "Value", dbus.Array(message[i:i + CHUNK], signature="y"))


class Device(Obj):
    def __init__(self, fake, address, name, board):
        self.fake = fake
        self.address = address
        path = "/org/bluez/hci0/dev_" + address.replace(":", "_")
        super().__init__(fake.bus, path, {DEVICE: {
            "Address": address, "Name": name, "Alias": name, "Adapter": dbus.ObjectPath("/org/bluez/hci0"),
            "Connected": False, "ServicesResolved": False, "Paired": False,
            "RSSI": dbus.Int16(-60 - len(fake.devices) * 7),
            "UUIDs": dbus.Array([JK_SERVICE], signature="s")}})
        self.board = board
        self.connected = False
        self.connects = 0
        self.refuse = 0
        self.sock = None
        self.watch = None
        self.rx = b""
        self.service = None
        self.char = None

    @property
    def known(self):
        return self.path in self.fake.root.objects

    @dbus.service.method(DEVICE)
    def Connect(self):
        if self.refuse > 0:
            self.refuse -= 1
            raise Failed("le-connection-abort-by-local")
        if self.connected:
            return
        if self.board.startswith("tcp:"):
            host, port = self.board[4:].rsplit(":", 1)
            try:
                self.sock = socket.create_connection((host, int(port)), timeout=2)
            except OSError as e:
                raise Failed("board unreachable: %s" % e)
            self.sock.setblocking(False)
            self.watch = GLib.io_add_watch(self.sock.fileno(), GLib.IO_IN | GLib.IO_HUP, self.on_board_bytes)
        self.connected = True
        self.connects += 1
        self.set(DEVICE, "Connected", True)
        spath = self.path + "/service000c"
        self.service = Obj(self.fake.bus, spath, {SERVICE: {
            "UUID": JK_SERVICE, "Primary": True, "Device": dbus.ObjectPath(self.path)}})
        self.char = Characteristic(self.fake.bus, spath + "/char000d", spath, self)
        self.fake.root.add(self.service)
        self.fake.root.add(self.char)
        # BlueZ resolves the services after Connect() has returned.
        GLib.timeout_add(150, lambda: self.connected and self.set(DEVICE, "ServicesResolved", True) and False)

    @dbus.service.method(DEVICE)
    def Disconnect(self):
        self.drop()

    def drop(self):
        if self.watch is not None:
            GLib.source_remove(self.watch)
            self.watch = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self.rx = b""
        if self.char is not None:
            self.fake.root.remove(self.char)
            self.fake.root.remove(self.service)
            self.char = self.service = None
        if self.connected:
            self.connected = False
            self.set(DEVICE, "ServicesResolved", False)
            self.set(DEVICE, "Connected", False)

    def board_write(self, data):
        if self.sock is not None:
            self.sock.sendall(data)
        elif self.board == "jk04" and data[:4] == COMMAND_HEADER and len(data) == CHUNK:
            replies = {0x97: ["DEVICE_INFO_JK04"], 0x96: ["SETTINGS_JK04_B5A24S", "CELL_INFO_JK04_B5A24S"]}
            for name in replies.get(data[4], []):
                self.char.notify(captured(name))

    def on_board_bytes(self, fd, cond):
        try:
            data = self.sock.recv(4096)
        except BlockingIOError:
            return True
        except OSError:
            data = b""
        if not data:
            self.watch = None
            self.drop()
            return False
        frames, self.rx = split_frames(self.rx + data)
        for f in frames:
            self.char.notify(f)
        return True


class Adapter(Obj):
    def __init__(self, fake):
        super().__init__(fake.bus, "/org/bluez/hci0", {
            ADAPTER: {"Address": "00:1A:7D:DA:71:13", "Name": "fake", "Powered": True, "Discovering": False},
            GATT_MANAGER: {}, ADV_MANAGER: {"ActiveInstances": dbus.Byte(0)}})
        self.fake = fake
        self.filter = {}
        self.applications = []  # (sender, path, characteristic path)
        self.advertisements = []  # (sender, path, properties)

    @dbus.service.method(ADAPTER, in_signature="a{sv}")
    def SetDiscoveryFilter(self, f):
        self.filter = dict(f)

    @dbus.service.method(ADAPTER)
    def StartDiscovery(self):
        self.set(ADAPTER, "Discovering", True)
        for d in self.fake.devices.values():
            if not d.known:
                self.fake.root.add(d)

    @dbus.service.method(ADAPTER)
    def StopDiscovery(self):
        if not self.props[ADAPTER]["Discovering"]:
            raise Failed("No discovery started")
        self.set(ADAPTER, "Discovering", False)

    @dbus.service.method(GATT_MANAGER, in_signature="oa{sv}", sender_keyword="sender")
    def RegisterApplication(self, path, options, sender=None):
        app = self.fake.bus.get_object(sender, path)
        objects = app.GetManagedObjects(dbus_interface=OBJECT_MANAGER)
        services = {p for p, ifs in objects.items() if ifs.get(SERVICE, {}).get("UUID") == JK_SERVICE}
        chars = [p for p, ifs in objects.items()
                 if ifs.get(CHAR, {}).get("UUID") == JK_CHAR and ifs[CHAR].get("Service") in services
                 and {"notify", "write"} <= set(ifs[CHAR].get("Flags", []))]
        if not chars:
            raise NotAvailable("no JK service 0xFFE0 with a notify/write 0xFFE1 characteristic")
        self.applications.append((sender, str(path), str(chars[0])))

    @dbus.service.method(GATT_MANAGER, in_signature="o", sender_keyword="sender")
    def UnregisterApplication(self, path, sender=None):
        self.applications = [a for a in self.applications if (a[0], a[1]) != (sender, str(path))]

    @dbus.service.method(ADV_MANAGER, in_signature="oa{sv}", sender_keyword="sender")
    def RegisterAdvertisement(self, path, options, sender=None):
        props = self.fake.bus.get_object(sender, path).GetAll(ADVERTISEMENT, dbus_interface=PROPS)
        if props.get("Type") not in ("peripheral", "broadcast"):
            raise Failed("bad advertisement type")
        self.advertisements.append((sender, str(path), dict(props)))

    @dbus.service.method(ADV_MANAGER, in_signature="o", sender_keyword="sender")
    def UnregisterAdvertisement(self, path, sender=None):
        self.advertisements = [a for a in self.advertisements if (a[0], a[1]) != (sender, str(path))]


class Control(dbus.service.Object):
    def __init__(self, fake):
        super().__init__(fake.bus, "/org/softbms/fake")
        self.fake = fake
        self.subscribed = set()

    @dbus.service.method(FAKE, in_signature="su")
    def Drop(self, address, refuse):
        d = self.fake.devices[address]
        d.refuse = int(refuse)
        d.drop()

    @dbus.service.method(FAKE, in_signature="s", out_signature="u")
    def Connects(self, address):
        return self.fake.devices[address].connects

    @dbus.service.method(FAKE, out_signature="a{sv}")
    def Adapter(self):
        a = self.fake.adapter
        return {"filter_transport": str(a.filter.get("Transport", "")), "applications": len(a.applications),
                "advertisements": dbus.Array([dbus.Dictionary(p[2], signature="sv") for p in a.advertisements],
                                             signature="a{sv}")}

    @dbus.service.method(FAKE, in_signature="ayud", out_signature="aayu", async_callbacks=("ok", "err"))
    def CentralRead(self, command, count, seconds, ok, err):
        """As a central on the last registered application: subscribe, write `command`, and
        return the first `count` frames rebuilt from the notifications and the largest
        notification seen."""
        if not self.fake.adapter.applications:
            err(Failed("no application registered"))
            return
        sender, _, char_path = self.fake.adapter.applications[-1]
        char = self.fake.bus.get_object(sender, char_path)
        state = {"buf": b"", "frames": [], "largest": 0, "done": False}

        def finish():
            if not state["done"]:
                state["done"] = True
                match.remove()
                ok(dbus.Array([dbus.ByteArray(f) for f in state["frames"][:count]], signature="ay"),
                   dbus.UInt32(state["largest"]))
            return False

        def on_changed(iface, changed, invalidated):
            if iface != CHAR or "Value" not in changed or state["done"]:
                return
            piece = bytes(changed["Value"])
            state["largest"] = max(state["largest"], len(piece))
            if piece[:4] == FRAME_HEADER:
                state["buf"] = b""
            state["buf"] += piece
            if len(state["buf"]) >= 300:
                frame, state["buf"] = state["buf"][:300], b""
                if frame[:4] == FRAME_HEADER and sum(frame[:299]) & 0xFF == frame[299]:
                    state["frames"].append(frame)
                    if len(state["frames"]) >= count:
                        finish()

        match = self.fake.bus.add_signal_receiver(on_changed, "PropertiesChanged", PROPS, sender, char_path)
        if (sender, char_path) not in self.subscribed:
            char.StartNotify(dbus_interface=CHAR)
            self.subscribed.add((sender, char_path))
        char.WriteValue(dbus.ByteArray(bytes(command)), {"type": "request"}, dbus_interface=CHAR)
        GLib.timeout_add(int(seconds * 1000), finish)


class Fake:
    def __init__(self, devices):
        dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
        self.bus = dbus.SystemBus()  # DBUS_SYSTEM_BUS_ADDRESS: the test's private bus
        self.root = Root(self.bus)
        self.devices = {}
        self.adapter = Adapter(self)
        self.root.add(self.adapter)
        for spec in devices:
            address, name, board = spec.split(",", 2)
            self.devices[address] = Device(self, address, name, board)
        self.control = Control(self)
        self.name = dbus.service.BusName("org.bluez", self.bus)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", action="append", default=[], help="ADDRESS,NAME,tcp:HOST:PORT or ADDRESS,NAME,jk04")
    args = p.parse_args()
    fake = Fake(args.device)
    print("fake bluez ready", flush=True)
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, loop.quit)
    loop.run()
    del fake


if __name__ == "__main__":
    sys.exit(main())
