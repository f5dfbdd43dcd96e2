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
    this._connectionToken = '';
    this._resume = null;
    this._attempt = 0;
    this._reconnectTimer = null;
  }

  // ------------------------------------------------------------------ public API

  /** 'connecting', 'open', 'resuming', 'reconnecting' or 'closed'. */
  get state() {
    return this._state;
  }

  /** The token that resumes this session on another connection ('' until the first answer). */
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
    return this.request({ join });
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
    return new Promise((resolve, reject) => {
      const timer = this._requestTimeoutMs > 0 && Number.isFinite(this._requestTimeoutMs)
        ? setTimeout(() => {
          this._pending.delete(requestId);
          reject(new RoomgateError(ClientErrorCodes.TIMEOUT,
            `no answer to request ${requestId} within ${this._requestTimeoutMs} ms`, roomOf(body)));
        }, this._requestTimeoutMs)
        : null;
      const text = JSON.stringify({ requestId, ...body });
      const p = { resolve, reject, timer, roomId: roomOf(body), text, sent: false };
      this._pending.set(requestId, p);
      if (this._canSend()) {
        p.sent = true;
        this._socket.send(text);
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
        reject(new RoomgateError(ClientErrorCodes.CONNECTION_FAILED, `cannot open ${url}: ${e.message}`));
        return;
      }
      this._socket = socket;
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
        this._connectionToken = '';
        if (first) this._state = 'open';
        resolve();
        if (!first) this._afterReconnect();
      };
      socket.onmessage = (ev) => {
        if (this._socket !== socket) return;
        if (typeof ev.data !== 'string') return; // we send text, so the gateway answers in text
        let msg;
        try {
          msg = JSON.parse(ev.data);
        } catch {
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
      this._reconnected([], []);
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
    this._resume = { requestId, waiting: new Set(rooms), resumed: [], lost: [], timer };
    const frame = { requestId, resume: { resumeToken: this._resumeToken, lastSequences: this._sequences.lastSequences() } };
    this._socket.send(JSON.stringify(frame));
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
        // The token itself was refused (e.g. another cluster): nothing comes back; this connection
        // is a new session, with the token it was given.
        for (const id of r.waiting) r.lost.push(id);
        for (const id of r.lost) this._sequences.forget(id);
        r.waiting.clear();
        if (this._connectionToken) this._resumeToken = this._connectionToken;
      } else {
        r.waiting.delete(err.roomId);
        r.lost.push(err.roomId);
        this._sequences.forget(err.roomId);
      }
      this._emit('error', err, msg);
    }
    if (r.waiting.size === 0) {
      clearTimeout(r.timer);
      this._resume = null;
      this._reconnected(r.resumed, r.lost);
    }
  }

  _reconnected(resumed, lost) {
    this._state = 'open';
    this._attempt = 0;
    const outbox = this._outbox;
    this._outbox = [];
    for (const requestId of outbox) {
      const p = this._pending.get(requestId); // gone if it timed out meanwhile
      if (p) {
        p.sent = true;
        this._socket.send(p.text);
      }
    }
    this._emit('reconnected', { resumed, lost });
  }

  _canSend() {
    return this._state === 'open' && this._socket !== null && this._socket.readyState === 1;
  }

  /** A frame nobody waits for (arena input): dropped while disconnected, as it would be stale by then. */
  _send(frame) {
    if (this._canSend()) this._socket.send(JSON.stringify(frame));
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
      this._sequences.forget(msg.left.roomId);
    } else if (body === 'sessionStarted') {
      this._connectionToken = msg.sessionStarted.resumeToken;
      // After a resume the session is the old one: its token stays. A new token only the first time.
      if (!this._resumeToken) this._resumeToken = msg.sessionStarted.resumeToken;
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
