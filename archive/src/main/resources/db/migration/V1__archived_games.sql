-- Finished rooms, one row per game. A game is its room id and the time its room was created:
-- writing the same game again (a failover archives it twice) finds the row and adds nothing, and a
-- room id used again later for a new game gets a row of its own. Times are epoch milliseconds (UTC).
-- The same SQL runs on H2 (the embedded default) and PostgreSQL.
CREATE TABLE archived_game (
    room_id      VARCHAR(128)   NOT NULL,
    started_ms   BIGINT         NOT NULL,
    ended_ms     BIGINT         NOT NULL,
    game_type    VARCHAR(16)    NOT NULL,
    result       VARCHAR(8),
    termination  VARCHAR(48)    NOT NULL,
    white_id     VARCHAR(128),
    black_id     VARCHAR(128),
    move_count   INTEGER        NOT NULL,
    pgn          VARCHAR(1000000),
    -- The whole game as JSON: participants, every move with its server time, scores, chat.
    body         VARCHAR(1000000) NOT NULL,
    archived_by  VARCHAR(128)   NOT NULL,
    archived_ms  BIGINT         NOT NULL,
    PRIMARY KEY (room_id, started_ms)
);

CREATE INDEX archived_game_ended ON archived_game (ended_ms);

-- Who was in each game, for "the games of participant X, newest first".
CREATE TABLE archived_participant (
    participant_id VARCHAR(128) NOT NULL,
    room_id        VARCHAR(128) NOT NULL,
    started_ms     BIGINT       NOT NULL,
    ended_ms       BIGINT       NOT NULL,
    seat           VARCHAR(16)  NOT NULL,
    PRIMARY KEY (participant_id, room_id, started_ms)
);

CREATE INDEX archived_participant_newest ON archived_participant (participant_id, ended_ms);
