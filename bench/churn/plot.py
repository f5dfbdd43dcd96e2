"""Writes the churn series as an SVG (no plotting library on the machine): usage plot.py series.tsv out.svg.

Four panels against games played: heap after full GC per node (MiB), rooms in memory per node,
rooms-map entries owned per node, archive backlog (all nodes).
"""
import sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
head, data = rows[0], [[float(v) for v in r] for r in rows[1:]]
col = {name: i for i, name in enumerate(head)}
nodes = sorted({int(n[4:]) for n in head if n.startswith("heap")})
x = [r[col["played"]] for r in data]
panels = [
    ("heap after full GC (MiB)", [(f"node-{n}", [r[col[f"heap{n}"]] / 2**20 for r in data]) for n in nodes]),
    ("rooms in memory", [(f"node-{n}", [r[col[f"rooms{n}"]] for r in data]) for n in nodes]),
    ("rooms map entries owned", [(f"node-{n}", [r[col[f"records{n}"]] for r in data]) for n in nodes]),
    ("archive backlog", [("all nodes", [sum(r[col[f"backlog{n}"]] for n in nodes) for r in data])]),
]
colors = ["#1f77b4", "#d62728", "#2ca02c"]
W, H, PW, PH, M = 960, 760, 380, 280, 60
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W/2}" y="20" text-anchor="middle" font-size="14">churn soak: 3 nodes, against games played</text>']
xmax = max(x) or 1
for p, (title, series) in enumerate(panels):
    ox, oy = M + (p % 2) * (PW + M + 20), 50 + (p // 2) * (PH + M + 10)
    ymax = max([max(s) for _, s in series] + [1]) * 1.1
    out.append(f'<rect x="{ox}" y="{oy}" width="{PW}" height="{PH}" fill="none" stroke="#888"/>')
    out.append(f'<text x="{ox + PW/2}" y="{oy - 6}" text-anchor="middle" font-size="12">{title}</text>')
    for k in range(5):
        yv = ymax * k / 4
        yy = oy + PH - PH * k / 4
        out.append(f'<text x="{ox - 4}" y="{yy + 4}" text-anchor="end">{yv:.0f}</text>')
        xv = xmax * k / 4
        xx = ox + PW * k / 4
        out.append(f'<text x="{xx}" y="{oy + PH + 14}" text-anchor="middle">{xv:.0f}</text>')
    out.append(f'<text x="{ox + PW/2}" y="{oy + PH + 28}" text-anchor="middle">games played</text>')
    for s, (label, ys) in enumerate(series):
        pts = " ".join(f"{ox + PW * xi / xmax:.1f},{oy + PH - PH * yi / ymax:.1f}" for xi, yi in zip(x, ys))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colors[s % 3]}" stroke-width="1.5"/>')
        out.append(f'<text x="{ox + PW - 4}" y="{oy + 14 + 13 * s}" text-anchor="end" fill="{colors[s % 3]}">{label}</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out))
