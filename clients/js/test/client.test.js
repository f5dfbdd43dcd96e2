// The client's own logic against a scripted WebSocket: request matching, resume, duplicate events,
// what a drop does to waiting requests. No gateway needed (gateway.test.js plays against a real one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RoomgateClient, RoomgateError, SequenceTracker, backoffDelay, decodeProtobuf, encodeProtobuf,
} from '../roomgate.js';

/** A WebSocket the test drives: it records what the client sends and delivers what the test says. */
class FakeSocket {
  static all = [];
  static refuse = 0; // the next N sockets fail before opening
  static refuseWith = 'close'; // how: a close event, or (as Node 20's WebSocket) an error event only

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    FakeSocket.all.push(this);
    setTimeout(() => {
      if (FakeSocket.refuse > 0) {
        FakeSocket.refuse--;
        if (FakeSocket.refuseWith === 'error') {
          this.onerror?.({});
          return;
        }
        this.readyState = 3;
        this.onerror?.({});
        this.onclose?.({ code: 1006, reason: '' });
        return;
      }
      this.readyState = 1;
      this.onopen?.();
    }, 0);
  }

  send(text) {
    assert.equal(this.readyState, 1, 'sent on a socket that is not open');
    this.sent.push(JSON.parse(text));
  }

  close(code = 1000, reason = '') {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    setTimeout(() => this.drop(code, reason), 0);
  }

  /** The connection goes away under the client. */
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  receive(message) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  last() {
    return this.sent[this.sent.length - 1];
  }

  static latest() {
    return FakeSocket.all[FakeSocket.all.length - 1];
  }
}

const until = async (condition, what, ms = 2000) => {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 2));
  }
};

const options = (more = {}) => ({ WebSocket: FakeSocket, backoff: { initialMs: 1, maxMs: 4 }, ...more });

/** A client seated in room r1 (last sequence 5) with resume token T1. */
async function seated() {
  const c = await RoomgateClient.connect('ws://gw/ws', options());
  const socket = FakeSocket.latest();
  const joining = c.join('r1', { gameType: 'CHESS', role: 'PLAYER', side: 'WHITE' });
  const join = socket.last();
  socket.receive({ sessionStarted: { resumeToken: 'T1' } });
  socket.receive({ requestId: join.requestId, joined: { roomId: 'r1', lastSequence: '5', seat: 'SEAT_WHITE' } });
  await joining;
  return { c, socket };
}

test('the token goes on the URL as access_token, next to a query the URL has', async () => {
  const a = await RoomgateClient.connect('ws://gw/ws', options({ token: 'a b/c' }));
  assert.equal(FakeSocket.latest().url, 'ws://gw/ws?access_token=a%20b%2Fc');
  const b = await RoomgateClient.connect('ws://gw/ws?room=r1', options({ token: async () => 'T' }));
  assert.equal(FakeSocket.latest().url, 'ws://gw/ws?room=r1&access_token=T');
  const none = await RoomgateClient.connect('ws://gw/ws', options());
  assert.equal(FakeSocket.latest().url, 'ws://gw/ws');
  [a, b, none].forEach((c) => c.close());
});

test('answers are matched to requests by requestId, whatever their order', async () => {
  const c = await RoomgateClient.connect('ws://gw/ws', options());
  const socket = FakeSocket.latest();
  const move = c.move('r1', 'e2e4');
  const chat = c.chat('r1', 'hi');
  const [m, h] = socket.sent;
  assert.deepEqual(m.move, { roomId: 'r1', uci: 'e2e4' });
  assert.notEqual(m.requestId, h.requestId);
  socket.receive({ requestId: h.requestId, error: { code: 'GAME_OVER', message: 'over', roomId: 'r1' } });
  socket.receive({ requestId: m.requestId, event: { roomId: 'r1', sequence: '3', moveMade: { uci: 'e2e4' } } });
  assert.equal((await move).moveMade.uci, 'e2e4');
  await assert.rejects(chat, (e) => e instanceof RoomgateError && e.code === 'GAME_OVER' && e.roomId === 'r1');
  c.close();
});

test('an error answering no request is an error event, not a rejection', async () => {
  const c = await RoomgateClient.connect('ws://gw/ws', options());
  const errors = [];
  c.on('error', (e) => errors.push(e.code));
  FakeSocket.latest().receive({ error: { code: 'MALFORMED_MESSAGE', message: 'bad json' } });
  assert.deepEqual(errors, ['MALFORMED_MESSAGE']);
  c.close();
});

test('requests waiting at a drop reject with CONNECTION_LOST; those asked meanwhile go after the resume', async () => {
  const { c, socket } = await seated();
  const waiting = c.move('r1', 'e2e4');
  socket.drop();
  await assert.rejects(waiting, (e) => e.code === 'CONNECTION_LOST' && e.roomId === 'r1');
  const asked = c.chat('r1', 'back');
  await until(() => FakeSocket.latest() !== socket && FakeSocket.latest().sent.length > 0, 'the resume');
  const next = FakeSocket.latest();
  assert.equal(next.sent.length, 1, 'only the resume until it is answered');
  const resume = next.sent[0];
  assert.deepEqual(resume.resume, { resumeToken: 'T1', lastSequences: { r1: '5' } });
  // T1's connection is spent by this resume: the new connection's token is the one to keep.
  next.receive({ sessionStarted: { resumeToken: 'T2' } });
  next.receive({ requestId: resume.requestId, resumed: { roomIds: ['r1'], ownerNodeId: 'node-2' } });
  assert.equal(c.resumeToken, 'T2');
  assert.equal(next.sent.length, 2);
  assert.deepEqual(next.sent[1].chat, { roomId: 'r1', text: 'back' });
  next.receive({ requestId: next.sent[1].requestId, event: { roomId: 'r1', sequence: '6', chat: { text: 'back' } } });
  assert.equal((await asked).sequence, '6');
  c.close();
});

test('a request held through a drop during the resume itself is still sent, once, after the next resume', async () => {
  const { c, socket } = await seated();
  socket.drop();
  const held = c.ping();
  await until(() => FakeSocket.latest() !== socket && FakeSocket.latest().sent.length > 0, 'the resume');
  const failed = FakeSocket.latest();
  failed.drop(); // before the resume is answered
  await until(() => FakeSocket.latest() !== failed && FakeSocket.latest().sent.length > 0, 'the second resume');
  const next = FakeSocket.latest();
  next.receive({ requestId: next.sent[0].requestId, resumed: { roomIds: ['r1'] } });
  assert.equal(next.sent.length, 2);
  assert.ok(next.sent[1].ping);
  assert.equal(failed.sent.length, 1, 'nothing but the resume on the connection that failed');
  next.receive({ requestId: next.sent[1].requestId, pong: { clientTimeMs: '1', serverTimeMs: '2' } });
  assert.equal((await held).serverTimeMs, '2');
  c.close();
});

test('a resume left unanswered gives up on that connection and tries another', async () => {
  const c = await RoomgateClient.connect('ws://gw/ws', options({ requestTimeoutMs: 30 }));
  const socket = FakeSocket.latest();
  socket.receive({ sessionStarted: { resumeToken: 'T1' } });
  socket.drop();
  await until(() => FakeSocket.latest() !== socket && FakeSocket.latest().sent.length > 0, 'the resume');
  const silent = FakeSocket.latest();
  await until(() => FakeSocket.latest() !== silent && FakeSocket.latest().sent.length > 0, 'a second resume');
  assert.equal(silent.readyState, 3, 'the silent connection was closed');
  const next = FakeSocket.latest();
  assert.equal(next.sent[0].resume.resumeToken, 'T1');
  next.receive({ requestId: next.sent[0].requestId, resumed: {} });
  await until(() => c.state === 'open', 'open');
  c.close();
});

test('events are delivered once and in order across a reconnect: replayed ones are dropped', async () => {
  const { c, socket } = await seated();
  const seen = [];
  const iterated = [];
  c.on('event', (e) => seen.push(Number(e.sequence)));
  const iterating = (async () => {
    for await (const m of c.messages()) if (m.event) iterated.push(Number(m.event.sequence));
  })();
  socket.receive({ event: { roomId: 'r1', sequence: '6' } });
  socket.receive({ event: { roomId: 'r1', sequence: '7' } });
  const reconnected = new Promise((r) => c.on('reconnected', r));
  socket.drop();
  await until(() => FakeSocket.latest() !== socket && FakeSocket.latest().sent.length > 0, 'the resume');
  const next = FakeSocket.latest();
  assert.equal(next.sent[0].resume.lastSequences.r1, '7');
  next.receive({ requestId: next.sent[0].requestId, resumed: { roomIds: ['r1'] } });
  assert.deepEqual(await reconnected, { resumed: ['r1'], lost: [], rejoining: [] });
  for (const s of [6, 7, 8, 9]) next.receive({ event: { roomId: 'r1', sequence: String(s) } });
  next.receive({ event: { roomId: 'r1', sequence: '9' } });
  assert.deepEqual(seen, [6, 7, 8, 9]);
  c.close();
  await iterating;
  assert.deepEqual(iterated, [6, 7, 8, 9]);
});

test('a joined instead of the missed events resets the room: what follows it is new', async () => {
  const { c, socket } = await seated();
  const seen = [];
  c.on('event', (e) => seen.push(Number(e.sequence)));
  socket.drop();
  await until(() => FakeSocket.latest() !== socket && FakeSocket.latest().sent.length > 0, 'the resume');
  const next = FakeSocket.latest();
  next.receive({ requestId: next.sent[0].requestId, resumed: { roomIds: ['r1'] } });
  next.receive({ joined: { roomId: 'r1', lastSequence: '2000' } });
  next.receive({ event: { roomId: 'r1', sequence: '1999' } });
  next.receive({ event: { roomId: 'r1', sequence: '2001' } });
  assert.deepEqual(seen, [2001]);
  assert.equal(c.rooms.get('r1'), 2001);
  c.close();
});

test('a room whose seat is gone is reported and forgotten; a refused token gives way to the new one', async () => {
  const { c, socket } = await seated();
  const errors = [];
  c.on('error', (e) => errors.push(`${e.code} ${e.roomId}`));
  let reconnected = new Promise((r) => c.on('reconnected', r));
  socket.drop();
  await until(() => FakeSocket.latest() !== socket && FakeSocket.latest().sent.length > 0, 'the resume');
  let next = FakeSocket.latest();
  next.receive({ sessionStarted: { resumeToken: 'T2' } });
  next.receive({ requestId: next.sent[0].requestId, error: { code: 'RESUME_REJECTED', message: 'grace over', roomId: 'r1' } });
  assert.deepEqual(await reconnected, { resumed: [], lost: ['r1'], rejoining: [] });
  assert.deepEqual(errors, ['RESUME_REJECTED r1']);
  assert.equal(c.rooms.size, 0);
  assert.equal(c.resumeToken, 'T2', 'the newest token, bound to the connection that resumed');

  reconnected = new Promise((r) => c.on('reconnected', r));
  const dropped = next;
  dropped.drop();
  await until(() => FakeSocket.latest() !== dropped && FakeSocket.latest().sent.length > 0, 'the second resume');
  next = FakeSocket.latest();
  assert.equal(next.sent[0].resume.resumeToken, 'T2');
  next.receive({ sessionStarted: { resumeToken: 'T3' } });
  next.receive({ requestId: next.sent[0].requestId, error: { code: 'RESUME_REJECTED', message: 'not ours' } });
  await reconnected;
  assert.equal(c.resumeToken, 'T3');
  c.close();
});

test('a refused token is never sent again: with an identity the rooms are joined again, before held requests', async () => {
  const c = await RoomgateClient.connect('ws://gw/ws', options({ token: 'JWT' }));
  let socket = FakeSocket.latest();
  const joining = c.join('r1', { gameType: 'CHESS', role: 'PLAYER', side: 'WHITE' });
  socket.receive({ sessionStarted: { resumeToken: 'T1' } });
  socket.receive({ requestId: socket.last().requestId, joined: { roomId: 'r1', lastSequence: '5', seat: 'SEAT_WHITE' } });
  await joining;
  const errors = [];
  c.on('error', (e) => errors.push(e.code));
  let reconnected = new Promise((r) => c.on('reconnected', r));
  socket.drop();
  const held = c.move('r1', 'e2e4');
  await until(() => FakeSocket.latest() !== socket && FakeSocket.latest().sent.length > 0, 'the resume');
  socket = FakeSocket.latest();
  assert.equal(socket.sent[0].resume.resumeToken, 'T1');
  socket.receive({ sessionStarted: { resumeToken: 'T2' } });
  socket.receive({ requestId: socket.sent[0].requestId, error: { code: 'RESUME_REJECTED', message: 'already used' } });
  assert.deepEqual(await reconnected, { resumed: [], lost: [], rejoining: ['r1'] });
  assert.deepEqual(errors, ['RESUME_REJECTED']);
  assert.deepEqual(socket.sent[1].join, { roomId: 'r1', gameType: 'CHESS', role: 'PLAYER', side: 'WHITE' });
  assert.deepEqual(socket.sent[2].move, { roomId: 'r1', uci: 'e2e4' }, 'the held move after the join');
  socket.receive({ requestId: socket.sent[1].requestId, joined: { roomId: 'r1', lastSequence: '9', seat: 'SEAT_WHITE' } });
  assert.equal(c.rooms.get('r1'), 9, 'the room as it is now');
  socket.receive({ requestId: socket.sent[2].requestId, event: { roomId: 'r1', sequence: '10', moveMade: { uci: 'e2e4' } } });
  assert.equal((await held).sequence, '10');

  // The next drop resumes with the newest token, the refused one is gone.
  reconnected = new Promise((r) => c.on('reconnected', r));
  const dropped = socket;
  dropped.drop();
  await until(() => FakeSocket.latest() !== dropped && FakeSocket.latest().sent.length > 0, 'the second resume');
  socket = FakeSocket.latest();
  assert.deepEqual(socket.sent[0].resume, { resumeToken: 'T2', lastSequences: { r1: '10' } });
  socket.receive({ requestId: socket.sent[0].requestId, resumed: { roomIds: ['r1'] } });
  assert.deepEqual(await reconnected, { resumed: ['r1'], lost: [], rejoining: [] });
  c.close();
});

test('without an identity a refused token loses the rooms: they are not joined as someone else', async () => {
  const { c, socket } = await seated();
  const reconnected = new Promise((r) => c.on('reconnected', r));
  c.on('error', () => {});
  socket.drop();
  await until(() => FakeSocket.latest() !== socket && FakeSocket.latest().sent.length > 0, 'the resume');
  const next = FakeSocket.latest();
  next.receive({ requestId: next.sent[0].requestId, error: { code: 'RESUME_REJECTED', message: 'already used' } });
  assert.deepEqual(await reconnected, { resumed: [], lost: ['r1'], rejoining: [] });
  assert.equal(next.sent.length, 1, 'no join');
  assert.equal(c.rooms.size, 0);
  c.close();
});

test('reconnecting backs off and gives up after maxAttempts: held requests reject with CLOSED', async () => {
  const c = await RoomgateClient.connect('ws://gw/ws', options({ backoff: { initialMs: 1, maxMs: 2, maxAttempts: 3 } }));
  const attempts = [];
  c.on('reconnecting', (r) => attempts.push(r.attempt));
  const closed = new Promise((r) => c.on('close', r));
  FakeSocket.refuse = 3;
  const before = FakeSocket.all.length;
  FakeSocket.latest().drop(1001, 'going away');
  const held = c.ping();
  await assert.rejects(held, (e) => e.code === 'CLOSED');
  await closed;
  assert.deepEqual(attempts, [1, 2, 3]);
  assert.equal(FakeSocket.all.length - before, 3);
  assert.equal(c.state, 'closed');
});

test('close() rejects what waits, ends the iterators and does not reconnect', async () => {
  const c = await RoomgateClient.connect('ws://gw/ws', options());
  const before = FakeSocket.all.length;
  const waiting = c.ping();
  const it = c.messages();
  const next = it.next();
  c.close();
  await assert.rejects(waiting, (e) => e.code === 'CLOSED');
  assert.deepEqual(await next, { value: undefined, done: true });
  await assert.rejects(c.chat('r1', 'x'), (e) => e.code === 'CLOSED');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(FakeSocket.all.length, before);
});

test('with several URLs: connect takes the first that answers, a reconnect moves on to the next', async () => {
  FakeSocket.refuse = 1;
  const c = await RoomgateClient.connect(['ws://gw1/ws', 'ws://gw2/ws', 'ws://gw3/ws'], options());
  assert.equal(FakeSocket.latest().url, 'ws://gw2/ws');
  FakeSocket.refuse = 1; // gw2 is gone too: the first retry goes back to it, the next to gw3
  const before = FakeSocket.all.length;
  FakeSocket.latest().drop();
  await until(() => c.state === 'open', 'reconnected');
  assert.deepEqual(FakeSocket.all.slice(before).map((s) => s.url), ['ws://gw2/ws', 'ws://gw3/ws']);
  c.close();
});

test('a request with no answer rejects with TIMEOUT', async () => {
  const c = await RoomgateClient.connect('ws://gw/ws', options({ requestTimeoutMs: 20 }));
  await assert.rejects(c.ping(), (e) => e.code === 'TIMEOUT');
  c.close();
});

test('the first connection failing rejects connect with CONNECTION_FAILED', async () => {
  FakeSocket.refuse = 1;
  await assert.rejects(RoomgateClient.connect('ws://gw/ws', options()), (e) => e.code === 'CONNECTION_FAILED');
});

test('a refusal told by an error event alone (Node 20) still fails the attempt, and the next one is made', { timeout: 5000 }, async () => {
  FakeSocket.refuseWith = 'error';
  try {
    FakeSocket.refuse = 1;
    await assert.rejects(RoomgateClient.connect('ws://gw/ws', options()), (e) => e.code === 'CONNECTION_FAILED');
    const c = await RoomgateClient.connect('ws://gw/ws', options());
    const attempts = [];
    c.on('reconnecting', (r) => attempts.push(r.attempt));
    FakeSocket.refuse = 2;
    FakeSocket.latest().drop();
    await until(() => c.state === 'open', 'reconnected');
    assert.deepEqual(attempts, [1, 2, 3]);
    c.close();
  } finally {
    FakeSocket.refuseWith = 'close';
  }
});

test('a WebSocket constructor that throws during a reconnect counts as a failed attempt', async () => {
  let throwNext = false;
  const Flaky = function (url) {
    if (throwNext) {
      throwNext = false;
      throw new SyntaxError('refused by the constructor');
    }
    return new FakeSocket(url);
  };
  const c = await RoomgateClient.connect('ws://gw/ws', options({ WebSocket: Flaky, token: 'secret' }));
  const attempts = [];
  c.on('reconnecting', (r) => attempts.push(r.attempt));
  throwNext = true;
  FakeSocket.latest().drop();
  await until(() => c.state === 'open', 'reconnected');
  assert.deepEqual(attempts, [1, 2]);
  c.close();
});

test('a connection that never opens nor fails is given up after requestTimeoutMs', async () => {
  const SilentNeverOpens = function (url) {
    const s = new FakeSocket(url);
    Object.defineProperty(s, 'onopen', { set() {}, get() { return undefined; } });
    return s;
  };
  await assert.rejects(
    RoomgateClient.connect('ws://gw/ws', options({ WebSocket: SilentNeverOpens, requestTimeoutMs: 20 })),
    (e) => e.code === 'CONNECTION_FAILED' && /not open after 20 ms/.test(e.message));
});

test('arena inputs carry increasing input sequences and are not held while disconnected', async () => {
  const c = await RoomgateClient.connect('ws://gw/ws', options());
  const socket = FakeSocket.latest();
  assert.equal(c.arenaInput('a1', { moveX: 1 }), 1);
  assert.equal(c.arenaInput('a1', { moveY: -1, dash: true }), 2);
  assert.deepEqual(socket.sent.map((f) => f.arenaInput), [
    { roomId: 'a1', moveX: 1, moveY: 0, dash: false, inputSequence: '1' },
    { roomId: 'a1', moveX: 0, moveY: -1, dash: true, inputSequence: '2' },
  ]);
  socket.drop();
  c.arenaInput('a1', { moveX: 1 });
  await until(() => FakeSocket.latest() !== socket && FakeSocket.latest().readyState === 1, 'the reconnect');
  await until(() => c.state === 'open', 'open');
  assert.deepEqual(FakeSocket.latest().sent, []);
  c.close();
});

test('SequenceTracker and backoffDelay on their own', () => {
  const t = new SequenceTracker();
  assert.equal(t.accept('x', '4'), true, 'a room not joined: delivered, not tracked');
  assert.equal(t.has('x'), false);
  t.reset('r', '10');
  assert.deepEqual([11, 11, 10, 12].map((s) => t.accept('r', String(s))), [true, false, false, true]);
  assert.deepEqual(t.lastSequences(), { r: '12' });
  const b = { initialMs: 100, maxMs: 1000 };
  assert.deepEqual([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(n, b, () => 1)), [100, 200, 400, 800, 1000, 1000]);
  assert.deepEqual([1, 2, 5].map((n) => backoffDelay(n, b, () => 0)), [50, 100, 500]);
});

test('protobuf: the bytes of a known message, and round trips in the proto3 JSON shape', () => {
  // Hand-checked: field 1 (requestId) '7'; field 6 (ping) { field 1 (clientTimeMs) 300 }.
  const bytes = encodeProtobuf('ClientMessage', { requestId: '7', ping: { clientTimeMs: '300' } });
  assert.equal(Buffer.from(bytes).toString('hex'), '0a0137' + '3203' + '08ac02');
  const event = {
    requestId: 'r',
    event: {
      roomId: 'r1', sequence: '18446744073709551615', serverTimeMs: '-2',
      arenaTick: { tick: '9', width: 100, height: 100, players: [
        { participantId: 'p\u00e9\u{1F600}', x: 12.5, y: 0.1, vx: -15, it: true, lastInputSequence: '3', dashCooldown: 7 },
        { participantId: 'q' },
      ] },
    },
  };
  assert.deepEqual(decodeProtobuf('ServerMessage', encodeProtobuf('ServerMessage', event)), event);
  const joined = { joined: { roomId: 'r1', gameType: 'CHESS', seat: 'SEAT_BLACK', lastSequence: '2',
    state: { participants: [{ participantId: 'a', seat: 'SEAT_WHITE' }], chess: { fen: 'x', uciMoves: ['e2e4', 'e7e5'],
      status: 'CHECKMATE', sideToMove: 'WHITE', winner: 'BLACK' } }, finished: true } };
  assert.deepEqual(decodeProtobuf('ServerMessage', encodeProtobuf('ServerMessage', joined)), joined);
  const resume = { resume: { resumeToken: 't', lastSequences: { r1: '5', r2: '7' } } };
  assert.deepEqual(decodeProtobuf('ClientMessage', encodeProtobuf('ClientMessage', resume)), resume);
  // Defaults are not sent, as proto3 does: an enum at 0, an empty string, false.
  assert.deepEqual(decodeProtobuf('ClientMessage', encodeProtobuf('ClientMessage',
    { join: { roomId: 'r', side: 'SIDE_UNSPECIFIED', displayName: '' } })), { join: { roomId: 'r' } });
});

test('protobuf: unknown fields from a newer gateway are skipped; bad input is refused', () => {
  // Field 99 (varint 1) before a pong: skipped.
  const pong = encodeProtobuf('ServerMessage', { pong: { serverTimeMs: '5' } });
  const withUnknown = Uint8Array.from([0x98, 0x06, 0x01, ...pong]);
  assert.deepEqual(decodeProtobuf('ServerMessage', withUnknown), { pong: { serverTimeMs: '5' } });
  assert.throws(() => encodeProtobuf('ClientMessage', { mvoe: {} }), /no field 'mvoe'/);
  assert.throws(() => encodeProtobuf('ClientMessage', { join: { gameType: 'CHECKERS' } }), /not a GameType/);
  assert.throws(() => decodeProtobuf('ServerMessage', Uint8Array.from([0x0a, 0x05, 0x61])), /truncated/);
});

test('binary encoding: requests go out as protobuf and binary answers resolve them', async () => {
  const c = await RoomgateClient.connect('ws://gw/ws', options({ encoding: 'binary' }));
  const socket = FakeSocket.latest();
  const raw = [];
  socket.send = (frame) => raw.push(frame);
  const moving = c.move('r1', 'e2e4');
  assert.ok(raw[0] instanceof Uint8Array);
  const sent = decodeProtobuf('ClientMessage', raw[0]);
  assert.deepEqual(sent.move, { roomId: 'r1', uci: 'e2e4' });
  const answer = encodeProtobuf('ServerMessage',
    { requestId: sent.requestId, error: { code: 'NOT_YOUR_TURN', message: 'black to move', roomId: 'r1' } });
  socket.onmessage({ data: answer.buffer });
  await assert.rejects(moving, (e) => e.code === 'NOT_YOUR_TURN' && e.roomId === 'r1');
  await assert.rejects(c.join('r2', { gameType: 'CHECKERS' }), (e) => e.code === 'MALFORMED_MESSAGE');
  c.close();
});
