// The chess page: joins the room named in the URL, draws the position the server sends, and
// sends the user's moves. The server decides what is legal; a refusal is shown as it says it.
import { params, el, showError, connect } from '/js/page.js';
import { Board } from '/js/board.js';

const CHAT_LINES = 10;
const roomId = params.get('room') || '';
const role = params.get('role') === 'SPECTATOR' ? 'SPECTATOR' : 'PLAYER';
const side = ['WHITE', 'BLACK'].includes(params.get('side')) ? params.get('side') : undefined;
const displayName = params.get('name') || undefined;

const $ = (id) => document.getElementById(id);
const game = { fen: '', san: [], lastMove: '', status: '', sideToMove: '', winner: '', seat: '', participants: new Map(), chat: [] };
const board = new Board($('board'), (from, to) => move(from, to));

$('room-id').textContent = roomId;
document.title = `roomgate chess ${roomId}`;

let client;

async function move(from, to) {
  let uci = from + to;
  const piece = board.pieceAt(from);
  if ((piece === 'P' && to[1] === '8') || (piece === 'p' && to[1] === '1')) uci += $('promotion').value;
  $('refusal').hidden = true;
  try {
    await client.move(roomId, uci);
  } catch (e) {
    showError($('refusal'), e);
    $('refusal').dataset.code = e.code || '';
  }
}

function applyJoined(joined) {
  const chess = joined.state?.chess || {};
  game.fen = chess.fen || chess.initialFen || '';
  game.san = [...(chess.sanMoves || [])];
  const uci = chess.uciMoves || [];
  game.lastMove = uci.length ? uci[uci.length - 1] : '';
  game.status = chess.status || '';
  game.sideToMove = chess.sideToMove || '';
  game.winner = chess.winner || '';
  game.seat = joined.seat || game.seat;
  game.participants = new Map((joined.state?.participants || []).map((p) => [p.participantId, p]));
  game.chat = (joined.chatHistory || []).slice(-CHAT_LINES);
  $('owner').textContent = joined.ownerNodeId || '';
  $('seat').textContent = (game.seat || '').replace('SEAT_', '').toLowerCase();
  board.setOrientation(game.seat === 'SEAT_BLACK' ? 'BLACK' : 'WHITE');
  document.body.dataset.sequence = joined.lastSequence || '0';
  render();
}

function applyEvent(ev) {
  if (ev.moveMade) {
    const m = ev.moveMade;
    game.fen = m.fenAfter;
    game.san.push(m.san);
    game.lastMove = m.uci;
    game.status = m.status || '';
    game.winner = m.winner || '';
    game.sideToMove = (m.fenAfter.split(' ')[1] === 'w') ? 'WHITE' : 'BLACK';
  } else if (ev.chat) {
    game.chat.push(ev.chat);
    game.chat = game.chat.slice(-CHAT_LINES);
  } else if (ev.participantJoined) {
    const p = ev.participantJoined.participant;
    game.participants.set(p.participantId, p);
  } else if (ev.participantLeft) {
    game.participants.delete(ev.participantLeft.participant.participantId);
  } else if (ev.drawClaimed) {
    game.status = ev.drawClaimed.status || game.status;
  }
  document.body.dataset.sequence = ev.sequence;
  render();
}

function result() {
  if (!game.status || game.status === 'ONGOING') return '';
  if (game.status === 'CHECKMATE') return game.winner === 'WHITE' ? '1-0' : '0-1';
  return '1/2-1/2';
}

function render() {
  board.setPosition(game.fen, game.lastMove);
  board.enabled = role === 'PLAYER' && result() === '';
  board.draw();
  const res = result();
  const status = $('status');
  status.dataset.status = game.status;
  status.textContent = res
    ? game.status.toLowerCase().replaceAll('_', ' ')
    : `${(game.sideToMove || 'WHITE').toLowerCase()} to move`;
  $('result').textContent = res;
  $('result').dataset.result = res;

  const moves = $('moves');
  moves.replaceChildren();
  for (let i = 0; i < game.san.length; i += 2) {
    moves.appendChild(el('li', {}, game.san[i] + (game.san[i + 1] ? ' ' + game.san[i + 1] : '')));
  }
  moves.dataset.san = game.san.join(' ');

  const people = $('participants');
  people.replaceChildren();
  for (const p of game.participants.values()) {
    const li = el('li');
    li.appendChild(el('span', { class: 'who' }, p.displayName || p.participantId));
    li.appendChild(el('span', { class: 'meta' }, ' ' + (p.seat || '').replace('SEAT_', '').toLowerCase()));
    people.appendChild(li);
  }

  const log = $('chat-log');
  log.replaceChildren();
  for (const m of game.chat) {
    const li = el('li');
    li.appendChild(el('span', { class: 'who' }, m.displayName || m.participantId));
    li.appendChild(el('span', { class: 'text' }, m.text));
    log.appendChild(li);
  }
}

$('chat-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = $('chat-text').value;
  $('chat-error').hidden = true;
  try {
    await client.chat(roomId, text);
    $('chat-text').value = '';
  } catch (err) {
    showError($('chat-error'), err);
  }
});

$('claim-draw').addEventListener('click', async () => {
  $('refusal').hidden = true;
  try {
    await client.claimDraw(roomId);
  } catch (e) {
    showError($('refusal'), e);
  }
});

async function main() {
  try {
    client = await connect();
  } catch (e) {
    showError($('error'), e);
    return;
  }
  client.on('joined', (joined) => {
    if (joined.roomId === roomId) applyJoined(joined);
  });
  client.on('event', (ev) => {
    if (ev.roomId === roomId) applyEvent(ev);
  });
  client.on('roomMoved', (moved) => {
    if (moved.roomId !== roomId) return;
    $('owner').textContent = moved.ownerNodeId;
    $('moved').textContent = `room moved to ${moved.ownerNodeId}`;
    $('moved').dataset.node = moved.ownerNodeId;
    $('moved').hidden = false;
  });
  client.on('resumed', (resumed) => {
    if ((resumed.roomIds || []).includes(roomId) && resumed.ownerNodeId) $('owner').textContent = resumed.ownerNodeId;
  });
  client.on('error', (e) => {
    if (!e.roomId || e.roomId === roomId) showError($('error'), e);
  });
  try {
    await client.join(roomId, { gameType: 'CHESS', role, side, displayName });
    document.body.dataset.joined = 'true';
  } catch (e) {
    board.enabled = false;
    board.draw();
    showError($('error'), e);
    $('error').dataset.code = e.code || '';
  }
}

main();
