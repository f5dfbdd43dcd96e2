// roomgate JavaScript client: one ES module, no dependencies, for browsers and Node (20+).
// Speaks the gateway's proto3 JSON text frames (docs/PROTOCOL.md). See clients/js/README.md.

/** A refusal from the gateway (code = the ErrorCode name) or a failure of the connection itself. */
export class RoomgateError extends Error {
  /**
   * @param {string} code ErrorCode name ('SEAT_TAKEN'...) or a client-side code
   *     ('CONNECTION_LOST', 'CLOSED', 'TIMEOUT', 'CONNECTION_FAILED', 'NO_WEBSOCKET')
   * @param {string} message for humans
   * @param {string} [roomId] the room the refused request named, if any
   */
  constructor(code, message, roomId = '') {
    super(`${code}: ${message}`);
    this.name = 'RoomgateError';
    this.code = code;
    this.serverMessage = message;
    this.roomId = roomId;
    this.requestId = '';
  }

  static fromServer(error, requestId = '') {
    const e = new RoomgateError(error.code || 'ERROR_CODE_UNSPECIFIED', error.message || '', error.roomId || '');
    e.requestId = requestId;
    return e;
  }
}

/** Client-side codes (never sent by the gateway). */
export const ClientErrorCodes = Object.freeze({
  CONNECTION_LOST: 'CONNECTION_LOST', // the connection dropped while the request waited for its answer
  CLOSED: 'CLOSED', // close() was called, or reconnecting gave up
  TIMEOUT: 'TIMEOUT', // no answer within requestTimeoutMs
  CONNECTION_FAILED: 'CONNECTION_FAILED', // the first connection could not be opened
  NO_WEBSOCKET: 'NO_WEBSOCKET', // no WebSocket constructor (Node 20: pass one, or run with --experimental-websocket)
});

// The ServerMessage bodies (proto3 JSON names), in the order of the oneof.
const BODIES = [
  'joined', 'event', 'error', 'pong', 'left', 'feedUpdate', 'subscribed', 'unsubscribed',
  'roomMoved', 'sessionStarted', 'resumed',
];

const DEFAULTS = Object.freeze({
  reconnect: true,
  backoff: { initialMs: 250, maxMs: 5000, maxAttempts: Infinity },
  requestTimeoutMs: 30000,
});

/** The body name of a ServerMessage ('joined', 'event'...), or '' if it has none we know. */
export function bodyOf(message) {
  for (const b of BODIES) {
    if (message[b] !== undefined) return b;
  }
  return '';
}

/**
 * Backoff before reconnect attempt n (1-based): exponential, capped, with jitter so that many
 * clients dropped at once (a gateway going away) do not all come back in the same millisecond.
 * Uniform in [d/2, d] where d = min(maxMs, initialMs * 2^(n-1)).
 */
export function backoffDelay(attempt, { initialMs, maxMs }, random = Math.random) {
  const d = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(d / 2 + random() * (d / 2));
}

/**
 * Per-room event order across reconnects: remembers the last sequence seen in each room and says
 * whether an event is new (a resume may replay events the client already had; they are dropped).
 */
export class SequenceTracker {
  constructor() {
    /** @type {Map<string, number>} */
    this.last = new Map();
  }

  /** A join (or a resume's fresh state) sets the room's position: the next event is lastSequence + 1. */
  reset(roomId, lastSequence) {
    this.last.set(roomId, Number(lastSequence || 0));
  }

  forget(roomId) {
    this.last.delete(roomId);
  }

  has(roomId) {
    return this.last.has(roomId);
  }

  /** True if the event should be delivered (and records it); false for one already seen. */
  accept(roomId, sequence) {
    const last = this.last.get(roomId);
    if (last === undefined) return true; // not a room we are seated in (an event racing our leave)
    const seq = Number(sequence || 0);
    if (seq <= last) return false;
    this.last.set(roomId, seq);
    return true;
  }

  /** The resume map: room id -> last sequence, as proto3 JSON (uint64 as strings). */
  lastSequences() {
    const out = {};
    for (const [room, seq] of this.last) out[room] = String(seq);
    return out;
  }

  rooms() {
    return [...this.last.keys()];
  }
}

/**
 * A connection to a roomgate gateway. Create with {@link RoomgateClient.connect}. Requests return
 * promises answered by request id; room events, feed updates and notices come as callbacks
 * ({@link on}) or as an async iterator ({@link messages}). A dropped connection is reopened with
 * backoff and the session resumed (seats kept, missed events delivered once and in order).
 */
export class RoomgateClient {
  /**
   * Opens a connection; resolves once it is open.
   * @param {string|string[]} url ws://HOST:PORT/ws (several: tried in turn when reconnecting)
   * @param {object} [options] { token, WebSocket, reconnect, backoff: {initialMs, maxMs, maxAttempts},
   *     requestTimeoutMs }
   */
  static async connect(url, options = {}) {
    const client = new RoomgateClient(url, options);
    // With several gateways, the first that answers.
    for (let i = 0; ; i++) {
      client._urlIndex = i;
      try {
        await client._open(true);
        return client;
      } catch (e) {
        if (i + 1 >= client._urls.length || client._state === 'closed') {
          client._state = 'closed';
          throw e;
        }
      }
    }
  }

  constructor(url, options = {}) {
    this._urls = Array.isArray(url) ? [...url] : [url];
    if (this._urls.length === 0) throw new TypeError('connect: no url');
    this._urlIndex = 0;
    this._token = options.token;
    this._WebSocket = options.WebSocket || globalThis.WebSocket;
    if (typeof this._WebSocket !== 'function') {
      throw new RoomgateError(ClientErrorCodes.NO_WEBSOCKET,
        'no WebSocket constructor: pass options.WebSocket (Node 20: or run node --experimental-websocket)');
    }
    this._reconnect = options.reconnect ?? DEFAULTS.reconnect;
    this._backoff = { ...DEFAULTS.backoff, ...(options.backoff || {}) };
    this._requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
    this._encoding = options.encoding ?? 'json';
    if (this._encoding !== 'json' && this._encoding !== 'binary') {
      throw new TypeError(`encoding: '${this._encoding}' (expected: 'json' or 'binary')`);
    }

    this._socket = null;
    this._state = 'connecting'; // connecting | open | resuming | reconnecting | closed
    this._nextId = 1;
    this._inputSequence = 0;
    /** @type {Map<string, {resolve, reject, timer}>} */
    this._pending = new Map();
    /** Frames asked for while the connection is down; sent once it is back (and resumed). */
    this._outbox = [];
    this._listeners = new Map();
    this._iterators = new Set();
    this._sequences = new SequenceTracker();
    this._resumeToken = '';
    /** Room id -> the join that seated this client there: sent again if a resume is refused. */
    this._joins = new Map();
    this._resume = null;
    this._attempt = 0;
    this._reconnectTimer = null;
  }

  // ------------------------------------------------------------------ public API

  /** 'connecting', 'open', 'resuming', 'reconnecting' or 'closed'. */
  get state() {
    return this._state;
  }

  /**
   * The newest resume token ('' until the first answer). Each names the connection it was issued to
   * and resumes it once: after a resume the new connection's token replaces it.
   */
  get resumeToken() {
    return this._resumeToken;
  }

  /** The current WebSocket (for diagnostics and tests: closing it makes the client resume). */
  get socket() {
    return this._socket;
  }

  /** Rooms this client is seated in, with the last sequence seen in each. */
  get rooms() {
    return new Map(this._sequences.last);
  }

  /**
   * Event types: 'event' (RoomEvent), 'joined', 'left', 'roomMoved', 'resumed', 'feedUpdate',
   * 'error' (an Error not answering a request, as RoomgateError), 'sessionStarted', 'pong',
   * 'subscribed', 'unsubscribed', 'message' (every ServerMessage), 'reconnecting', 'reconnected',
   * 'close'. A listener gets the body and the whole ServerMessage.
   */
  on(type, fn) {
    if (!this._listeners.has(type)) this._listeners.set(type, new Set());
    this._listeners.get(type).add(fn);
    return this;
  }

  off(type, fn) {
    this._listeners.get(type)?.delete(fn);
    return this;
  }

  /** Every ServerMessage from now on, as an async iterator; ends when the client closes. */
  messages() {
    const queue = [];
    const waiting = [];
    const iterators = this._iterators;
    let done = this._state === 'closed';
    const sink = {
      push(msg) {
        if (waiting.length) waiting.shift()({ value: msg, done: false });
        else queue.push(msg);
      },
      end() {
        done = true;
        while (waiting.length) waiting.shift()({ value: undefined, done: true });
      },
    };
    if (!done) iterators.add(sink);
    return {
      next() {
        if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return() {
        iterators.delete(sink);
        sink.end();
        queue.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /**
   * Joins (or creates) a room. Resolves with the Joined message body.
   * @param {{gameType?: string, role?: string, side?: string, displayName?: string}} [opts]
   */
  join(roomId, { gameType, role, side, displayName } = {}) {
    const join = { roomId };
    if (gameType !== undefined) join.gameType = gameType;
    if (role !== undefined) join.role = role;
    if (side !== undefined) join.side = side;
    if (displayName !== undefined) join.displayName = displayName;
    return this.request({ join }).then((joined) => {
      this._joins.set(roomId, join);
      return joined;
    });
  }

  leave(roomId) {
    return this.request({ leave: { roomId } });
  }

  /** A chess move in UCI ('e2e4', 'e7e8q'); resolves with the RoomEvent carrying your moveMade. */
  move(roomId, uci) {
    return this.request({ move: { roomId, uci } });
  }

  /** Resolves with the RoomEvent carrying your chat message. */
  chat(roomId, text) {
    return this.request({ chat: { roomId, text } });
  }

  /** Resolves with the RoomEvent carrying drawClaimed; rejects with NO_DRAW_TO_CLAIM if none applies. */
  claimDraw(roomId) {
    return this.request({ claimDraw: { roomId } });
  }

  /**
   * Arena input, fire and forget (the next arenaTick shows it; a refusal comes as an 'error' event).
   * Returns the inputSequence used, to match against the players' lastInputSequence.
   */
  arenaInput(roomId, { moveX = 0, moveY = 0, dash = false } = {}) {
    const inputSequence = ++this._inputSequence;
    this._send({ arenaInput: { roomId, moveX, moveY, dash, inputSequence: String(inputSequence) } });
    return inputSequence;
  }

  /** Resolves with Subscribed ({topics}). maxRate: updates/s per topic, if the gateway supports it. */
  subscribe(topics, { maxRate } = {}) {
    const subscribe = { topics: [...topics] };
    if (maxRate !== undefined) subscribe.maxRate = maxRate;
    return this.request({ subscribe });
  }

  unsubscribe(topics) {
    return this.request({ unsubscribe: { topics: [...topics] } });
  }

  /** Resolves with the Pong, plus rttMs measured here. */
  async ping() {
    const sent = Date.now();
    const pong = await this.request({ ping: { clientTimeMs: String(sent) } });
    return { ...pong, rttMs: Date.now() - sent };
  }

  /**
   * Sends any ClientMessage body ({join: {...}}, ...) with a fresh requestId; resolves with the body
   * of the answer, rejects with a RoomgateError. The typed methods above are built on it.
   */
  request(body) {
    if (this._state === 'closed') {
      return Promise.reject(new RoomgateError(ClientErrorCodes.CLOSED, 'the client is closed'));
    }
    const requestId = String(this._nextId++);
    let frame;
    try {
      frame = this._encode({ requestId, ...body });
    } catch (e) {
      return Promise.reject(new RoomgateError('MALFORMED_MESSAGE', `cannot encode the request: ${e.message}`, roomOf(body)));
    }
    return new Promise((resolve, reject) => {
      const timer = this._requestTimeoutMs > 0 && Number.isFinite(this._requestTimeoutMs)
        ? setTimeout(() => {
          this._pending.delete(requestId);
          const err = new RoomgateError(ClientErrorCodes.TIMEOUT,
            `no answer to request ${requestId} within ${this._requestTimeoutMs} ms`, roomOf(body));
          err.requestId = requestId;
          reject(err);
        }, this._requestTimeoutMs)
        : null;
      const p = { resolve, reject, timer, roomId: roomOf(body), frame, sent: false };
      this._pending.set(requestId, p);
      if (this._canSend()) {
        p.sent = true;
        this._socket.send(frame);
      } else {
        // Held until the connection is back and resumed.
        this._outbox.push(requestId);
      }
    });
  }

  /** Sends a text frame as is (for tests and debugging: e.g. malformed input). */
  sendRaw(text) {
    if (this._socket && this._state !== 'closed' && this._socket.readyState === 1) {
      this._socket.send(text);
      return true;
    }
    return false;
  }

  /** Closes for good: no reconnect; waiting requests reject with CLOSED. */
  close(code = 1000, reason = 'client closed') {
    if (this._state === 'closed') return;
    this._finish(code, reason, ClientErrorCodes.CLOSED);
    const socket = this._socket;
    if (socket && socket.readyState <= 1) {
      try {
        socket.close(code, reason);
      } catch {
        // Already closing.
      }
    }
  }

  /** A ClientMessage as a frame: text (proto3 JSON) or bytes (protobuf), per the encoding option. */
  _encode(message) {
    return this._encoding === 'binary' ? encodeProtobuf('ClientMessage', message) : JSON.stringify(message);
  }

  // ------------------------------------------------------------------ connection

  async _url() {
    const base = this._urls[this._urlIndex % this._urls.length];
    const token = typeof this._token === 'function' ? await this._token() : this._token;
    if (!token) return base;
    return base + (base.includes('?') ? '&' : '?') + 'access_token=' + encodeURIComponent(token);
  }

  /** Opens one WebSocket; resolves when open, rejects if it closes before opening. */
  async _open(first) {
    const url = await this._url();
    if (this._state === 'closed') throw new RoomgateError(ClientErrorCodes.CLOSED, 'the client is closed');
    return new Promise((resolve, reject) => {
      let socket;
      try {
        socket = new this._WebSocket(url);
      } catch (e) {
        // A URL the constructor refuses (or a browser's own limit): an attempt like a refused one.
        reject(new RoomgateError(ClientErrorCodes.CONNECTION_FAILED, `cannot open ${stripToken(url)}: ${e.message}`));
        if (!first) this._scheduleReconnect(1006, e.message);
        return;
      }
      this._socket = socket;
      socket.binaryType = 'arraybuffer';
      let opened = false;
      let failed = false;
      // Not opened: one failure, whichever tells it first. Node 20's WebSocket reports a refused
      // connection with an error event and no close event; a blackholed one may report nothing.
      const fail = (detail) => {
        if (opened || failed || this._socket !== socket) return;
        failed = true;
        clearTimeout(openTimer);
        reject(new RoomgateError(ClientErrorCodes.CONNECTION_FAILED, `could not connect to ${stripToken(url)} (${detail})`));
        if (!first) this._scheduleReconnect(1006, detail);
      };
      const openTimer = Number.isFinite(this._requestTimeoutMs) && this._requestTimeoutMs > 0
        ? setTimeout(() => {
          fail(`not open after ${this._requestTimeoutMs} ms`);
          try {
            socket.close();
          } catch {
            // Never opened.
          }
        }, this._requestTimeoutMs)
        : null;
      socket.onopen = () => {
        if (failed || this._socket !== socket) return;
        opened = true;
        clearTimeout(openTimer);
        if (this._state === 'closed') {
          socket.close(1000, 'client closed');
          return;
        }
        if (first) this._state = 'open';
        resolve();
        if (!first) this._afterReconnect();
      };
      socket.onmessage = (ev) => {
        if (this._socket !== socket) return;
        let msg;
        try {
          msg = typeof ev.data === 'string' ? JSON.parse(ev.data) : decodeProtobuf('ServerMessage', ev.data);
        } catch (e) {
          this._emit('error', new RoomgateError('MALFORMED_MESSAGE', `a frame from the gateway did not decode: ${e.message}`));
          return;
        }
        this._dispatch(msg);
      };
      socket.onerror = () => {
        // Once open, the close event that follows decides.
        fail('network error or refused upgrade');
      };
      socket.onclose = (ev) => {
        if (this._socket !== socket) return;
        if (!opened) {
          fail(`close ${ev.code}${ev.reason ? ': ' + ev.reason : ''}`);
          return;
        }
        this._dropped(ev.code, ev.reason);
      };
    });
  }

  _dropped(code, reason) {
    if (this._state === 'closed') return;
    this._rejectAll(ClientErrorCodes.CONNECTION_LOST,
      `connection lost (close ${code}${reason ? ': ' + reason : ''}); the request may or may not have been applied`);
    if (this._resume) clearTimeout(this._resume.timer);
    this._resume = null;
    if (!this._reconnect) {
      this._finish(code, reason, ClientErrorCodes.CONNECTION_LOST);
      return;
    }
    this._scheduleReconnect(code, reason);
  }

  _scheduleReconnect(code, reason) {
    if (this._state === 'closed') return;
    this._state = 'reconnecting';
    this._attempt++;
    if (this._attempt > this._backoff.maxAttempts) {
      this._finish(code, `gave up reconnecting after ${this._backoff.maxAttempts} attempts`, ClientErrorCodes.CLOSED);
      return;
    }
    const delayMs = backoffDelay(this._attempt, this._backoff);
    this._emit('reconnecting', { attempt: this._attempt, delayMs, code, reason });
    this._reconnectTimer = setTimeout(() => {
      this._reconnectTimer = null;
      if (this._state === 'closed') return;
      if (this._attempt > 1) this._urlIndex++; // the same gateway first, then the others in turn
      this._open(false).catch(() => {
        // onclose already scheduled the next attempt.
      });
    }, delayMs);
  }

  /** A new connection is open: take the seats back, then send what was asked for meanwhile. */
  _afterReconnect() {
    if (!this._resumeToken) {
      this._reconnected([], [], []);
      return;
    }
    this._state = 'resuming';
    const rooms = this._sequences.rooms();
    const requestId = 'resume-' + this._nextId++;
    const socket = this._socket;
    // A resume left unanswered would hold every request forever: give up on this connection instead.
    const timer = Number.isFinite(this._requestTimeoutMs) && this._requestTimeoutMs > 0
      ? setTimeout(() => {
        if (this._socket === socket && this._resume?.requestId === requestId) socket.close(4000, 'resume unanswered');
      }, this._requestTimeoutMs)
      : null;
    this._resume = { requestId, waiting: new Set(rooms), resumed: [], lost: [], rejoining: [], timer };
    const frame = { requestId, resume: { resumeToken: this._resumeToken, lastSequences: this._sequences.lastSequences() } };
    this._socket.send(this._encode(frame));
  }

  /** An answer to the resume request. */
  _onResumeAnswer(msg) {
    const r = this._resume;
    if (msg.resumed) {
      const ids = msg.resumed.roomIds || [];
      for (const id of ids) {
        r.waiting.delete(id);
        r.resumed.push(id);
      }
      this._emit('resumed', msg.resumed, msg);
      if (ids.length === 0) r.waiting.clear(); // nothing was seated: one empty Resumed
    } else if (msg.error) {
      const err = RoomgateError.fromServer(msg.error, msg.requestId);
      if (!err.roomId) {
        // The token itself was refused (spent, expired, another cluster's): it is never sent again
        // (the newest token is this connection's). With an identity the seats are the player's: the
        // rooms are joined again as they were; without one they are lost.
        for (const id of r.waiting) {
          if (this._token && this._joins.has(id)) r.rejoining.push(id);
          else r.lost.push(id);
        }
        for (const id of r.lost) this._forget(id);
        r.waiting.clear();
      } else {
        r.waiting.delete(err.roomId);
        r.lost.push(err.roomId);
        this._forget(err.roomId);
      }
      this._emit('error', err, msg);
    }
    if (r.waiting.size === 0) {
      clearTimeout(r.timer);
      this._resume = null;
      this._reconnected(r.resumed, r.lost, r.rejoining);
    }
  }

  _forget(roomId) {
    this._sequences.forget(roomId);
    this._joins.delete(roomId);
  }

  _reconnected(resumed, lost, rejoining) {
    this._state = 'open';
    this._attempt = 0;
    for (const roomId of rejoining) {
      // Before the held requests, which may be for these rooms. Its joined resets the room (the
      // state as it is now); the gateway's refusal is an 'error' event and the room is forgotten
      // (a connection lost meanwhile leaves it to the next resume).
      this.request({ join: this._joins.get(roomId) }).catch((e) => {
        if (!Object.values(ClientErrorCodes).includes(e.code)) this._forget(roomId);
        this._emit('error', e);
      });
    }
    const outbox = this._outbox;
    this._outbox = [];
    for (const requestId of outbox) {
      const p = this._pending.get(requestId); // gone if it timed out meanwhile
      if (p) {
        p.sent = true;
        this._socket.send(p.frame);
      }
    }
    this._emit('reconnected', { resumed, lost, rejoining });
  }

  _canSend() {
    return this._state === 'open' && this._socket !== null && this._socket.readyState === 1;
  }

  /** A frame nobody waits for (arena input): dropped while disconnected, as it would be stale by then. */
  _send(frame) {
    if (this._canSend()) this._socket.send(this._encode(frame));
  }

  /** Rejects the requests sent and not answered (all of them if unsentToo). */
  _rejectAll(code, message, unsentToo = false) {
    for (const [requestId, p] of this._pending) {
      if (!p.sent && !unsentToo) continue;
      clearTimeout(p.timer);
      this._pending.delete(requestId);
      const err = new RoomgateError(code, message, p.roomId);
      err.requestId = requestId;
      p.reject(err);
    }
  }

  _finish(code, reason, rejectCode) {
    this._state = 'closed';
    if (this._reconnectTimer) clearTimeout(this._reconnectTimer);
    if (this._resume) clearTimeout(this._resume.timer);
    this._rejectAll(rejectCode,
      rejectCode === ClientErrorCodes.CLOSED ? `client closed: ${reason}` : `connection lost: ${reason}`, true);
    this._outbox = [];
    this._emit('close', { code, reason });
    for (const it of this._iterators) it.end();
    this._iterators.clear();
  }

  // ------------------------------------------------------------------ incoming

  _dispatch(msg) {
    const body = bodyOf(msg);
    if (body === 'event') {
      const ev = msg.event;
      if (!this._sequences.accept(ev.roomId, ev.sequence)) return; // already delivered before a reconnect
    } else if (body === 'joined') {
      this._sequences.reset(msg.joined.roomId, msg.joined.lastSequence);
    } else if (body === 'left') {
      this._forget(msg.left.roomId);
    } else if (body === 'sessionStarted') {
      // Always the newest: a token resumes its connection once, so after a resume the old
      // connection's tokens are spent and this connection's (bound to it) is the one to keep.
      this._resumeToken = msg.sessionStarted.resumeToken;
    }

    for (const it of this._iterators) it.push(msg);
    this._emit('message', msg, msg);

    const requestId = msg.requestId || '';
    if (this._resume && requestId === this._resume.requestId && (body === 'resumed' || body === 'error')) {
      this._onResumeAnswer(msg);
      return;
    }
    if (body === 'error') {
      const err = RoomgateError.fromServer(msg.error, requestId);
      const p = requestId ? this._pending.get(requestId) : undefined;
      if (p) {
        this._settle(requestId);
        p.reject(err);
      } else {
        this._emit('error', err, msg);
      }
      return;
    }
    if (body) this._emit(body, msg[body], msg);
    const p = requestId ? this._pending.get(requestId) : undefined;
    if (p && body !== 'sessionStarted') {
      this._settle(requestId);
      p.resolve(msg[body]);
    }
  }

  _settle(requestId) {
    const p = this._pending.get(requestId);
    clearTimeout(p.timer);
    this._pending.delete(requestId);
  }

  _emit(type, value, msg) {
    const set = this._listeners.get(type);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(value, msg);
      } catch (e) {
        // One listener's bug must not stop the others nor the stream.
        console.error(`roomgate: a '${type}' listener threw`, e);
      }
    }
  }
}

function roomOf(body) {
  for (const v of Object.values(body)) {
    if (v && typeof v === 'object' && typeof v.roomId === 'string') return v.roomId;
  }
  return '';
}

function stripToken(url) {
  return url.replace(/access_token=[^&]*/, 'access_token=***');
}

// ------------------------------------------------------------------ binary protobuf

// The schema of proto/src/main/proto/roomgate/v1/client.proto, for the binary encoding: per message,
// [field number, proto3 JSON name, type]; a type ending in '*' is repeated. Enum values by number.
const ENUMS = {
  GameType: ['GAME_TYPE_UNSPECIFIED', 'CHESS', 'ARENA'],
  Role: ['ROLE_UNSPECIFIED', 'PLAYER', 'SPECTATOR'],
  Side: ['SIDE_UNSPECIFIED', 'WHITE', 'BLACK'],
  Seat: ['SEAT_UNSPECIFIED', 'SEAT_WHITE', 'SEAT_BLACK', 'SEAT_SPECTATOR', 'SEAT_PLAYER'],
  GameStatus: ['GAME_STATUS_UNSPECIFIED', 'ONGOING', 'CHECKMATE', 'STALEMATE', 'DRAW_FIFTY_MOVE',
    'DRAW_THREEFOLD_REPETITION', 'DRAW_INSUFFICIENT_MATERIAL', 'DRAW_FIVEFOLD_REPETITION', 'DRAW_SEVENTY_FIVE_MOVE'],
  ErrorCode: ['ERROR_CODE_UNSPECIFIED', 'MALFORMED_MESSAGE', 'MESSAGE_TOO_LARGE', 'INVALID_ARGUMENT',
    'UNKNOWN_GAME_TYPE', 'GAME_TYPE_MISMATCH', 'NOT_IN_ROOM', 'ALREADY_IN_ROOM', 'SEAT_TAKEN', 'ILLEGAL_MOVE',
    'NOT_YOUR_TURN', 'SPECTATOR_CANNOT_MOVE', 'GAME_OVER', 'ROOM_UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL',
    'NO_DRAW_TO_CLAIM', 'INVALID_TOPIC', 'ROOM_FULL', 'RESUME_REJECTED', 'OUTCOME_UNKNOWN', 'UNAUTHENTICATED',
    'FORBIDDEN', 'TOKEN_EXPIRED', 'TOO_MANY_ROOMS', 'TOO_MANY_TOPICS'],
};
const S = 'string';
const MESSAGES = {
  ClientMessage: [[1, 'requestId', S], [2, 'join', 'JoinRoom'], [3, 'leave', 'LeaveRoom'], [4, 'move', 'ChessMove'],
    [5, 'chat', 'SendChat'], [6, 'ping', 'Ping'], [7, 'claimDraw', 'ClaimDraw'], [8, 'subscribe', 'Subscribe'],
    [9, 'unsubscribe', 'Unsubscribe'], [10, 'arenaInput', 'ArenaInput'], [11, 'resume', 'Resume'],
    [12, 'authenticate', 'Authenticate']],
  JoinRoom: [[1, 'roomId', S], [2, 'gameType', 'GameType'], [3, 'role', 'Role'], [4, 'side', 'Side'],
    [5, 'displayName', S]],
  LeaveRoom: [[1, 'roomId', S]],
  ChessMove: [[1, 'roomId', S], [2, 'uci', S]],
  SendChat: [[1, 'roomId', S], [2, 'text', S]],
  Ping: [[1, 'clientTimeMs', 'int64']],
  ClaimDraw: [[1, 'roomId', S]],
  Subscribe: [[1, 'topics', 'string*'], [2, 'maxRate', 'uint32']],
  Unsubscribe: [[1, 'topics', 'string*']],
  ArenaInput: [[1, 'roomId', S], [2, 'moveX', 'float'], [3, 'moveY', 'float'], [4, 'dash', 'bool'],
    [5, 'inputSequence', 'uint64']],
  Resume: [[1, 'resumeToken', S], [2, 'lastSequences', 'map<string,uint64>']],
  Authenticate: [[1, 'token', S]],
  ServerMessage: [[1, 'requestId', S], [2, 'joined', 'Joined'], [3, 'event', 'RoomEvent'], [4, 'error', 'Error'],
    [5, 'pong', 'Pong'], [6, 'left', 'Left'], [7, 'feedUpdate', 'FeedUpdate'], [8, 'subscribed', 'Subscribed'],
    [9, 'unsubscribed', 'Unsubscribed'], [10, 'roomMoved', 'RoomMoved'], [11, 'sessionStarted', 'SessionStarted'],
    [12, 'resumed', 'Resumed']],
  SessionStarted: [[1, 'resumeToken', S]],
  Resumed: [[1, 'roomIds', 'string*'], [2, 'ownerNodeId', S]],
  RoomMoved: [[1, 'roomId', S], [2, 'ownerNodeId', S]],
  Subscribed: [[1, 'topics', 'string*']],
  Unsubscribed: [[1, 'topics', 'string*']],
  FeedUpdate: [[1, 'topic', S], [2, 'value', 'double'], [3, 'publisherTimeMs', 'int64'], [4, 'sequence', 'uint64']],
  Joined: [[1, 'roomId', S], [2, 'gameType', 'GameType'], [3, 'ownerNodeId', S], [4, 'participantId', S],
    [5, 'seat', 'Seat'], [6, 'lastSequence', 'uint64'], [7, 'state', 'RoomState'], [8, 'chatHistory', 'ChatMessage*'],
    [9, 'finished', 'bool']],
  Left: [[1, 'roomId', S]],
  Participant: [[1, 'participantId', S], [2, 'displayName', S], [3, 'seat', 'Seat']],
  RoomState: [[1, 'participants', 'Participant*'], [2, 'chess', 'ChessState'], [3, 'arena', 'ArenaState']],
  ChessState: [[1, 'initialFen', S], [2, 'fen', S], [3, 'uciMoves', 'string*'], [4, 'sanMoves', 'string*'],
    [5, 'status', 'GameStatus'], [6, 'sideToMove', 'Side'], [7, 'winner', 'Side']],
  ArenaState: [[1, 'tick', 'uint64'], [2, 'width', 'float'], [3, 'height', 'float'], [4, 'players', 'ArenaPlayer*']],
  ArenaPlayer: [[1, 'participantId', S], [2, 'x', 'float'], [3, 'y', 'float'], [4, 'vx', 'float'], [5, 'vy', 'float'],
    [6, 'it', 'bool'], [7, 'score', 'uint64'], [8, 'lastInputSequence', 'uint64'], [9, 'dashCooldown', 'uint32']],
  RoomEvent: [[1, 'roomId', S], [2, 'sequence', 'uint64'], [3, 'serverTimeMs', 'int64'], [4, 'moveMade', 'MoveMade'],
    [5, 'chat', 'ChatMessage'], [6, 'participantJoined', 'ParticipantJoined'],
    [7, 'participantLeft', 'ParticipantLeft'], [8, 'drawClaimed', 'DrawClaimed'], [9, 'arenaTick', 'ArenaState']],
  DrawClaimed: [[1, 'participantId', S], [2, 'side', 'Side'], [3, 'status', 'GameStatus']],
  MoveMade: [[1, 'participantId', S], [2, 'side', 'Side'], [3, 'uci', S], [4, 'san', S], [5, 'fenAfter', S],
    [6, 'status', 'GameStatus'], [7, 'winner', 'Side']],
  ChatMessage: [[1, 'participantId', S], [2, 'displayName', S], [3, 'text', S], [4, 'sentAtMs', 'int64']],
  ParticipantJoined: [[1, 'participant', 'Participant']],
  ParticipantLeft: [[1, 'participant', 'Participant']],
  Error: [[1, 'code', 'ErrorCode'], [2, 'message', S], [3, 'roomId', S]],
  Pong: [[1, 'clientTimeMs', 'int64'], [2, 'serverTimeMs', 'int64']],
  MapEntry: [[1, 'key', S], [2, 'value', 'uint64']],
};
/** The schema copy, for the test that holds it to client.proto. */
export const protobufSchema = Object.freeze({ messages: MESSAGES, enums: ENUMS });
const BY_NAME = {};
const BY_NUMBER = {};
for (const [type, fields] of Object.entries(MESSAGES)) {
  BY_NAME[type] = new Map(fields.map((f) => [f[1], f]));
  BY_NUMBER[type] = new Map(fields.map((f) => [f[0], f]));
}
const VARINT = new Set(['bool', 'int64', 'uint64', 'uint32']);
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * A message in its proto3 JSON shape to protobuf bytes (type: 'ClientMessage', ...). Strict as the
 * gateway's JSON parser is: an unknown field or enum name throws.
 */
export function encodeProtobuf(type, value) {
  const out = [];
  writeMessage(type, value, out);
  return Uint8Array.from(out);
}

/** Protobuf bytes to the proto3 JSON shape the gateway's text frames have (type: 'ServerMessage', ...). */
export function decodeProtobuf(type, bytes) {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return readMessage(type, data, { pos: 0 }, data.length);
}

function writeMessage(type, value, out) {
  for (const [name, v] of Object.entries(value)) {
    const field = BY_NAME[type].get(name);
    if (!field) throw new TypeError(`${type} has no field '${name}'`);
    if (v === undefined || v === null) continue;
    const [number, , ftype] = field;
    if (ftype.endsWith('*')) {
      for (const item of v) writeField(number, ftype.slice(0, -1), item, out, true);
    } else if (ftype.startsWith('map<')) {
      for (const [k, item] of Object.entries(v)) writeField(number, 'MapEntry', { key: k, value: item }, out, true);
    } else {
      writeField(number, ftype, v, out, false);
    }
  }
}

function writeField(number, ftype, v, out, always) {
  if (MESSAGES[ftype]) {
    const body = [];
    writeMessage(ftype, v, body);
    writeVarint((number << 3) | 2, out);
    writeVarint(body.length, out);
    for (const b of body) out.push(b);
  } else if (ENUMS[ftype]) {
    const n = typeof v === 'number' ? v : ENUMS[ftype].indexOf(v);
    if (n < 0) throw new TypeError(`'${v}' is not a ${ftype}`);
    if (n !== 0 || always) {
      writeVarint(number << 3, out);
      writeVarint(n, out);
    }
  } else if (ftype === S) {
    const bytes = utf8Encoder.encode(String(v));
    if (bytes.length === 0 && !always) return;
    writeVarint((number << 3) | 2, out);
    writeVarint(bytes.length, out);
    for (const b of bytes) out.push(b);
  } else if (ftype === 'float' || ftype === 'double') {
    const n = Number(v);
    if (n === 0 && !Object.is(n, -0) && !always) return;
    const size = ftype === 'float' ? 4 : 8;
    const view = new DataView(new ArrayBuffer(size));
    if (size === 4) view.setFloat32(0, n, true);
    else view.setFloat64(0, n, true);
    writeVarint((number << 3) | (size === 4 ? 5 : 1), out);
    for (const b of new Uint8Array(view.buffer)) out.push(b);
  } else if (VARINT.has(ftype)) {
    const n = ftype === 'bool' ? BigInt(v ? 1 : 0) : BigInt.asUintN(64, BigInt(v));
    if (n === 0n && !always) return;
    writeVarint(number << 3, out);
    writeVarint(n, out);
  } else {
    throw new TypeError(`no encoding for ${ftype}`);
  }
}

function writeVarint(value, out) {
  let n = BigInt(value);
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) byte |= 0x80;
    out.push(byte);
  } while (n > 0n);
}

function readVarint(data, at) {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (at.pos >= data.length) throw new RangeError('truncated varint');
    const byte = data[at.pos++];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7n;
    if (shift > 63n) throw new RangeError('varint too long');
  }
}

function readMessage(type, data, at, end) {
  const out = {};
  while (at.pos < end) {
    const tag = Number(readVarint(data, at));
    const number = tag >>> 3;
    const wire = tag & 7;
    const field = BY_NUMBER[type].get(number);
    if (!field) {
      skip(wire, data, at);
      continue;
    }
    const [, name, ftype] = field;
    if (ftype.endsWith('*')) {
      (out[name] ??= []).push(readValue(ftype.slice(0, -1), wire, data, at));
    } else if (ftype.startsWith('map<')) {
      const entry = readValue('MapEntry', wire, data, at);
      (out[name] ??= {})[entry.key ?? ''] = entry.value ?? '0';
    } else {
      out[name] = readValue(ftype, wire, data, at);
    }
  }
  if (at.pos !== end) throw new RangeError(`${type} overran its length`);
  return out;
}

function readValue(ftype, wire, data, at) {
  if (MESSAGES[ftype] || ftype === S) {
    const length = Number(readVarint(data, at));
    const end = at.pos + length;
    if (end > data.length) throw new RangeError('truncated field');
    if (ftype === S) {
      const s = utf8Decoder.decode(data.subarray(at.pos, end));
      at.pos = end;
      return s;
    }
    return readMessage(ftype, data, at, end);
  }
  if (ftype === 'float' || ftype === 'double') {
    const size = ftype === 'float' ? 4 : 8;
    if (at.pos + size > data.length) throw new RangeError('truncated field');
    const view = new DataView(data.buffer, data.byteOffset + at.pos, size);
    at.pos += size;
    return size === 4 ? shortestFloat(view.getFloat32(0, true)) : view.getFloat64(0, true);
  }
  const n = readVarint(data, at);
  if (ENUMS[ftype]) return ENUMS[ftype][Number(n)] ?? Number(n);
  if (ftype === 'bool') return n !== 0n;
  if (ftype === 'uint32') return Number(n);
  if (ftype === 'int64') return BigInt.asIntN(64, n).toString();
  return n.toString(); // uint64: a string, as proto3 JSON has it
}

/** The float32 as its shortest decimal, as the gateway's JSON prints it (13, not 13.000000953674316). */
function shortestFloat(f) {
  if (!Number.isFinite(f)) return f;
  for (let p = 1; p < 10; p++) {
    const d = Number(f.toPrecision(p));
    if (Math.fround(d) === f) return d;
  }
  return f;
}

function skip(wire, data, at) {
  if (wire === 0) readVarint(data, at);
  else if (wire === 1) at.pos += 8;
  else if (wire === 2) at.pos += Number(readVarint(data, at));
  else if (wire === 5) at.pos += 4;
  else throw new RangeError(`wire type ${wire} not supported`);
}
