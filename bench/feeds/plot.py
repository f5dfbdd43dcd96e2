#!/usr/bin/env python3
"""Latency against deliveries/s from FeedBench --csv files, as a hand-written SVG (no plotting library).

    bench/feeds/plot.py OUT.svg LABEL=FILE.csv [LABEL=FILE.csv ...]

Each series is drawn twice: p99 (solid) and p50 (dashed), y on a log scale (1 ms .. 10 s).
"""
import csv
import math
import sys

W, H, L, R, T, B = 760, 440, 70, 180, 30, 50
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]


def main():
    out, series = sys.argv[1], []
    for arg in sys.argv[2:]:
        label, path = arg.split("=", 1)
        with open(path) as f:
            rows = [r for r in csv.DictReader(f)]
        series.append((label, rows))
    xmax = max(float(r["deliveries_per_s"]) for _, rows in series for r in rows) * 1.1
    ymin, ymax = 1.0, 10000.0

    def x(v):
        return L + (W - L - R) * v / xmax

    def y(v):
        v = min(max(v, ymin), ymax)
        return T + (H - T - B) * (1 - (math.log10(v) - math.log10(ymin)) / (math.log10(ymax) - math.log10(ymin)))

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>']
    for v in [1, 10, 50, 100, 1000, 10000]:
        svg.append(f'<line x1="{L}" x2="{W - R}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{L - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>')
    svg.append(f'<line x1="{L}" x2="{W - R}" y1="{y(50):.1f}" y2="{y(50):.1f}" stroke="#999" stroke-dasharray="2,3"/>')
    step = 10 ** math.floor(math.log10(xmax / 2))
    v = 0
    while v <= xmax:
        svg.append(f'<text x="{x(v):.1f}" y="{H - B + 18}" text-anchor="middle">{int(v):,}</text>')
        svg.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{T}" y2="{H - B}" stroke="#eee"/>')
        v += step
    svg.append(f'<text x="{(L + W - R) / 2}" y="{H - 10}" text-anchor="middle">deliveries/s (one gateway)</text>')
    svg.append(f'<text x="16" y="{(T + H - B) / 2}" transform="rotate(-90 16 {(T + H - B) / 2})" '
               'text-anchor="middle">publish-to-deliver latency, ms (log)</text>')
    for i, (label, rows) in enumerate(series):
        c = COLORS[i % len(COLORS)]
        for key, dash in (("p99_ms", ""), ("p50_ms", ' stroke-dasharray="5,4"')):
            pts = " ".join(f'{x(float(r["deliveries_per_s"])):.1f},{y(float(r[key])):.1f}' for r in rows)
            svg.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"{dash}/>')
            for r in rows:
                svg.append(f'<circle cx="{x(float(r["deliveries_per_s"])):.1f}" cy="{y(float(r[key])):.1f}" r="3" fill="{c}"/>')
        svg.append(f'<line x1="{W - R + 10}" x2="{W - R + 30}" y1="{T + 10 + 20 * i}" y2="{T + 10 + 20 * i}" stroke="{c}" stroke-width="2"/>')
        svg.append(f'<text x="{W - R + 36}" y="{T + 14 + 20 * i}">{label}</text>')
    n = len(series)
    svg.append(f'<text x="{W - R + 10}" y="{T + 20 + 20 * n}">solid p99, dashed p50</text>')
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
