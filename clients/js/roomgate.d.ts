// Types for roomgate.js. Messages are the proto3 JSON shapes of proto/src/main/proto/roomgate/v1/client.proto
// (camelCase; 64-bit integers as strings). Only the commonly read fields are spelled out.

export type ErrorCodeName =
  | 'MALFORMED_MESSAGE' | 'MESSAGE_TOO_LARGE' | 'INVALID_ARGUMENT' | 'UNKNOWN_GAME_TYPE' | 'GAME_TYPE_MISMATCH'
  | 'NOT_IN_ROOM' | 'ALREADY_IN_ROOM' | 'SEAT_TAKEN' | 'ILLEGAL_MOVE' | 'NOT_YOUR_TURN' | 'SPECTATOR_CANNOT_MOVE'
  | 'GAME_OVER' | 'ROOM_UNAVAILABLE' | 'RATE_LIMITED' | 'INTERNAL' | 'NO_DRAW_TO_CLAIM' | 'INVALID_TOPIC'
  | 'ROOM_FULL' | 'RESUME_REJECTED' | 'OUTCOME_UNKNOWN'
  // client-side
  | 'CONNECTION_LOST' | 'CLOSED' | 'TIMEOUT' | 'CONNECTION_FAILED' | 'NO_WEBSOCKET'
  | string;

export class RoomgateError extends Error {
  readonly code: ErrorCodeName;
  /** The gateway's message (for humans), without the code. */
  readonly serverMessage: string;
  readonly roomId: string;
  readonly requestId: string;
  constructor(code: ErrorCodeName, message: string, roomId?: string);
}

export const ClientErrorCodes: Readonly<{
  CONNECTION_LOST: 'CONNECTION_LOST';
  CLOSED: 'CLOSED';
  TIMEOUT: 'TIMEOUT';
  CONNECTION_FAILED: 'CONNECTION_FAILED';
  NO_WEBSOCKET: 'NO_WEBSOCKET';
}>;

export type GameType = 'CHESS' | 'ARENA' | 'GAME_TYPE_UNSPECIFIED';
export type Role = 'PLAYER' | 'SPECTATOR';
export type Side = 'WHITE' | 'BLACK' | 'SIDE_UNSPECIFIED';
export type Seat = 'SEAT_WHITE' | 'SEAT_BLACK' | 'SEAT_SPECTATOR' | 'SEAT_PLAYER' | 'SEAT_UNSPECIFIED';
export type GameStatus =
  | 'ONGOING' | 'CHECKMATE' | 'STALEMATE' | 'DRAW_FIFTY_MOVE' | 'DRAW_THREEFOLD_REPETITION'
  | 'DRAW_INSUFFICIENT_MATERIAL' | 'DRAW_FIVEFOLD_REPETITION' | 'DRAW_SEVENTY_FIVE_MOVE';

export interface Participant { participantId: string; displayName?: string; seat?: Seat }
export interface ChessState {
  initialFen: string; fen: string; uciMoves?: string[]; sanMoves?: string[];
  status: GameStatus; sideToMove: Side; winner?: Side;
}
export interface ArenaPlayer {
  participantId: string; x?: number; y?: number; vx?: number; vy?: number; it?: boolean;
  score?: string; lastInputSequence?: string; dashCooldown?: number;
}
export interface ArenaState { tick?: string; width: number; height: number; players?: ArenaPlayer[] }
export interface ChatMessage { participantId: string; displayName?: string; text: string; sentAtMs: string }
export interface Joined {
  roomId: string; gameType: GameType; ownerNodeId: string; participantId: string; seat: Seat;
  lastSequence: string; state: { participants?: Participant[]; chess?: ChessState; arena?: ArenaState };
  chatHistory?: ChatMessage[]; finished?: boolean;
}
export interface MoveMade {
  participantId: string; side: Side; uci: string; san: string; fenAfter: string; status: GameStatus; winner?: Side;
}
export interface RoomEvent {
  roomId: string; sequence: string; serverTimeMs: string;
  moveMade?: MoveMade; chat?: ChatMessage;
  participantJoined?: { participant: Participant }; participantLeft?: { participant: Participant };
  drawClaimed?: { participantId: string; side: Side; status: GameStatus }; arenaTick?: ArenaState;
}
export interface FeedUpdate { topic: string; value: number; publisherTimeMs: string; sequence: string }
export interface RoomMoved { roomId: string; ownerNodeId: string }
export interface Resumed { roomIds?: string[]; ownerNodeId?: string }
export interface Pong { clientTimeMs: string; serverTimeMs: string }
export interface ServerMessage {
  requestId?: string;
  joined?: Joined; event?: RoomEvent; error?: { code: ErrorCodeName; message: string; roomId?: string };
  pong?: Pong; left?: { roomId: string }; feedUpdate?: FeedUpdate; subscribed?: { topics: string[] };
  unsubscribed?: { topics: string[] }; roomMoved?: RoomMoved; sessionStarted?: { resumeToken: string };
  resumed?: Resumed;
}

export interface ConnectOptions {
  /** A JWT, sent as the access_token query parameter; a function is asked again on every reconnect. */
  token?: string | (() => string | Promise<string>);
  /** The WebSocket constructor; default globalThis.WebSocket (Node 20: --experimental-websocket). */
  WebSocket?: new (url: string) => unknown;
  /** Reopen and resume after a dropped connection (default true). */
  reconnect?: boolean;
  backoff?: { initialMs?: number; maxMs?: number; maxAttempts?: number };
  /** A request with no answer rejects with TIMEOUT after this (default 30000; 0 or Infinity: never). */
  requestTimeoutMs?: number;
  /** 'json' (text frames, default) or 'binary' (protobuf frames); messages look the same to you. */
  encoding?: 'json' | 'binary';
}

export interface EventMap {
  event: RoomEvent; joined: Joined; left: { roomId: string }; roomMoved: RoomMoved; resumed: Resumed;
  feedUpdate: FeedUpdate; error: RoomgateError; sessionStarted: { resumeToken: string }; pong: Pong;
  subscribed: { topics: string[] }; unsubscribed: { topics: string[] }; message: ServerMessage;
  reconnecting: { attempt: number; delayMs: number; code: number; reason: string };
  /** rejoining: rooms joined again because the resume token was refused (with an identity token only). */
  reconnected: { resumed: string[]; lost: string[]; rejoining: string[] };
  close: { code: number; reason: string };
}

export class RoomgateClient {
  static connect(url: string | string[], options?: ConnectOptions): Promise<RoomgateClient>;
  readonly state: 'connecting' | 'open' | 'resuming' | 'reconnecting' | 'closed';
  readonly resumeToken: string;
  readonly socket: unknown;
  /** Rooms seated in, with the last sequence seen in each. */
  readonly rooms: Map<string, number>;
  on<K extends keyof EventMap>(type: K, fn: (value: EventMap[K], message?: ServerMessage) => void): this;
  off<K extends keyof EventMap>(type: K, fn: (value: EventMap[K], message?: ServerMessage) => void): this;
  messages(): AsyncIterableIterator<ServerMessage>;
  join(roomId: string, options?: { gameType?: GameType; role?: Role; side?: Side; displayName?: string }): Promise<Joined>;
  leave(roomId: string): Promise<{ roomId: string }>;
  move(roomId: string, uci: string): Promise<RoomEvent>;
  chat(roomId: string, text: string): Promise<RoomEvent>;
  claimDraw(roomId: string): Promise<RoomEvent>;
  arenaInput(roomId: string, input?: { moveX?: number; moveY?: number; dash?: boolean }): number;
  subscribe(topics: string[], options?: { maxRate?: number }): Promise<{ topics: string[] }>;
  unsubscribe(topics: string[]): Promise<{ topics: string[] }>;
  ping(): Promise<Pong & { rttMs: number }>;
  request(body: object): Promise<any>;
  sendRaw(text: string): boolean;
  close(code?: number, reason?: string): void;
}

export class SequenceTracker {
  reset(roomId: string, lastSequence: string | number): void;
  forget(roomId: string): void;
  has(roomId: string): boolean;
  accept(roomId: string, sequence: string | number): boolean;
  lastSequences(): Record<string, string>;
  rooms(): string[];
}

export function backoffDelay(attempt: number, backoff: { initialMs: number; maxMs: number }, random?: () => number): number;
export function bodyOf(message: ServerMessage): string;

/** Protobuf bytes of a roomgate.v1 message given in its proto3 JSON shape ('ClientMessage', ...). */
export function encodeProtobuf(type: string, value: object): Uint8Array;
/** The proto3 JSON shape of protobuf bytes ('ServerMessage', ...). */
export function decodeProtobuf(type: string, bytes: Uint8Array | ArrayBuffer): any;
