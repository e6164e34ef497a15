-- chat_message_floor as PL/pgSQL, the same four look-ups (008): a SQL
-- function whose body holds sub-selects is never inlined, and its query
-- is planned again for every statement that calls it, which cost more
-- than the look-ups themselves (about 0.3 ms a call against 0.03 ms to
-- run). PL/pgSQL keeps the plan for the session, so the floor each
-- notification (and each reply that posts a message) records before its
-- send costs the index reads alone.
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
