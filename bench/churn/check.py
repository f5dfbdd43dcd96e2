"""Every game of every passed batch is in the archive, equal move for move to what was played.

Usage: check.py GATEWAY_PORT batches.tsv games.uci BATCH. Room PREFIX-i played line i of games.uci
(play-pgn passed the batch: each participant saw each of those moves, as acknowledged). Reads
GET /games/PREFIX-i  and compares its moves' UCI with that line.
"""
import http.client
import json
import sys

port, batches, uci_file, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
played = [line.split() for line in open(uci_file)]


def get(path):
    """One request on a new connection (the gateway may close a keep-alive connection)."""
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


checked = equal = missing = different = 0
examples = []
for row in open(batches):
    prefix, n, status = row.split()
    if status != "passed":
        continue
    for i in range(int(n)):
        room = f"{prefix}-{i}"
        status_code, body = get(f"/games/{room}")
        checked += 1
        if status_code != 200:
            missing += 1
            if len(examples) < 5:
                examples.append(f"{room}: HTTP {status_code} {body[:120]!r}")
            continue
        moves = [m["uci"] for m in json.loads(body)["moves"]]
        if moves == played[i]:
            equal += 1
        else:
            different += 1
            if len(examples) < 5:
                examples.append(f"{room}: archived {len(moves)} moves, played {len(played[i])}")
print(f"archive check: {checked} finished games, {equal} archived and equal move for move, "
      f"{missing} missing, {different} different")
for e in examples:
    print("  " + e)
sys.exit(0 if checked > 0 and equal == checked else 1)
