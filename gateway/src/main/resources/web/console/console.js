// The operator console: the admin API of the gateway that serves it, in a page. Every call sends the
// admin token the operator typed (kept in sessionStorage, so it ends with the tab) as a bearer token.
// Everything shown from the API is set as text, never as HTML.
import { parse, sum, max } from '/console/prometheus.js';

const POLL_MS = 3000;
const HISTORY = 100;
const TOKEN_KEY = 'roomgate.adminToken';
const $ = (id) => document.getElementById(id);

class ApiError extends Error {
  constructor(status, message) {
    super(`${status}: ${message}`);
    this.status = status;
  }
}

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function show(target, error) {
  target.textContent = error instanceof ApiError && error.status === 401
    ? `${error.message} (type the admin token above)`
    : error.message;
  target.hidden = false;
}

/** A call to the admin API; resolves with the body text, rejects with ApiError(status, its error). */
async function api(path, options = {}) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { ...options, headers, cache: 'no-store' });
  const text = await response.text();
  $('api-status').textContent = response.status === 401 ? 'the admin API wants a token' : '';
  if (!response.ok) {
    let message = text.trim();
    try {
      message = JSON.parse(text).error || message;
    } catch {
      // Not JSON: the text is the message.
    }
    throw new ApiError(response.status, message);
  }
  return text;
}

// ---------------------------------------------------------------- token

$('token').value = sessionStorage.getItem(TOKEN_KEY) || '';
$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value);
  refresh();
});
$('token-forget').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  $('token').value = '';
});

// ---------------------------------------------------------------- charts

function chart(target, title, seriesNames, height = 140) {
  const series = [{}, ...seriesNames.map((name, i) => ({
    label: name,
    stroke: ['#17a', '#d72', '#2a5', '#a2a', '#777', '#c33'][i % 6],
    width: 1.5,
  }))];
  return new window.uPlot({ title, width: 340, height, scales: { x: { time: true } }, series }, [[], ...seriesNames.map(() => [])], target);
}

/** A series history: times plus one array per name, trimmed to HISTORY points. */
function pushPoint(history, time, values) {
  history.times.push(time);
  values.forEach((v, i) => history.values[i].push(v));
  if (history.times.length > HISTORY) {
    history.times.shift();
    history.values.forEach((a) => a.shift());
  }
}

// ---------------------------------------------------------------- nodes

let roomsChart = null;
let roomsNodes = '';
let roomsHistory = null;

function renderNodes(list) {
  $('view-version').textContent = list.viewVersion;
  $('cluster-safe').textContent = list.clusterSafe ? 'yes' : 'no';
  $('cluster-safe').dataset.safe = String(list.clusterSafe);
  $('nodes-updated').textContent = new Date().toLocaleTimeString();
  const body = $('nodes');
  body.replaceChildren();
  for (const n of list.nodes) {
    const tr = el('tr', { 'data-node': n.nodeId, 'data-state': n.state });
    for (const text of [n.nodeId, n.state, String(n.rooms), String(n.sessions),
      `${n.minEpoch}–${n.maxEpoch}`, n.linkAddress, String(n.pid)]) {
      tr.appendChild(el('td', {}, text));
    }
    const td = el('td');
    const drain = el('button', { type: 'button', class: 'drain', 'data-node': n.nodeId }, 'Drain');
    drain.disabled = n.state === 'DRAINING';
    drain.addEventListener('click', () => askDrain(n));
    td.appendChild(drain);
    tr.appendChild(td);
    body.appendChild(tr);
  }

  const ids = list.nodes.map((n) => n.nodeId).sort();
  if (ids.join(',') !== roomsNodes) {
    roomsNodes = ids.join(',');
    roomsHistory = { ids, times: [], values: ids.map(() => []) };
    $('rooms-chart').replaceChildren();
    roomsChart = ids.length ? chart($('rooms-chart'), '', ids, 180) : null;
  }
  if (roomsChart) {
    const rooms = new Map(list.nodes.map((n) => [n.nodeId, n.rooms]));
    pushPoint(roomsHistory, Date.now() / 1000, roomsHistory.ids.map((id) => rooms.get(id) ?? 0));
    roomsChart.setData([roomsHistory.times, ...roomsHistory.values]);
  }
}

async function refreshNodes() {
  // Every route but /metrics needs the token: without one, ask for it rather than collect 401s.
  if (!sessionStorage.getItem(TOKEN_KEY)) {
    $('api-status').textContent = 'the admin API needs its token: type it above';
    return;
  }
  try {
    renderNodes(JSON.parse(await api('/nodes')));
    $('nodes-error').hidden = true;
  } catch (e) {
    show($('nodes-error'), e);
  }
}

let drainTarget = null;

function askDrain(node) {
  drainTarget = node.nodeId;
  $('drain-text').textContent = `Drain ${node.nodeId}? It hands its ${node.rooms} rooms to other nodes and takes no new ones. `
    + 'Its games go on; their players are moved with them.';
  $('drain-dialog').showModal();
}

$('drain-dialog').addEventListener('close', async () => {
  if ($('drain-dialog').returnValue !== 'drain' || !drainTarget) return;
  const node = drainTarget;
  drainTarget = null;
  try {
    await api(`/nodes/${encodeURIComponent(node)}/drain`, { method: 'POST' });
    $('drain-result').textContent = `${node} is draining`;
    $('drain-result').dataset.node = node;
    $('drain-result').hidden = false;
    $('nodes-error').hidden = true;
  } catch (e) {
    show($('nodes-error'), e);
  }
  refreshNodes();
});

// ---------------------------------------------------------------- a room, a dry run

$('room-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = $('room-id').value.trim();
  const out = $('room-result');
  out.replaceChildren();
  $('room-error').hidden = true;
  if (!id) return;
  try {
    const room = JSON.parse(await api(`/rooms/${encodeURIComponent(id)}`));
    const rows = [['room', room.roomId], ['lives on', room.ownerNodeId], ['game', room.gameType],
      ['epoch', room.epoch], ['last sequence', room.lastSequence],
      ['record primary', room.recordPrimaryNodeId], ['participants', (room.participants || []).join(', ')]];
    for (const [k, v] of rows) {
      out.appendChild(el('dt', {}, k));
      out.appendChild(el('dd', {}, String(v ?? '')));
    }
    out.dataset.owner = room.ownerNodeId;
  } catch (err) {
    show($('room-error'), err);
  }
});

$('dry-run-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const op = $('dry-run-op').value;
  const node = $('dry-run-node').value.trim();
  $('dry-run-error').hidden = true;
  $('dry-run-shares').replaceChildren();
  $('dry-run-summary').textContent = '';
  try {
    const run = JSON.parse(await api(`/placement/dry-run?${op}=${encodeURIComponent(node)}`));
    $('dry-run-summary').textContent = `${run.change}: ${run.liveRoomsMoving} live rooms move now; `
      + `${(run.newPlacementsMoving * 100).toFixed(1)}% of new rooms would be placed elsewhere.`;
    const nodes = [...new Set([...Object.keys(run.shareBefore || {}), ...Object.keys(run.shareAfter || {})])].sort();
    for (const n of nodes) {
      const tr = el('tr');
      tr.appendChild(el('td', {}, n));
      tr.appendChild(el('td', {}, `${((run.shareBefore?.[n] || 0) * 100).toFixed(1)}%`));
      tr.appendChild(el('td', {}, `${((run.shareAfter?.[n] || 0) * 100).toFixed(1)}%`));
      $('dry-run-shares').appendChild(tr);
    }
  } catch (err) {
    show($('dry-run-error'), err);
  }
});

// ---------------------------------------------------------------- live figures

/** Each figure: a title, series names, and the values of one scrape given the previous one. */
const FIGURES = [
  { title: 'connections', names: ['connections', 'sessions'],
    values: (s) => [sum(s, 'roomgate_gateway_connections'), sum(s, 'roomgate_gateway_sessions')] },
  { title: 'messages/s', names: ['in', 'errors'],
    values: (s, p, dt) => [rate(s, p, dt, 'roomgate_gateway_messages_total'), rate(s, p, dt, 'roomgate_gateway_errors_total')] },
  { title: 'move latency (ms)', names: ['mean', 'max'],
    values: (s, p) => [meanMs(s, p, 'roomgate_gateway_move_latency_seconds'), max(s, 'roomgate_gateway_move_latency_seconds_max') * 1000] },
  { title: 'event-loop delay (ms, max)', names: ['max'],
    values: (s) => [max(s, 'roomgate_eventloop_delay_seconds_max') * 1000] },
];

function rate(now, before, dt, name) {
  if (!before) return null;
  const d = sum(now, name) - sum(before, name);
  return Number.isFinite(d) ? Math.max(0, d) / dt : null;
}

function meanMs(now, before, timer) {
  if (!before) return null;
  const count = sum(now, `${timer}_count`) - sum(before, `${timer}_count`);
  const total = sum(now, `${timer}_sum`) - sum(before, `${timer}_sum`);
  return count > 0 ? (total / count) * 1000 : null;
}

const figures = FIGURES.map((f) => {
  const box = el('div', { class: 'panel figure', 'data-figure': f.title });
  box.appendChild(el('h3', {}, f.title));
  const latest = el('p', { class: 'meta latest' }, '…');
  box.appendChild(latest);
  const plot = el('div');
  box.appendChild(plot);
  $('figures').appendChild(box);
  return { ...f, box, latest, chart: chart(plot, '', f.names, 110), history: { times: [], values: f.names.map(() => []) } };
});

let previous = null;

async function refreshMetrics() {
  try {
    const samples = parse(await api('/metrics'));
    const now = Date.now() / 1000;
    const dt = previous ? now - previous.at : 0;
    for (const f of figures) {
      const values = f.values(samples, previous?.samples, dt).map((v) => (Number.isFinite(v) ? v : null));
      pushPoint(f.history, now, values);
      f.chart.setData([f.history.times, ...f.history.values]);
      f.latest.textContent = f.names.map((n, i) => `${n} ${values[i] === null ? '–' : round(values[i])}`).join(' · ');
      f.box.dataset.latest = JSON.stringify(values);
    }
    previous = { at: now, samples };
    $('metrics-error').hidden = true;
  } catch (e) {
    show($('metrics-error'), e);
  }
}

function round(v) {
  return Number.isInteger(v) || Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
}

function refresh() {
  refreshNodes();
  refreshMetrics();
}

$('interval').textContent = String(POLL_MS / 1000);
refresh();
setInterval(refresh, POLL_MS);
