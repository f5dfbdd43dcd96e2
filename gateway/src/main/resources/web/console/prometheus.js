// Reads Prometheus' text format into samples, and sums or maxes them by metric name. Enough for the
// console's figures; not a general parser (no escaped quotes inside label values are needed here).

/** [{name, labels: {k: v}, value}] for each sample line of a scrape. */
export function parse(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    if (m[3]) {
      for (const pair of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    }
    samples.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return samples;
}

/** The sum of every sample of a metric (NaN if it has none). */
export function sum(samples, name) {
  const found = samples.filter((s) => s.name === name);
  return found.length ? found.reduce((a, s) => a + s.value, 0) : NaN;
}

/** The largest sample of a metric (NaN if it has none). */
export function max(samples, name) {
  const found = samples.filter((s) => s.name === name);
  return found.length ? Math.max(...found.map((s) => s.value)) : NaN;
}
