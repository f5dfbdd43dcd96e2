"""The schedule of slowlink.py on its own, with a made-up clock: no devices, no root.

    python3 -m unittest -v slowlink_test      (in deploy/netns; SlowLinkSystemTest runs it too)
"""

import argparse
import contextlib
import io
import random
import unittest

import slowlink


def direction(delay=0.0, jitter=0.0, distribution="uniform", loss=0.0, rate=0.0, reorder=False, limit=100000,
              seed=1):
    return slowlink.Direction("test", delay, jitter, distribution, loss, rate, reorder, limit, random.Random(seed))


class DirectionTest(unittest.TestCase):
    def test_a_fixed_delay_holds_each_frame_exactly_that_long(self):
        d = direction(delay=150)
        self.assertAlmostEqual(d.arrive(b"x", 10.0), 10.150)
        self.assertEqual(d.due(10.149), [])
        self.assertEqual(d.due(10.150), [b"x"])

    def test_uniform_jitter_stays_within_the_delay_plus_or_minus_the_jitter_and_spans_it(self):
        d = direction(delay=150, jitter=50, reorder=True)
        delays = [d.arrive(b"x", float(i)) - i for i in range(5000)]
        self.assertGreaterEqual(min(delays), 0.100)
        self.assertLessEqual(max(delays), 0.200)
        self.assertLess(min(delays), 0.105)
        self.assertGreater(max(delays), 0.195)
        self.assertAlmostEqual(sum(delays) / len(delays), 0.150, delta=0.003)

    def test_normal_jitter_has_the_jitter_as_its_standard_deviation_and_no_negative_delay(self):
        d = direction(delay=20, jitter=20, distribution="normal", reorder=True)
        delays = [d.arrive(b"x", float(i)) - i for i in range(20000)]
        self.assertGreaterEqual(min(delays), 0.0)
        # Clipped at 0 below: about 16% of draws; the upper half is untouched.
        above = sorted(x for x in delays if x > 0.020)
        self.assertAlmostEqual(above[int(len(above) * 0.6827)], 0.040, delta=0.002)

    def test_frames_leave_in_the_order_they_came_unless_reordering_is_asked_for(self):
        for reorder in (False, True):
            d = direction(delay=100, jitter=50, reorder=reorder)
            for i in range(1000):
                d.arrive(str(i).encode(), i * 0.001)
            out = [int(f) for f in d.due(100.0)]
            self.assertEqual(len(out), 1000)
            if reorder:
                self.assertNotEqual(out, sorted(out))
            else:
                self.assertEqual(out, list(range(1000)))

    def test_keeping_order_never_holds_a_frame_longer_than_the_delay_plus_the_jitter(self):
        d = direction(delay=100, jitter=50)
        dues = [d.arrive(b"x", i * 0.001) - i * 0.001 for i in range(2000)]
        self.assertLessEqual(max(dues), 0.150 + 1e-9)
        self.assertGreaterEqual(min(dues), 0.050)

    def test_the_loss_drops_that_share_of_the_frames(self):
        d = direction(loss=0.05, seed=7)
        for i in range(40000):
            d.arrive(b"x", 0.0)
        self.assertAlmostEqual(d.stats["lost"] / 40000, 0.05, delta=0.004)
        self.assertEqual(len(d.due(0.0)), 40000 - d.stats["lost"])

    def test_the_rate_spaces_frames_by_their_length(self):
        d = direction(rate=1e6)
        dues = [d.arrive(b"x" * 1250, 0.0) for _ in range(10)]
        for i, due in enumerate(dues):
            self.assertAlmostEqual(due, i * 0.010)
        # An idle link sends the next frame at once again.
        self.assertAlmostEqual(d.arrive(b"x" * 1250, 5.0), 5.0)

    def test_frames_beyond_the_limit_are_dropped_and_counted(self):
        d = direction(delay=100, limit=3)
        for _ in range(5):
            d.arrive(b"x", 0.0)
        self.assertEqual(d.stats["overflow"], 2)
        self.assertEqual(len(d.due(1.0)), 3)

    def test_a_stop_discards_what_is_held(self):
        d = direction(delay=100)
        d.arrive(b"a", 0.0)
        d.arrive(b"b", 0.05)
        self.assertEqual(d.due(0.1), [b"a"])
        d.discard()
        self.assertEqual(d.stats["discarded_at_stop"], 1)
        self.assertEqual(d.due(10.0), [])
        self.assertIsNone(d.next_due())


class ArgumentsTest(unittest.TestCase):
    BASE = ["--inside-netns", "a", "--inside-tap", "t0", "--outside-netns", "b", "--outside-tap", "t1"]

    def parse_fails(self, extra):
        with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(SystemExit) as e:
            slowlink.parse(self.BASE + extra)
        self.assertEqual(e.exception.code, 2)

    def test_units(self):
        self.assertEqual(slowlink.duration_ms("150ms"), 150.0)
        self.assertEqual(slowlink.duration_ms("0.2s"), 200.0)
        self.assertEqual(slowlink.fraction("5%"), 0.05)
        self.assertEqual(slowlink.fraction("0.05"), 0.05)
        self.assertEqual(slowlink.bits_per_second("10mbit"), 1e7)
        for bad, parse in (("fast", slowlink.duration_ms), ("150%", slowlink.fraction), ("1 tbit", slowlink.bits_per_second)):
            with self.assertRaises(argparse.ArgumentTypeError):
                parse(bad)

    def test_settings_that_make_no_sense_are_refused(self):
        self.parse_fails(["--delay", "10ms", "--jitter", "20ms"])
        self.parse_fails(["--loss", "101%"])
        self.parse_fails(["--limit", "0"])
        self.parse_fails(["--distribution", "pareto"])
        args = slowlink.parse(self.BASE + ["--delay", "150ms", "--jitter", "50ms", "--loss", "5%"])
        self.assertEqual((args.delay, args.jitter, args.loss), (150.0, 50.0, 0.05))


if __name__ == "__main__":
    unittest.main()
