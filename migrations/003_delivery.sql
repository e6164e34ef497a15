-- Durable delivery: the reply outbox, shared send pacing across replicas,
-- and what the inbox needs to resolve an ambiguous send after a crash.

-- Replies a handler queued inside its update's transaction. A row is
-- 'pending' until a sender claims it; 'sending' (with a lease) while the Bot
-- API call is under way; 'sent' with Telegram's message_id once answered. A
-- 'sending' row whose lease ran out is ambiguous (the process died during the
-- call): it is resolved by probing the chat before any resend.
CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id         bigint NOT NULL,
    update_id       bigint,
    method          text NOT NULL,
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unreachable')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    message_id      bigint,
    -- The highest message id known in the chat when the send began: a
    -- message we posted without recording it has a higher id.
    probe_floor     bigint,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX outbox_open_idx ON outbox (chat_id, id) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_chat_msg_idx ON outbox (chat_id, message_id) WHERE message_id IS NOT NULL;

-- A notification is marked 'sending' before its Bot API call, like an
-- outbox row, so a worker killed mid-call does not send it twice.
ALTER TABLE sends DROP CONSTRAINT sends_status_check;
ALTER TABLE sends ADD CONSTRAINT sends_status_check
    CHECK (status IN ('sending', 'sent', 'unreachable', 'failed', 'skipped'));
ALTER TABLE sends ADD COLUMN probe_floor bigint;
CREATE INDEX sends_chat_msg_idx ON sends (chat_id, telegram_message_id) WHERE telegram_message_id IS NOT NULL;

-- The message id a user's update carried, to find the floor of a chat's
-- message ids when probing for an ambiguous send.
ALTER TABLE update_inbox ADD COLUMN message_id bigint;
CREATE INDEX update_inbox_chat_msg_idx ON update_inbox (chat_id, message_id) WHERE message_id IS NOT NULL;

-- chat_message_floor is the highest message id known in a chat: the bot's
-- confirmed replies and notifications and the users' own messages.
CREATE FUNCTION chat_message_floor(p_chat bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT greatest(
        (SELECT max(message_id) FROM outbox WHERE chat_id = p_chat AND message_id IS NOT NULL),
        (SELECT max(telegram_message_id) FROM sends WHERE chat_id = p_chat AND telegram_message_id IS NOT NULL),
        (SELECT max(message_id) FROM update_inbox WHERE chat_id = p_chat AND message_id IS NOT NULL),
        0);
$$;
-- The dispatcher takes pending updates in update_id order. The index on
-- next_attempt_at tempted the planner, once statistics said most pending
-- rows are due, into sorting every pending row on each claim.
CREATE INDEX update_inbox_pending_order_idx ON update_inbox (update_id) WHERE status = 'pending';
DROP INDEX update_inbox_due_idx;

-- Global send pacing shared by every replica: a GCRA "theoretical arrival
-- time" and a pause set by any 429 (no replica sends before it ends).
CREATE TABLE send_pacing (
    name         text PRIMARY KEY,
    tat          timestamptz NOT NULL DEFAULT '-infinity',
    paused_until timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO send_pacing (name) VALUES ('global');

-- delivery_reserve books the next global send slot at least p_seconds after
-- the previous one and not before a pause ends; it returns how many seconds
-- the caller must wait for its slot. The database's clock is the only clock,
-- so replicas with skewed clocks still space their sends.
CREATE FUNCTION delivery_reserve(p_seconds double precision) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    now_ts     timestamptz := clock_timestamp();
    p_interval interval := make_interval(secs => p_seconds);
    slot       timestamptz;
BEGIN
    UPDATE send_pacing
       SET tat = greatest(tat, paused_until, now_ts) + p_interval
     WHERE name = 'global'
    RETURNING tat - p_interval INTO slot;
    RETURN greatest(extract(epoch FROM slot - now_ts), 0);
END $$;

-- delivery_pause records a 429: nobody sends before now + p_seconds.
CREATE FUNCTION delivery_pause(p_seconds double precision) RETURNS void
LANGUAGE sql AS $$
    UPDATE send_pacing
       SET paused_until = greatest(paused_until, clock_timestamp() + make_interval(secs => p_seconds))
     WHERE name = 'global';
$$;
