-- Inbound at a thousand updates a second: a small work table of chats with
-- pending updates (claims no longer scan the inbox), a retention purge of
-- processed updates, and per-chat send pacing shared by every replica.

-- One row per chat that has, or recently had, pending updates. due_at is
-- when the chat's oldest pending update may be tried ('infinity' when the
-- chat is idle); seq counts the updates ever filed for the chat, so that a
-- dispatcher marks a chat idle only if nothing arrived since it looked
-- (the check is on the row itself, which an inserter locks and bumps).
-- Dispatchers hold a chat with a transaction-level advisory lock, never a
-- row lock, so inserting an update never waits for a handler.
CREATE TABLE inbox_chats (
    chat_id bigint PRIMARY KEY,
    due_at  timestamptz NOT NULL,
    seq     bigint NOT NULL DEFAULT 0
);
CREATE INDEX inbox_chats_due_idx ON inbox_chats (due_at);
INSERT INTO inbox_chats (chat_id, due_at, seq)
SELECT DISTINCT ON (chat_id) chat_id, next_attempt_at, 1
  FROM update_inbox WHERE status = 'pending'
 ORDER BY chat_id, update_id;

-- inbox_claim takes up to p_limit due chats that no other transaction
-- holds, each by a transaction-level advisory lock ("inbx", hashint8 of the
-- chat id: two chats whose hashes collide merely take turns), and returns
-- them with up to p_per_chat + 1 pending updates each, oldest first (a chat
-- without any comes as one row of nulls). The candidates are read first,
-- in due order, then locked one by one until p_limit are held, so no chat
-- is locked that is not returned; when a full window held only chats other
-- workers hold, a wider one is tried. The updates are read by a later
-- statement: a volatile function takes a new snapshot for each, so they
-- include everything the chat's previous holder committed.
CREATE FUNCTION inbox_claim(p_now timestamptz, p_limit integer, p_per_chat integer)
RETURNS TABLE (chat_id bigint, seq bigint, update_id bigint, user_id bigint, message_id bigint, kind text,
               payload jsonb, attempts integer, next_attempt_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    cands bigint[];
    held  bigint[] := '{}';
    id    bigint;
    win   integer := p_limit * 8 + 64;
BEGIN
    LOOP
        SELECT array_agg(c.chat_id ORDER BY c.due_at) INTO cands
          FROM (SELECT i.chat_id, i.due_at FROM inbox_chats i WHERE i.due_at <= p_now ORDER BY i.due_at LIMIT win) c;
        FOREACH id IN ARRAY coalesce(cands, '{}') LOOP
            IF pg_try_advisory_xact_lock(1768841848, hashint8(id)) THEN
                held := held || id;
                EXIT WHEN cardinality(held) >= p_limit;
            END IF;
        END LOOP;
        EXIT WHEN cardinality(held) > 0 OR coalesce(cardinality(cands), 0) < win OR win >= 4096;
        win := 4096;
    END LOOP;
    IF cardinality(held) = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT c.chat_id, c.seq, u.update_id, u.user_id, u.message_id, u.kind, u.payload, u.attempts, u.next_attempt_at
          FROM inbox_chats c
          LEFT JOIN LATERAL (
            SELECT * FROM update_inbox p
             WHERE p.chat_id = c.chat_id AND p.status = 'pending'
             ORDER BY p.update_id LIMIT p_per_chat + 1) u ON true
         WHERE c.chat_id = ANY(held)
         ORDER BY c.chat_id, u.update_id;
END $$;

-- Claims go through inbox_chats; the global pending order is not needed.
DROP INDEX update_inbox_pending_order_idx;

-- The retention purge finds processed updates by age.
CREATE INDEX update_inbox_purge_idx ON update_inbox (processed_at) WHERE status <> 'pending';

-- The highest user message id of each chat among purged updates, so that
-- purging never lowers chat_message_floor (an ambiguous send is probed
-- above the floor; a lower floor would edit older messages).
CREATE TABLE inbox_floor (
    chat_id    bigint PRIMARY KEY,
    message_id bigint NOT NULL
);

CREATE OR REPLACE FUNCTION chat_message_floor(p_chat bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT greatest(
        (SELECT max(message_id) FROM outbox WHERE chat_id = p_chat AND message_id IS NOT NULL),
        (SELECT max(telegram_message_id) FROM sends WHERE chat_id = p_chat AND telegram_message_id IS NOT NULL),
        (SELECT max(message_id) FROM update_inbox WHERE chat_id = p_chat AND message_id IS NOT NULL),
        (SELECT message_id FROM inbox_floor WHERE chat_id = p_chat),
        0);
$$;

-- Per-chat send pacing shared by every replica: no message goes to a chat
-- before next_at.
CREATE TABLE chat_pacing (
    chat_id bigint PRIMARY KEY,
    next_at timestamptz NOT NULL
);

-- delivery_reserve_chat books a send to one chat. While the chat's spacing
-- has not passed it books nothing and returns the wait (booked false): the
-- caller sleeps and asks again, so a global slot is never held idle behind
-- a busy chat. Otherwise it books the next global slot (as delivery_reserve)
-- and the chat until that slot plus p_chat_seconds, and returns the wait for
-- the slot (booked true). The database's clock is the only clock.
CREATE FUNCTION delivery_reserve_chat(p_chat bigint, p_chat_seconds double precision, p_seconds double precision,
                                      OUT wait double precision, OUT booked boolean)
LANGUAGE plpgsql AS $$
DECLARE
    now_ts timestamptz := clock_timestamp();
    gap    interval := make_interval(secs => p_seconds);
    nxt    timestamptz;
    slot   timestamptz;
BEGIN
    INSERT INTO chat_pacing (chat_id, next_at) VALUES (p_chat, '-infinity') ON CONFLICT (chat_id) DO NOTHING;
    SELECT next_at INTO nxt FROM chat_pacing WHERE chat_id = p_chat FOR UPDATE;
    now_ts := clock_timestamp();
    IF nxt > now_ts THEN
        wait := extract(epoch FROM nxt - now_ts);
        booked := false;
        RETURN;
    END IF;
    UPDATE send_pacing
       SET tat = greatest(tat, paused_until, now_ts) + gap
     WHERE name = 'global'
    RETURNING tat - gap INTO slot;
    UPDATE chat_pacing SET next_at = slot + make_interval(secs => p_chat_seconds) WHERE chat_id = p_chat;
    wait := greatest(extract(epoch FROM slot - now_ts), 0);
    booked := true;
END $$;

-- delivery_chat_sent pushes a chat's next send to p_chat_seconds after now,
-- once the call is answered (a send that took long, or waited out a 429,
-- counts from when it went).
CREATE FUNCTION delivery_chat_sent(p_chat bigint, p_chat_seconds double precision) RETURNS void
LANGUAGE sql AS $$
    UPDATE chat_pacing SET next_at = greatest(next_at, clock_timestamp() + make_interval(secs => p_chat_seconds))
     WHERE chat_id = p_chat;
$$;
