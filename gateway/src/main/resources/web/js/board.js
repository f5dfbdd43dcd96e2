// A chess board drawn with plain DOM: 64 squares, each with data-square ("e4") and data-piece
// ("wP", "bK" or ""), pieces as Unicode glyphs. It only draws positions (from FEN) and reports
// what the user clicked or dragged; whether a move is legal is the server's to say.
const GLYPHS = {
  K: '\u2654', Q: '\u2655', R: '\u2656', B: '\u2657', N: '\u2658', P: '\u2659',
  k: '\u265A', q: '\u265B', r: '\u265C', b: '\u265D', n: '\u265E', p: '\u265F',
};
const FILES = 'abcdefgh';

/** The pieces of a FEN's placement field: square -> FEN letter ('P', 'k'...). */
export function piecesOf(fen) {
  const pieces = new Map();
  const rows = (fen || '').split(' ')[0].split('/');
  rows.forEach((row, i) => {
    let file = 0;
    for (const c of row) {
      if (c >= '1' && c <= '8') {
        file += Number(c);
      } else {
        pieces.set(FILES[file] + (8 - i), c);
        file++;
      }
    }
  });
  return pieces;
}

export class Board {
  /**
   * @param {HTMLElement} root the grid container
   * @param {(from: string, to: string) => void} onMove called with the squares of a move the user made
   */
  constructor(root, onMove) {
    this.root = root;
    this.onMove = onMove;
    this.orientation = 'WHITE';
    this.pieces = new Map();
    this.selected = null;
    this.lastMove = '';
    this.enabled = true;
    this.squares = new Map();
    this.build();
  }

  build() {
    this.root.replaceChildren();
    this.squares.clear();
    for (let r = 0; r < 8; r++) {
      for (let f = 0; f < 8; f++) {
        const file = this.orientation === 'WHITE' ? f : 7 - f;
        const rank = this.orientation === 'WHITE' ? 8 - r : r + 1;
        const name = FILES[file] + rank;
        const sq = document.createElement('div');
        sq.className = 'sq ' + ((file + rank) % 2 === 1 ? 'light' : 'dark');
        sq.dataset.square = name;
        sq.title = name;
        sq.addEventListener('click', () => this.clicked(name));
        sq.addEventListener('dragstart', (e) => {
          this.select(name);
          e.dataTransfer.setData('text/plain', name);
        });
        sq.addEventListener('dragover', (e) => e.preventDefault());
        sq.addEventListener('drop', (e) => {
          e.preventDefault();
          const from = e.dataTransfer.getData('text/plain');
          if (from && from !== name) this.move(from, name);
        });
        this.root.appendChild(sq);
        this.squares.set(name, sq);
      }
    }
    this.draw();
  }

  setOrientation(side) {
    if (side !== this.orientation) {
      this.orientation = side;
      this.build();
    }
  }

  /** Draws the position of a FEN; lastMove (UCI) is highlighted. */
  setPosition(fen, lastMove = '') {
    this.pieces = piecesOf(fen);
    this.lastMove = lastMove;
    this.draw();
  }

  /** Whether the given FEN letter's piece is white. */
  static isWhite(piece) {
    return piece === piece.toUpperCase();
  }

  pieceAt(square) {
    return this.pieces.get(square) || '';
  }

  draw() {
    for (const [name, sq] of this.squares) {
      const piece = this.pieces.get(name) || '';
      sq.textContent = piece ? GLYPHS[piece] : '';
      sq.dataset.piece = piece ? (Board.isWhite(piece) ? 'w' : 'b') + piece.toUpperCase() : '';
      sq.draggable = this.enabled && piece !== '';
      sq.classList.toggle('selected', name === this.selected);
      sq.classList.toggle('last', this.lastMove.startsWith(name) || this.lastMove.slice(2, 4) === name);
    }
  }

  select(square) {
    this.selected = square;
    this.draw();
  }

  clicked(square) {
    if (!this.enabled) return;
    const piece = this.pieceAt(square);
    if (this.selected === null) {
      if (piece) this.select(square);
      return;
    }
    if (square === this.selected) {
      this.select(null);
      return;
    }
    const own = this.pieceAt(this.selected);
    // Another piece of the same colour: select it instead (a move onto one's own piece is never meant).
    if (piece && own && Board.isWhite(piece) === Board.isWhite(own)) {
      this.select(square);
      return;
    }
    this.move(this.selected, square);
  }

  move(from, to) {
    this.select(null);
    this.onMove(from, to);
  }
}
