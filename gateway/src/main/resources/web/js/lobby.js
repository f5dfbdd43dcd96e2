// The lobby: picks a game, a room and a role, and opens the game's page with them in the URL.
// Nothing is checked here: the game page joins, and shows the server's refusal if there is one.
const form = document.getElementById('lobby');
const game = document.getElementById('game');
const sideLabel = document.getElementById('side-label');
const name = document.getElementById('name');

const token = document.getElementById('token');
name.value = localStorage.getItem('roomgate.name') || '';
token.value = sessionStorage.getItem('roomgate.token') || '';
game.addEventListener('change', () => {
  sideLabel.hidden = game.value !== 'chess';
});

function newRoomId() {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return game.value + '-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  localStorage.setItem('roomgate.name', name.value);
  // The game pages present it when they connect (a gateway run with --auth jwt wants one); it ends with the tab.
  if (token.value) sessionStorage.setItem('roomgate.token', token.value);
  else sessionStorage.removeItem('roomgate.token');
  const query = new URLSearchParams();
  query.set('room', document.getElementById('room').value.trim() || newRoomId());
  query.set('role', document.getElementById('role').value);
  if (game.value === 'chess' && document.getElementById('side').value) {
    query.set('side', document.getElementById('side').value);
  }
  if (name.value) query.set('name', name.value);
  location.href = `/${game.value}.html?${query}`;
});
