#!/usr/bin/env python3
"""slowlink.py: a slow, lossy Ethernet link in userspace, for kernels without sch_netem.

Opens two TAP devices, each in a network namespace of its own choosing ("inside": the host whose
link is slowed; "outside": the bridge's namespace), and copies Ethernet frames between them. Each
frame, each way, is dropped with probability --loss, else held for --delay plus a jitter sample and
then written to the other device. Frames keep their order within a direction (a frame waits for the
one before it, as on a real link) unless --reorder is given. --rate adds a serialisation time per
frame (a bottleneck of that many bits per second).

hosts.sh (`hosts.sh slow HOST ...`) starts it, configures the devices and moves the host's address
onto the inside one; this program only moves frames. It runs in whichever namespace it was started
in and enters the two given ones (by /run/netns/NAME) only to open the devices; the devices are not
persistent, so they disappear when it exits, however it exits.

Prints "SLOWLINK-READY ..." once both devices are open, and on exit (SIGTERM, SIGINT, or a device
gone) one "SLOWLINK-STATS {json}" line. On stop, frames still held are discarded, never delivered.
Python 3 standard library only.
"""

import argparse
import ctypes
import errno
import fcntl
import heapq
import json
import math
import os
import random
import re
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000
MAX_FRAME = 65536
# Frames read from one device before the loop writes due frames again: bounds the extra delay a
# burst on one side can add to the other.
READ_BUDGET = 64


def duration_ms(text):
    """'150ms', '0.2s' or '150' (ms) -> milliseconds (float)."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|us)?\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"'{text}' is not a duration (e.g. 150ms, 0.2s)")
    value = float(m.group(1))
    unit = m.group(2) or "ms"
    return value * {"ms": 1.0, "s": 1000.0, "us": 0.001}[unit]


def fraction(text):
    """'5%' or '0.05' -> 0.05."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(%?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"'{text}' is not a fraction (e.g. 5%, 0.05)")
    value = float(m.group(1)) / (100.0 if m.group(2) else 1.0)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"'{text}' is not between 0 and 100%")
    return value


def bits_per_second(text):
    """'10mbit', '512kbit', '1gbit' or a number of bit/s -> bit/s (0: unlimited)."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(kbit|mbit|gbit|bit)?\s*", text.lower())
    if not m:
        raise argparse.ArgumentTypeError(f"'{text}' is not a rate (e.g. 10mbit, 512kbit)")
    scale = {"bit": 1, "kbit": 1e3, "mbit": 1e6, "gbit": 1e9}[m.group(2) or "bit"]
    return float(m.group(1)) * scale


class Direction:
    """One way of the link: when each frame may leave, and the frames held until then.

    Times are in seconds of the caller's clock; the class reads no clock and draws only from the
    random source it is given, so it can be driven and checked on its own.
    """

    def __init__(self, name, delay_ms, jitter_ms, distribution, loss, rate_bps, reorder, limit, rng):
        self.name = name
        self.delay = delay_ms / 1000.0
        self.jitter = jitter_ms / 1000.0
        self.distribution = distribution
        self.loss = loss
        self.rate = rate_bps
        self.reorder = reorder
        self.limit = limit
        self.rng = rng
        self.held = []  # heap of (due, sequence, frame, arrived)
        self.sequence = 0
        self.last_due = 0.0
        self.link_free = 0.0
        self.stats = {"frames_in": 0, "bytes_in": 0, "lost": 0, "overflow": 0, "delivered": 0,
                      "write_failed": 0, "discarded_at_stop": 0, "delay_ms_sum": 0.0, "delay_ms_max": 0.0}

    def sample(self):
        """One frame's delay in seconds, never negative."""
        if self.jitter <= 0:
            return self.delay
        if self.distribution == "normal":
            return max(0.0, self.rng.gauss(self.delay, self.jitter))
        return max(0.0, self.rng.uniform(self.delay - self.jitter, self.delay + self.jitter))

    def arrive(self, frame, now):
        """Takes a frame read at `now`; returns its due time, or None if it was dropped."""
        self.stats["frames_in"] += 1
        self.stats["bytes_in"] += len(frame)
        if self.loss > 0 and self.rng.random() < self.loss:
            self.stats["lost"] += 1
            return None
        if len(self.held) >= self.limit:
            self.stats["overflow"] += 1
            return None
        due = now + self.sample()
        if not self.reorder:
            due = max(due, self.last_due)
        if self.rate > 0:
            due = max(due, self.link_free)
            self.link_free = due + len(frame) * 8 / self.rate
        self.last_due = max(self.last_due, due)
        self.sequence += 1
        heapq.heappush(self.held, (due, self.sequence, frame, now))
        return due

    def next_due(self):
        return self.held[0][0] if self.held else None

    def due(self, now):
        """Pops and returns the frames due at `now`, in the order they leave."""
        out = []
        while self.held and self.held[0][0] <= now:
            _, _, frame, arrived = heapq.heappop(self.held)
            held_ms = (now - arrived) * 1000.0
            self.stats["delay_ms_sum"] += held_ms
            self.stats["delay_ms_max"] = max(self.stats["delay_ms_max"], held_ms)
            out.append(frame)
        return out

    def discard(self):
        self.stats["discarded_at_stop"] += len(self.held)
        self.held = []

    def report(self):
        s = dict(self.stats)
        left = s["delivered"] + s["write_failed"]
        if left:
            s["delay_ms_mean"] = round(s["delay_ms_sum"] / left, 2)
        s["delay_ms_sum"] = round(s["delay_ms_sum"], 1)
        s["delay_ms_max"] = round(s["delay_ms_max"], 2)
        return s


def open_tap(name, netns):
    """Opens TAP device `name` in network namespace `netns` (a name under /run/netns)."""
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(os.path.join("/run/netns", netns), os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, f"setns into {netns}: {os.strerror(e)}")
        try:
            fd = os.open("/dev/net/tun", os.O_RDWR)
            try:
                fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
            except OSError:
                os.close(fd)
                raise
        finally:
            # Back home, whatever happened: the next device, and nothing else, is opened elsewhere.
            if libc.setns(own, CLONE_NEWNET) != 0:
                e = ctypes.get_errno()
                raise OSError(e, f"setns back: {os.strerror(e)}")
    finally:
        os.close(own)
        os.close(target)
    os.set_blocking(fd, False)
    return fd


class Link:
    def __init__(self, fds, directions):
        # directions[i] carries frames read from fds[i] to fds[1 - i].
        self.fds = fds
        self.directions = directions
        self.stopping = False
        self.reason = "running"

    def run(self):
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)

        def stop(signum, _frame):
            self.stopping = True
            self.reason = signal.Signals(signum).name

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        poller = select.poll()
        for fd in self.fds:
            poller.register(fd, select.POLLIN)
        poller.register(wake_r, select.POLLIN)
        while not self.stopping:
            dues = [d.next_due() for d in self.directions if d.next_due() is not None]
            timeout = None
            if dues:
                # Rounded up: the poll never wakes before the first frame is due.
                timeout = max(0, math.ceil((min(dues) - time.monotonic()) * 1000.0))
            events = poller.poll(timeout)
            if self.stopping:
                break
            for fd, event in events:
                if fd == wake_r:
                    try:
                        os.read(wake_r, 512)
                    except BlockingIOError:
                        pass
                    continue
                if event & (select.POLLERR | select.POLLHUP | select.POLLNVAL):
                    self.stopping = True
                    self.reason = "device gone"
                    break
                self.read(self.fds.index(fd))
            now = time.monotonic()
            for i, direction in enumerate(self.directions):
                for frame in direction.due(now):
                    self.write(self.fds[1 - i], frame, direction)
        for direction in self.directions:
            direction.discard()

    def read(self, i):
        direction = self.directions[i]
        for _ in range(READ_BUDGET):
            try:
                frame = os.read(self.fds[i], MAX_FRAME)
            except BlockingIOError:
                return
            except OSError as e:
                if e.errno in (errno.EBADFD, errno.EIO, errno.ENODEV):
                    self.stopping = True
                    self.reason = "device gone"
                    return
                raise
            direction.arrive(frame, time.monotonic())

    def write(self, fd, frame, direction):
        try:
            os.write(fd, frame)
            direction.stats["delivered"] += 1
        except OSError:
            # A device not up yet, or its queue full: the frame is lost, as on a wire.
            direction.stats["write_failed"] += 1


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--inside-netns", required=True, help="namespace (under /run/netns) of the inside device")
    p.add_argument("--inside-tap", required=True, help="name of the inside device")
    p.add_argument("--outside-netns", required=True, help="namespace of the outside device")
    p.add_argument("--outside-tap", required=True, help="name of the outside device")
    p.add_argument("--delay", type=duration_ms, default=0.0, help="each way, e.g. 150ms")
    p.add_argument("--jitter", type=duration_ms, default=0.0,
                   help="uniform: +- this; normal: the standard deviation")
    p.add_argument("--distribution", choices=("uniform", "normal"), default="uniform")
    p.add_argument("--loss", type=fraction, default=0.0, help="each way, e.g. 5%%")
    p.add_argument("--rate", type=bits_per_second, default=0.0, help="each way, e.g. 10mbit (default: none)")
    p.add_argument("--reorder", action="store_true", help="let jitter reorder frames within a direction")
    p.add_argument("--limit", type=int, default=10000, help="frames held per direction at most")
    p.add_argument("--seed", type=int, help="random seed (default: from the system)")
    # The run folder of the hosts.sh run that started it: hosts.sh checks a pid against it before
    # signalling the pid (the same marker its java processes carry as -D).
    p.add_argument("--roomgate.launcher.run", dest="run", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.jitter > args.delay and args.distribution == "uniform":
        p.error("--jitter must not exceed --delay with the uniform distribution (no negative delays)")
    if args.limit < 1:
        p.error("--limit must be at least 1")
    return args


def main(argv):
    args = parse(argv)
    rng = random.Random(args.seed)
    settings = dict(delay_ms=args.delay, jitter_ms=args.jitter, distribution=args.distribution, loss=args.loss,
                    rate_bps=args.rate, reorder=args.reorder, limit=args.limit, rng=rng)
    directions = [Direction("to-outside", **settings), Direction("to-inside", **settings)]
    try:
        fds = [open_tap(args.inside_tap, args.inside_netns), open_tap(args.outside_tap, args.outside_netns)]
    except OSError as e:
        print(f"slowlink: cannot open the devices: {e}", file=sys.stderr)
        return 1
    print(f"SLOWLINK-READY inside={args.inside_netns}/{args.inside_tap} outside={args.outside_netns}/"
          f"{args.outside_tap} delay={args.delay}ms jitter={args.jitter}ms {args.distribution} loss={args.loss}"
          f" rate={args.rate}bit/s reorder={args.reorder}", flush=True)
    link = Link(fds, directions)
    try:
        link.run()
    finally:
        for fd in fds:
            os.close(fd)
        stats = {"stopped_by": link.reason, **{d.name: d.report() for d in directions}}
        print("SLOWLINK-STATS " + json.dumps(stats, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
