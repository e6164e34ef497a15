-- Retention of the outbound path: finished replies lose their text after an
-- hour and are deleted after 48 h, notification records after 30 days, idle
-- per-chat pacing rows after an hour (PurgeDelivery in
-- internal/postgres/retention.go says what is kept and why; the cutoffs are
-- delivery.RetentionOptions).

-- The floor of purged rows: the highest message id of each chat among
-- purged updates (as before), replies and notifications, so that no purge
-- ever lowers chat_message_floor. An ambiguous send is probed above the
-- floor; a lower floor would probe old messages whose rows are gone, and
-- KnownBotMessage could no longer tell them from an unrecorded send.
ALTER TABLE inbox_floor RENAME TO message_floor;
ALTER INDEX inbox_floor_pkey RENAME TO message_floor_pkey;

CREATE OR REPLACE FUNCTION chat_message_floor(p_chat bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT greatest(
        (SELECT max(message_id) FROM outbox WHERE chat_id = p_chat AND message_id IS NOT NULL),
        (SELECT max(telegram_message_id) FROM sends WHERE chat_id = p_chat AND telegram_message_id IS NOT NULL),
        (SELECT max(message_id) FROM update_inbox WHERE chat_id = p_chat AND message_id IS NOT NULL),
        (SELECT message_id FROM message_floor WHERE chat_id = p_chat),
        0);
$$;

-- Finished replies by age, to delete them; those whose payload still holds
-- more than the Ref an edit may look for, to erase their text.
CREATE INDEX outbox_finished_idx ON outbox (sent_at) WHERE status IN ('sent', 'failed', 'unreachable');
CREATE INDEX outbox_unscrubbed_idx ON outbox (sent_at)
    WHERE status IN ('sent', 'failed', 'unreachable') AND payload - 'ref' <> '{}'::jsonb;

-- Finished notification records by age; and the few in flight, which keep
-- their chat's rows (a probe may need them).
CREATE INDEX sends_finished_idx ON sends (sent_at) WHERE status <> 'sending';
CREATE INDEX sends_sending_idx ON sends (chat_id) WHERE status = 'sending';

-- delivery_reserve_chat as in 004, but the chat's row is created or locked
-- in one statement: an idle row deleted by the purge between a separate
-- insert and lock would leave the send unbooked (the later UPDATE finding
-- no row), so two replicas could write to the chat less than the spacing
-- apart. A purge that meets the locked row waits and then sees its new
-- next_at, which is not idle.
CREATE OR REPLACE FUNCTION delivery_reserve_chat(p_chat bigint, p_chat_seconds double precision, p_seconds double precision,
                                                 OUT wait double precision, OUT booked boolean)
LANGUAGE plpgsql AS $$
DECLARE
    now_ts timestamptz;
    gap    interval := make_interval(secs => p_seconds);
    nxt    timestamptz;
    slot   timestamptz;
BEGIN
    INSERT INTO chat_pacing AS c (chat_id, next_at) VALUES (p_chat, '-infinity')
    ON CONFLICT (chat_id) DO UPDATE SET next_at = c.next_at
    RETURNING c.next_at INTO nxt;
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
