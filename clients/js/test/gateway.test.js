// The client against a real gateway and game nodes, started by JsClientSystemTest (system-tests),
// which passes: ROOMGATE_URL (ws://.../ws), ROOMGATE_GAMES (a JSON file of real PGN games in UCI,
// each with the final FEN and status the project's chess module computed), ROOMGATE_FEED_TOPIC (a
// topic a feed publisher is publishing), ROOMGATE_GRACE_SECONDS (the nodes' reconnect grace),
// ROOMGATE_SECOND_URL (another gateway of the same cluster) and ROOMGATE_CONTROL (a folder: a file
// kill-gateway-1 created there makes the Java test kill -9 that second gateway).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RoomgateClient, RoomgateError } from '../roomgate.js';

const URL = process.env.ROOMGATE_URL;
const skip = URL ? false : 'ROOMGATE_URL is not set (JsClientSystemTest starts a cluster and sets it)';
// gateway-binary.test.js runs this file again with 'binary' (protobuf frames).
const ENCODING = process.env.ROOMGATE_ENCODING || 'json';
const run = Math.random().toString(36).slice(2, 8);
let rooms = 0;
const room = (what) => `js-${what}-${run}-${++rooms}`;

const clients = [];
async function connect(options = {}, url = URL) {
  const c = await RoomgateClient.connect(url, { requestTimeoutMs: 20000, encoding: ENCODING, ...options });
  clients.push(c);
  return c;
}

/** Resolves when condition() holds, checked after every message of c (and now). */
function whenever(c, condition, what, ms = 20000) {
  return new Promise((resolve, reject) => {
    // After the message's own listeners ('message' comes before the typed ones): a microtask later.
    const check = () => queueMicrotask(evaluate);
    const evaluate = () => {
      if (condition()) {
        clearTimeout(timer);
        c.off('message', check);
        resolve();
      }
    };
    const timer = setTimeout(() => {
      c.off('message', check);
      reject(new Error('timed out waiting for ' + what));
    }, ms);
    c.on('message', check);
    evaluate();
  });
}

/** Records the moves a client sees in a room, with their sequences. */
function moveLog(c, roomId) {
  const log = { uci: [], sequences: [], last: null };
  c.on('event', (e) => {
    if (e.roomId !== roomId) return;
    log.sequences.push(Number(e.sequence));
    if (e.moveMade) {
      log.uci.push(e.moveMade.uci);
      log.last = e.moveMade;
    }
  });
  return log;
}

const consecutive = (seqs) => seqs.every((s, i) => i === 0 || s === seqs[i - 1] + 1);

const games = URL ? JSON.parse(readFileSync(process.env.ROOMGATE_GAMES, 'utf8')) : [];

test(`the gateway answers in the client's encoding (${ENCODING})`, { skip }, async () => {
  const c = await connect();
  const kinds = new Set();
  c.socket.addEventListener('message', (e) => kinds.add(typeof e.data === 'string' ? 'text' : 'binary'));
  const pong = await c.ping();
  assert.ok(Number(pong.serverTimeMs) > 0);
  assert.deepEqual([...kinds], [ENCODING === 'json' ? 'text' : 'binary']);
  c.close();
});

test('real games from the PGN files, played to their end with a spectator', { skip }, async (t) => {
  assert.ok(games.length >= 2, 'the test is given games');
  for (const game of games) {
    await t.test(`${game.name}: ${game.uci.length} plies, ${game.finalStatus}`, async () => {
      const r = room('game');
      const white = await connect();
      const black = await connect();
      const spectator = await connect();
      const w = moveLog(white, r);
      const b = moveLog(black, r);
      const joinedW = await white.join(r, { gameType: 'CHESS', role: 'PLAYER', side: 'WHITE', displayName: 'White' });
      const joinedB = await black.join(r, { gameType: 'CHESS', role: 'PLAYER', side: 'BLACK', displayName: 'Black' });
      assert.equal(joinedW.seat, 'SEAT_WHITE');
      assert.equal(joinedB.seat, 'SEAT_BLACK');
      // The spectator reads the async iterator, and joins half-way: the state, then the events.
      const half = Math.floor(game.uci.length / 2);
      const seenBySpectator = [];
      let spectatorStatus = null;
      let spectatorJoined = null;
      const reading = (async () => {
        for await (const m of spectator.messages()) {
          if (m.joined && m.joined.roomId === r) spectatorJoined = m.joined;
          if (m.event?.roomId === r && m.event.moveMade) {
            seenBySpectator.push(m.event.moveMade.uci);
            spectatorStatus = m.event.moveMade.status;
            if (seenBySpectator.length + half === game.uci.length) return;
          }
        }
      })();
      for (let i = 0; i < game.uci.length; i++) {
        if (i === half) {
          const joined = await spectator.join(r, { gameType: 'CHESS', role: 'SPECTATOR' });
          assert.equal(joined.seat, 'SEAT_SPECTATOR');
          assert.deepEqual(joined.state.chess.uciMoves, game.uci.slice(0, half));
        }
        const player = i % 2 === 0 ? white : black;
        const event = await player.move(r, game.uci[i]);
        assert.equal(event.moveMade.uci, game.uci[i]);
        assert.equal(event.moveMade.side, i % 2 === 0 ? 'WHITE' : 'BLACK');
      }
      await reading;
      await whenever(black, () => b.uci.length === game.uci.length, 'black sees every move');
      await whenever(white, () => w.uci.length === game.uci.length, 'white sees every move');
      assert.deepEqual(w.uci, game.uci);
      assert.deepEqual(b.uci, game.uci);
      assert.deepEqual(seenBySpectator, game.uci.slice(half));
      assert.ok(spectatorJoined, 'the spectator iterated its joined');
      assert.ok(consecutive(w.sequences) && consecutive(b.sequences), 'no gap in the sequences');
      for (const log of [w, b]) {
        assert.equal(log.last.status, game.finalStatus);
        assert.equal(log.last.fenAfter, game.finalFen);
      }
      assert.equal(spectatorStatus, game.finalStatus);
      if (game.winner) assert.equal(w.last.winner, game.winner);
      [white, black, spectator].forEach((c) => c.close());
    });
  }
});

test('a dropped connection resumes: seat kept, every move seen once and in order', { skip }, async () => {
  const game = games[0];
  const r = room('drop');
  const white = await connect();
  // A backoff long enough that white's move surely lands while black is away.
  const black = await connect({ backoff: { initialMs: 1500, maxMs: 1500 } });
  const spectator = await connect({ backoff: { initialMs: 1500, maxMs: 1500 } });
  const w = moveLog(white, r);
  const b = moveLog(black, r);
  const s = moveLog(spectator, r);
  await white.join(r, { gameType: 'CHESS', role: 'PLAYER', side: 'WHITE' });
  const joinedB = await black.join(r, { gameType: 'CHESS', role: 'PLAYER', side: 'BLACK' });
  await spectator.join(r, { gameType: 'CHESS', role: 'SPECTATOR' });
  const token = black.resumeToken;
  assert.ok(token, 'a resume token from sessionStarted');
  const order = [];
  black.on('reconnecting', () => order.push('reconnecting'));
  black.on('event', (e) => order.push(e.moveMade ? e.moveMade.uci : 'other'));
  const reconnected = new Promise((resolve) => black.on('reconnected', resolve));
  const resumed = [];
  black.on('resumed', (x) => resumed.push(x));

  const dropAt = 10; // after black's 5th move, white to move
  let blackMove = null;
  for (let i = 0; i < game.uci.length && i < 30; i++) {
    if (i === dropAt) {
      black.socket.close(); // the connection goes away under the client
      spectator.socket.close();
      const event = await white.move(r, game.uci[i]); // played while black and the spectator are away
      assert.equal(event.moveMade.uci, game.uci[i]);
      continue;
    }
    const player = i % 2 === 0 ? white : black;
    const answer = player.move(r, game.uci[i]); // black's first one is held until the resume
    if (i === dropAt + 1) blackMove = answer;
    await answer;
  }
  assert.deepEqual(await reconnected, { resumed: [r], lost: [], rejoining: [] });
  assert.equal(resumed[0].roomIds[0], r);
  const plies = Math.min(30, game.uci.length);
  // The last move's answer reaches its mover before the others' event may: wait for every log.
  await whenever(white, () => w.uci.length === plies, 'white sees every move');
  await whenever(black, () => b.uci.length === plies, 'black sees every move');
  await whenever(spectator, () => s.uci.length === plies, 'the spectator sees every move');
  const expected = game.uci.slice(0, plies);
  assert.deepEqual(w.uci, expected);
  assert.deepEqual(b.uci, expected, 'black: no move missed or repeated');
  assert.deepEqual(s.uci, expected, 'spectator: no move missed or repeated');
  assert.ok(consecutive(b.sequences) && consecutive(s.sequences), 'no gap and no repeat in the sequences');
  // The move white played during the drop reached black through the resume, after the reconnect.
  assert.ok(order.indexOf('reconnecting') < order.indexOf(game.uci[dropAt]), JSON.stringify(order));
  // Same seat, same participant: the held move was black's, under black's id.
  const held = await blackMove;
  assert.equal(held.moveMade.side, 'BLACK');
  assert.equal(held.moveMade.participantId, joinedB.participantId);
  assert.notEqual(black.resumeToken, token, 'the old connection is spent: the new connection gives the token to keep');
  [white, black, spectator].forEach((c) => c.close());
});

// Once per cluster: the gateway it kills stays dead.
const onceSkip = skip || (ENCODING !== 'json' && 'run once, with JSON frames: the gateway it kills stays dead');
test('a gateway killed under a game: its client resumes through another gateway', { skip: onceSkip }, async () => {
  const second = process.env.ROOMGATE_SECOND_URL;
  assert.ok(second && process.env.ROOMGATE_CONTROL, 'the cluster runs a second gateway the test may kill');
  const game = games[1];
  const r = room('failover');
  // White is on the second gateway and knows the first; black and the spectator are on the first.
  const white = await connect({}, [second, URL]);
  const black = await connect();
  const spectator = await connect();
  const w = moveLog(white, r);
  const s = moveLog(spectator, r);
  const joinedW = await white.join(r, { gameType: 'CHESS', role: 'PLAYER', side: 'WHITE' });
  await black.join(r, { gameType: 'CHESS', role: 'PLAYER', side: 'BLACK' });
  await spectator.join(r, { gameType: 'CHESS', role: 'SPECTATOR' });
  const reconnected = new Promise((resolve) => white.on('reconnected', resolve));
  const dropped = new Promise((resolve) => white.on('reconnecting', resolve));
  const plies = Math.min(24, game.uci.length);
  const killAt = 9; // after white's 5th move: black to move
  let whiteAfter = null;
  for (let i = 0; i < plies; i++) {
    if (i === killAt) {
      writeFileSync(join(process.env.ROOMGATE_CONTROL, 'kill-gateway-1'), '');
      await dropped;
    }
    const answer = (i % 2 === 0 ? white : black).move(r, game.uci[i]);
    if (i === killAt + 1) whiteAfter = answer; // held by white until it has resumed elsewhere
    await answer;
  }
  assert.deepEqual(await reconnected, { resumed: [r], lost: [], rejoining: [] });
  assert.equal(white.socket.url.startsWith(URL), true, 'white now talks to the first gateway');
  await whenever(white, () => w.uci.length === plies, 'white sees every move');
  await whenever(spectator, () => s.uci.length === plies, 'the spectator sees every move');
  const expected = game.uci.slice(0, plies);
  assert.deepEqual(w.uci, expected, 'white: no move missed or repeated');
  assert.deepEqual(s.uci, expected);
  assert.ok(consecutive(w.sequences), 'no gap and no repeat in the sequences');
  assert.equal((await whiteAfter).moveMade.participantId, joinedW.participantId, 'the same seat');
  [white, black, spectator].forEach((c) => c.close());
});

test('a seat whose grace ran out is reported as RESUME_REJECTED for its room', { skip }, async () => {
  const grace = Number(process.env.ROOMGATE_GRACE_SECONDS);
  assert.ok(grace > 0 && grace <= 10, 'the cluster runs with a short reconnect grace');
  const r = room('grace');
  // Reconnects only once the grace is over: backoff in [d/2, d] with d/2 above it.
  const d = (grace + 3) * 2000;
  const c = await connect({ backoff: { initialMs: d, maxMs: d } });
  await c.join(r, { gameType: 'CHESS', role: 'PLAYER' });
  const errors = [];
  c.on('error', (e) => errors.push(e));
  const reconnected = new Promise((resolve) => c.on('reconnected', resolve));
  c.socket.close();
  assert.deepEqual(await reconnected, { resumed: [], lost: [r], rejoining: [] });
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof RoomgateError);
  assert.equal(errors[0].code, 'RESUME_REJECTED');
  assert.equal(errors[0].roomId, r);
  assert.equal(c.rooms.has(r), false);
  // The connection is usable: the room can be joined again.
  assert.equal((await c.join(r, { gameType: 'CHESS', role: 'SPECTATOR' })).seat, 'SEAT_SPECTATOR');
  c.close();
});

/** Rejects with a RoomgateError of this code. */
async function refused(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof RoomgateError, `a RoomgateError, not ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test('every error a client can cause arrives as a RoomgateError with its code', { skip }, async (t) => {
  const r = room('errors');
  const white = await connect();
  const black = await connect();
  const spectator = await connect();
  await white.join(r, { gameType: 'CHESS', role: 'PLAYER', side: 'WHITE' });

  await t.test('MALFORMED_MESSAGE (a raw frame: no request to reject, so an error event)', async () => {
    const got = new Promise((resolve) => white.on('error', resolve));
    assert.ok(white.sendRaw('{"requestId":"x", "move": '));
    const e = await got;
    assert.ok(e instanceof RoomgateError);
    assert.equal(e.code, 'MALFORMED_MESSAGE');
  });
  await t.test('INVALID_ARGUMENT', async () => {
    await refused(white.chat(r, ''), 'INVALID_ARGUMENT');
    await refused(white.join('no spaces allowed', { gameType: 'CHESS' }), 'INVALID_ARGUMENT');
    await refused(white.join(room('x'), { gameType: 'CHESS', displayName: 'bell\u0007' }), 'INVALID_ARGUMENT');
  });
  await t.test('UNKNOWN_GAME_TYPE', async () => {
    await refused(white.join(room('untyped'), {}), 'UNKNOWN_GAME_TYPE');
  });
  await t.test('GAME_TYPE_MISMATCH', async () => {
    await refused(black.join(r, { gameType: 'ARENA', role: 'PLAYER' }), 'GAME_TYPE_MISMATCH');
  });
  await t.test('NOT_IN_ROOM', async () => {
    await refused(black.move(r, 'e7e5'), 'NOT_IN_ROOM');
    await refused(black.leave(room('never')), 'NOT_IN_ROOM');
  });
  await t.test('ALREADY_IN_ROOM', async () => {
    await refused(white.join(r, { gameType: 'CHESS', role: 'PLAYER' }), 'ALREADY_IN_ROOM');
  });
  await t.test('SEAT_TAKEN', async () => {
    await refused(black.join(r, { gameType: 'CHESS', role: 'PLAYER', side: 'WHITE' }), 'SEAT_TAKEN');
    await black.join(r, { gameType: 'CHESS', role: 'PLAYER', side: 'BLACK' });
    await spectator.join(r, { gameType: 'CHESS', role: 'SPECTATOR' });
  });
  await t.test('ILLEGAL_MOVE', async () => {
    await refused(white.move(r, 'e2e5'), 'ILLEGAL_MOVE');
    await refused(white.move(r, 'zz'), 'ILLEGAL_MOVE');
  });
  await t.test('NOT_YOUR_TURN', async () => {
    await refused(black.move(r, 'e7e5'), 'NOT_YOUR_TURN');
  });
  await t.test('SPECTATOR_CANNOT_MOVE', async () => {
    await refused(spectator.move(r, 'e2e4'), 'SPECTATOR_CANNOT_MOVE');
  });
  await t.test('NO_DRAW_TO_CLAIM', async () => {
    await refused(white.claimDraw(r), 'NO_DRAW_TO_CLAIM');
  });
  await t.test('GAME_OVER', async () => {
    // Fool's mate.
    await white.move(r, 'f2f3');
    await black.move(r, 'e7e5');
    await white.move(r, 'g2g4');
    const mate = await black.move(r, 'd8h4');
    assert.equal(mate.moveMade.status, 'CHECKMATE');
    assert.equal(mate.moveMade.winner, 'BLACK');
    await refused(white.move(r, 'e2e4'), 'GAME_OVER');
    await refused(black.chat(r, 'gg'), 'GAME_OVER');
  });
  await t.test('INVALID_TOPIC', async () => {
    await refused(white.subscribe(['stock:AAPL']), 'INVALID_TOPIC');
    await refused(white.subscribe([]), 'INVALID_TOPIC');
  });
  await t.test('RESUME_REJECTED (a token this cluster did not issue)', async () => {
    const fresh = await connect();
    await refused(fresh.request({ resume: { resumeToken: 'gw-1-0.forged', lastSequences: {} } }), 'RESUME_REJECTED');
    fresh.close();
  });
  await t.test('ROOM_FULL (the 17th arena player)', async () => {
    const a = room('full');
    const players = [];
    for (let i = 0; i < 16; i++) {
      const p = await connect();
      players.push(p);
      assert.equal((await p.join(a, { gameType: 'ARENA', role: 'PLAYER' })).seat, 'SEAT_PLAYER');
    }
    const late = await connect();
    await refused(late.join(a, { gameType: 'ARENA', role: 'PLAYER' }), 'ROOM_FULL');
    assert.equal((await late.join(a, { gameType: 'ARENA', role: 'SPECTATOR' })).seat, 'SEAT_SPECTATOR');
    [...players, late].forEach((c) => c.close());
  });
  await t.test('RATE_LIMITED (a flood of pings)', async () => {
    const flooder = await connect({ requestTimeoutMs: 5000 });
    const results = await Promise.allSettled(Array.from({ length: 400 }, () => flooder.ping()));
    const codes = results.filter((x) => x.status === 'rejected').map((x) => x.reason.code);
    assert.ok(codes.includes('RATE_LIMITED'), `one ping refused as RATE_LIMITED (got ${new Set(codes)})`);
    assert.ok(results.some((x) => x.status === 'fulfilled'), 'the burst itself is answered');
    flooder.close();
  });
  [white, black, spectator].forEach((c) => c.close());
});

test('an arena: input moves the disc, a bad input is an error event naming the room', { skip }, async () => {
  const a = room('arena');
  const c = await connect();
  const joined = await c.join(a, { gameType: 'ARENA', role: 'PLAYER' });
  const me = joined.participantId;
  let mine = null;
  c.on('event', (e) => {
    if (e.roomId === a && e.arenaTick) mine = e.arenaTick.players.find((p) => p.participantId === me);
  });
  await whenever(c, () => mine !== null, 'a tick');
  const x0 = mine.x;
  const seq = c.arenaInput(a, { moveX: mine.x > 50 ? -1 : 1 });
  await whenever(c, () => Number(mine.lastInputSequence || 0) === seq && Math.abs(mine.x - x0) > 1, 'the disc moves');
  const error = new Promise((resolve) => c.on('error', resolve));
  c.arenaInput(a, { moveX: 2 });
  const e = await error;
  assert.equal(e.code, 'INVALID_ARGUMENT');
  assert.equal(e.roomId, a);
  c.close();
});

test('a feed: updates in order after subscribed, none after unsubscribed', { skip }, async () => {
  const topic = process.env.ROOMGATE_FEED_TOPIC;
  assert.ok(topic, 'the cluster runs a feed publisher');
  const c = await connect();
  const updates = [];
  let afterUnsubscribe = 0;
  let unsubscribed = false;
  c.on('feedUpdate', (u) => {
    if (unsubscribed) afterUnsubscribe++;
    else updates.push(u);
  });
  assert.deepEqual((await c.subscribe([topic])).topics, [topic]);
  await whenever(c, () => updates.length >= 5, 'five updates');
  assert.ok(updates.every((u) => u.topic === topic && typeof u.value === 'number'));
  const seqs = updates.map((u) => Number(u.sequence));
  assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]), 'sequences increase');
  assert.deepEqual((await c.unsubscribe([topic])).topics, [topic]);
  unsubscribed = true;
  await c.ping();
  assert.equal(afterUnsubscribe, 0);
  c.close();
});

test.after(() => clients.forEach((c) => c.close()));
