-- Sending without a hot row per message (internal/delivery Sender).
--
-- Until now every message updated send_pacing's one 'global' row (the
-- GCRA of the bot's global rate) and its chat's chat_pacing row twice, so
-- all sends of all replicas queued on one row lock and its commit: about
-- 300 notifications/s at most, whatever the global rate allowed. Now each
-- replica paces its share of the global rate in memory, and books a chat
-- with one statement per message.

-- The replicas that send, each with its last heartbeat. A replica's share
-- of the global rate is the rate divided by the replicas seen within the
-- heartbeat window; a dead replica stops beating and its share returns to
-- the others once the window has passed.
CREATE TABLE send_replicas (
    replica text PRIMARY KEY,
    seen_at timestamptz NOT NULL
);

-- delivery_replica_beat records p_replica's heartbeat, forgets replicas
-- silent for a minute, and returns how many beat within the last
-- p_window seconds (p_replica among them). The database's clock is the
-- only clock.
CREATE FUNCTION delivery_replica_beat(p_replica text, p_window double precision) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    now_ts timestamptz := clock_timestamp();
    live   integer;
BEGIN
    INSERT INTO send_replicas AS r (replica, seen_at) VALUES (p_replica, now_ts)
    ON CONFLICT (replica) DO UPDATE SET seen_at = now_ts;
    DELETE FROM send_replicas WHERE seen_at < now_ts - interval '1 minute';
    SELECT count(*) INTO live FROM send_replicas WHERE seen_at > now_ts - make_interval(secs => p_window);
    RETURN live;
END $$;

-- delivery_book_chat books a message to p_chat at p_delay seconds from
-- now (the replica's global slot), as a GCRA per chat: a chat's next_at
-- moves p_chat_seconds past the slot (or past its previous value) with
-- each message, and a message may go while next_at is at most
-- p_tolerance seconds ahead of its slot, so up to 1 + p_tolerance /
-- p_chat_seconds messages go at once and then one per p_chat_seconds.
-- Otherwise nothing is booked and wait says how long until it could be.
-- paused is how long a 429 of any replica (delivery_pause) still holds
-- every send; while it does nothing is booked. The common case, a chat
-- written to before and free, is one UPDATE of its row.
CREATE FUNCTION delivery_book_chat(p_chat bigint, p_chat_seconds double precision, p_tolerance double precision,
                                   p_delay double precision,
                                   OUT wait double precision, OUT booked boolean, OUT paused double precision)
LANGUAGE plpgsql AS $$
DECLARE
    now_ts timestamptz := clock_timestamp();
    slot   timestamptz;
    tol    interval := make_interval(secs => p_tolerance);
    step   interval := make_interval(secs => p_chat_seconds);
    nxt    timestamptz;
BEGIN
    wait := 0;
    booked := false;
    SELECT CASE WHEN paused_until > now_ts THEN extract(epoch FROM paused_until - now_ts) ELSE 0 END
      INTO paused FROM send_pacing WHERE name = 'global';
    paused := coalesce(paused, 0);
    IF paused > 0 THEN
        RETURN;
    END IF;
    slot := now_ts + make_interval(secs => p_delay);
    UPDATE chat_pacing SET next_at = greatest(next_at, slot) + step
     WHERE chat_id = p_chat AND next_at - tol <= slot;
    IF FOUND THEN
        booked := true;
        RETURN;
    END IF;
    INSERT INTO chat_pacing (chat_id, next_at) VALUES (p_chat, slot + step) ON CONFLICT (chat_id) DO NOTHING;
    IF FOUND THEN
        booked := true;
        RETURN;
    END IF;
    -- The chat is busy (or was booked or purged in between: ask again).
    SELECT next_at INTO nxt FROM chat_pacing WHERE chat_id = p_chat;
    IF nxt - tol > slot THEN
        wait := extract(epoch FROM nxt - tol - slot);
    END IF;
END $$;
