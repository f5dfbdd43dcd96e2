// What every page shares: the connection, the query parameters, and text-only DOM helpers.
// Nothing from the server or the URL is ever parsed as HTML: elements get text via textContent.
import { RoomgateClient } from '/js/roomgate.js';

/** The query parameters of this page's URL. */
export const params = new URLSearchParams(location.search);

/** The gateway's WebSocket endpoint, on the host and port that served this page. */
export function websocketUrl() {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
}

/** An element with attributes and text (never HTML). */
export function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Shows a refusal: the server's code and message, as text. */
export function showError(target, error) {
  target.textContent = error && error.code ? `${error.code}: ${error.serverMessage ?? error.message}` : String(error);
  target.hidden = false;
}

/**
 * Connects with automatic resume, shows the connection's state in #connection, and keeps the client
 * on window.__roomgate (a debug handle: the browser tests drop its socket through it).
 */
export async function connect() {
  const state = document.getElementById('connection');
  const token = sessionStorage.getItem('roomgate.token') || undefined;
  const client = await RoomgateClient.connect(websocketUrl(), {
    token,
    reconnect: true,
    backoff: { initialMs: 250, maxMs: 5000 },
  });
  window.__roomgate = { client };
  const show = (s) => {
    if (state) {
      state.textContent = s;
      state.dataset.state = s;
    }
  };
  show('connected');
  client.on('reconnecting', (r) => show(`reconnecting (attempt ${r.attempt})`));
  client.on('reconnected', () => show('connected'));
  client.on('close', () => show('closed'));
  return client;
}
