-- chat_message_floor and delivery_chat_sent as plpgsql, with the same
-- bodies as before (008_retention.sql, 004_inbound.sql).
--
-- A SQL function whose body has a subquery (or is a data-modifying
-- statement) is never inlined into its caller, and the SQL function
-- executor parses and plans its body again in every statement that calls
-- it: planning the floor's four max() look-ups was most of the reply
-- INSERT's time (0.45 ms of 0.5 measured alone, the look-ups themselves
-- four index probes). plpgsql keeps each statement's plan for the life of
-- the connection, so a call costs the probes (about 0.1 ms with the
-- INSERT around them). What the functions return is unchanged: the floor
-- is still the greatest of every recorded message id of the chat and of
-- message_floor, which the purge raises before it deletes, so it never
-- goes down.

CREATE OR REPLACE FUNCTION chat_message_floor(p_chat bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN greatest(
        (SELECT max(message_id) FROM outbox WHERE chat_id = p_chat AND message_id IS NOT NULL),
        (SELECT max(telegram_message_id) FROM sends WHERE chat_id = p_chat AND telegram_message_id IS NOT NULL),
        (SELECT max(message_id) FROM update_inbox WHERE chat_id = p_chat AND message_id IS NOT NULL),
        (SELECT message_id FROM message_floor WHERE chat_id = p_chat),
        0);
END $$;

-- delivery_chat_sent pushes a chat's next send to p_chat_seconds after now,
-- once a send that waited (a 429, a retry) is answered.
CREATE OR REPLACE FUNCTION delivery_chat_sent(p_chat bigint, p_chat_seconds double precision) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chat_pacing SET next_at = greatest(next_at, clock_timestamp() + make_interval(secs => p_chat_seconds))
     WHERE chat_id = p_chat;
END $$;
