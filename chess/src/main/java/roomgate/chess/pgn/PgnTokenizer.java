package roomgate.chess.pgn;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits PGN text into tokens: whole tag pairs, symbols (moves, move numbers, results), NAGs and
 * variation brackets. Brace and semicolon comments and "%" escape lines are dropped here, so the
 * reader above sees only what it must interpret. CR is plain whitespace, so CRLF and LF files
 * read alike.
 */
final class PgnTokenizer {
    private final Reader in;
    private int peeked = -2;
    private int line = 1;
    private boolean atLineStart = true;
    /** Whether the character last returned by read() was the first on its line ('%' escapes need it). */
    private boolean atLineStartBefore;

    PgnTokenizer(Reader in) {
        this.in = in;
    }

    PgnToken next() throws IOException {
        while (true) {
            int c = read();
            if (c == -1) {
                return new PgnToken(PgnToken.Kind.END, "", null, line);
            }
            boolean lineStart = atLineStartBefore;
            if (Character.isWhitespace(c) || c == '\uFEFF') {
                continue;
            }
            switch (c) {
                case '%':
                    if (lineStart) {
                        skipLine();
                        continue;
                    }
                    break;
                case ';':
                    skipLine();
                    continue;
                case '{':
                    skipBraceComment();
                    continue;
                case '[':
                    return tag();
                case '(':
                    return new PgnToken(PgnToken.Kind.OPEN_VARIATION, "(", null, line);
                case ')':
                    return new PgnToken(PgnToken.Kind.CLOSE_VARIATION, ")", null, line);
                case '$':
                    return new PgnToken(PgnToken.Kind.NAG, "$" + readWhile(PgnTokenizer::isDigit), null, line);
                case '*':
                    return new PgnToken(PgnToken.Kind.SYMBOL, "*", null, line);
                default:
                    break;
            }
            if (isSymbolChar(c)) {
                return new PgnToken(PgnToken.Kind.SYMBOL, (char) c + readWhile(PgnTokenizer::isSymbolChar), null, line);
            }
            // Anything else (e.g. the reserved '<' '>') carries no game information; skip it.
        }
    }

    private int read() throws IOException {
        int c;
        if (peeked != -2) {
            c = peeked;
            peeked = -2;
        } else {
            c = in.read();
        }
        atLineStartBefore = atLineStart;
        if (c == '\n') {
            line++;
            atLineStart = true;
        } else if (c != '\r') {
            atLineStart = false;
        }
        return c;
    }

    private int peek() throws IOException {
        if (peeked == -2) {
            peeked = in.read();
        }
        return peeked;
    }

    private void skipLine() throws IOException {
        int c;
        do {
            c = read();
        } while (c != -1 && c != '\n');
    }

    private void skipBraceComment() throws IOException {
        int start = line;
        int c;
        do {
            c = read();
            if (c == -1) {
                throw new PgnFormatException(start, "comment starting with '{' is never closed with '}'");
            }
        } while (c != '}');
    }

    private PgnToken tag() throws IOException {
        int start = line;
        skipSpaces();
        String name = readWhile(PgnTokenizer::isSymbolChar);
        if (name.isEmpty()) {
            throw new PgnFormatException(start, "tag pair must start with a name, as in [Event \"...\"]");
        }
        skipSpaces();
        if (read() != '"') {
            throw new PgnFormatException(
                    start, "tag " + name + ": expected a quoted value, as in [" + name + " \"...\"]");
        }
        StringBuilder value = new StringBuilder();
        while (true) {
            int c = read();
            if (c == -1 || c == '\n') {
                throw new PgnFormatException(start, "tag " + name + ": value is not closed with '\"'");
            }
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                int escaped = read();
                if (escaped == -1) {
                    throw new PgnFormatException(start, "tag " + name + ": value is not closed with '\"'");
                }
                c = escaped;
            }
            value.append((char) c);
        }
        skipSpaces();
        if (read() != ']') {
            throw new PgnFormatException(start, "tag " + name + ": expected ']' after the value");
        }
        return new PgnToken(PgnToken.Kind.TAG, name, value.toString(), start);
    }

    private void skipSpaces() throws IOException {
        while (peek() == ' ' || peek() == '\t') {
            read();
        }
    }

    private String readWhile(CharTest test) throws IOException {
        StringBuilder s = new StringBuilder();
        while (peek() != -1 && test.accepts(peek())) {
            s.append((char) read());
        }
        return s.toString();
    }

    private interface CharTest {
        boolean accepts(int c);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSymbolChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || "_+#=:-/.!?".indexOf(c) >= 0;
    }
}
