// The arena page: draws the field on a canvas, interpolating between the server's 30 Hz ticks (the
// picture runs one tick behind the newest, so there is always a tick on each side of what is drawn),
// and sends the keyboard's direction when it changes. The newest positions are also kept as data
// attributes in #players, for tests and tools.
import { params, el, showError, connect } from '/js/page.js';

const TICK_MS = 1000 / 30;
const RADIUS = 2;
const roomId = params.get('room') || '';
const role = params.get('role') === 'SPECTATOR' ? 'SPECTATOR' : 'PLAYER';
const displayName = params.get('name') || undefined;
const $ = (id) => document.getElementById(id);
const canvas = $('field');
const ctx = canvas.getContext('2d');

$('room-id').textContent = roomId;
document.title = `roomgate arena ${roomId}`;

let client;
let me = '';
const names = new Map();
/** The two newest ticks, each {at: receive time, state}. */
let previous = null;
let latest = null;

function onTick(state) {
  previous = latest;
  latest = { at: performance.now(), state };
  $('tick').textContent = state.tick || '0';
  const list = $('players');
  list.replaceChildren();
  for (const p of state.players || []) {
    list.appendChild(el('li', {
      'data-participant': p.participantId,
      'data-x': String(p.x || 0),
      'data-y': String(p.y || 0),
      'data-vx': String(p.vx || 0),
      'data-vy': String(p.vy || 0),
      'data-score': String(p.score || 0),
      'data-it': String(!!p.it),
      'data-last-input': String(p.lastInputSequence || '0'),
    }, p.participantId));
  }
  renderScores(state);
}

function renderScores(state) {
  const rows = [...(state.players || [])].sort((a, b) => Number(b.score || 0) - Number(a.score || 0));
  const body = $('scores');
  body.replaceChildren();
  for (const p of rows) {
    const tr = el('tr');
    const who = (names.get(p.participantId) || p.participantId) + (p.participantId === me ? ' (you)' : '') + (p.it ? ' — it' : '');
    tr.appendChild(el('td', {}, who));
    tr.appendChild(el('td', {}, String(p.score || 0)));
    body.appendChild(tr);
  }
}

/** Positions to draw now: between the two newest ticks, by the time since the newest arrived. */
function positions() {
  if (!latest) return [];
  const t = previous ? Math.min(1, (performance.now() - latest.at) / TICK_MS) : 1;
  const before = new Map((previous?.state.players || []).map((p) => [p.participantId, p]));
  return (latest.state.players || []).map((p) => {
    const b = before.get(p.participantId) || p;
    return { ...p, x: (b.x || 0) + ((p.x || 0) - (b.x || 0)) * t, y: (b.y || 0) + ((p.y || 0) - (b.y || 0)) * t };
  });
}

function draw() {
  const state = latest?.state;
  const w = state?.width || 100;
  const h = state?.height || 100;
  const sx = canvas.width / w;
  const sy = canvas.height / h;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (const p of positions()) {
    ctx.beginPath();
    ctx.arc(p.x * sx, p.y * sy, RADIUS * sx, 0, 2 * Math.PI);
    ctx.fillStyle = p.it ? '#d22' : p.participantId === me ? '#17a' : '#888';
    ctx.fill();
    if (p.participantId === me) {
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#000';
      ctx.stroke();
    }
    ctx.fillStyle = '#222';
    ctx.font = '12px sans-serif';
    ctx.fillText(names.get(p.participantId) || '', p.x * sx + RADIUS * sx + 2, p.y * sy - RADIUS * sy);
  }
}

// 30 Hz drawing, steady whatever the display's refresh rate.
setInterval(draw, TICK_MS);

const held = new Set();
const KEYS = {
  ArrowLeft: 'left', KeyA: 'left', ArrowRight: 'right', KeyD: 'right',
  ArrowUp: 'up', KeyW: 'up', ArrowDown: 'down', KeyS: 'down', Space: 'dash',
};
let sent = '';

function sendInput() {
  if (!client || role !== 'PLAYER') return;
  const moveX = (held.has('right') ? 1 : 0) - (held.has('left') ? 1 : 0);
  const moveY = (held.has('down') ? 1 : 0) - (held.has('up') ? 1 : 0);
  const dash = held.has('dash');
  const key = `${moveX},${moveY},${dash}`;
  if (key === sent) return; // inputs only when they change: the gateway allows 100 messages a second
  sent = key;
  client.arenaInput(roomId, { moveX, moveY, dash });
}

function onKey(e, down) {
  const k = KEYS[e.code];
  if (!k) return;
  e.preventDefault();
  if (down) held.add(k);
  else held.delete(k);
  sendInput();
}
window.addEventListener('keydown', (e) => onKey(e, true));
window.addEventListener('keyup', (e) => onKey(e, false));
window.addEventListener('blur', () => {
  held.clear();
  sendInput();
});

async function main() {
  try {
    client = await connect();
  } catch (e) {
    showError($('error'), e);
    return;
  }
  client.on('joined', (joined) => {
    if (joined.roomId !== roomId) return;
    me = joined.participantId;
    document.body.dataset.me = me;
    $('seat').textContent = (joined.seat || '').replace('SEAT_', '').toLowerCase();
    $('owner').textContent = joined.ownerNodeId || '';
    for (const p of joined.state?.participants || []) names.set(p.participantId, p.displayName || '');
    if (joined.state?.arena) onTick(joined.state.arena);
  });
  client.on('event', (ev) => {
    if (ev.roomId !== roomId) return;
    if (ev.arenaTick) onTick(ev.arenaTick);
    else if (ev.participantJoined) {
      const p = ev.participantJoined.participant;
      names.set(p.participantId, p.displayName || '');
    } else if (ev.participantLeft) {
      names.delete(ev.participantLeft.participant.participantId);
    }
  });
  client.on('roomMoved', (moved) => {
    if (moved.roomId !== roomId) return;
    $('owner').textContent = moved.ownerNodeId;
    $('moved').textContent = `room moved to ${moved.ownerNodeId}`;
    $('moved').hidden = false;
  });
  client.on('reconnected', () => {
    sent = ''; // inputs are not replayed after a reconnect: send the keys held now
    sendInput();
  });
  client.on('error', (e) => {
    if (!e.roomId || e.roomId === roomId) showError($('error'), e);
  });
  try {
    await client.join(roomId, { gameType: 'ARENA', role, displayName });
    document.body.dataset.joined = 'true';
    canvas.focus();
  } catch (e) {
    showError($('error'), e);
    $('error').dataset.code = e.code || '';
  }
}

main();
