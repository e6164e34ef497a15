-- inbox_claim also says how many chats were due when it looked (the
-- candidates it read, those other workers hold included, up to its
-- window), so that a dispatcher under a backlog takes its share of the
-- due chats in one transaction (one BEGIN, claim, finish and COMMIT for
-- several updates) while at rest each worker still takes one. And it
-- returns the chats in due order (then chat id), not chat id order: a
-- transaction that stops taking updates after its time budget leaves the
-- chats it did not reach, and in chat id order a chat with a high id was
-- left again and again (replies 20 s late under a backlog). Otherwise as
-- in 004_inbound.sql.
DROP FUNCTION inbox_claim(timestamptz, integer, integer);

CREATE FUNCTION inbox_claim(p_now timestamptz, p_limit integer, p_per_chat integer)
RETURNS TABLE (chat_id bigint, seq bigint, update_id bigint, user_id bigint, message_id bigint, kind text,
               payload jsonb, attempts integer, next_attempt_at timestamptz, due integer)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    cands bigint[];
    held  bigint[] := '{}';
    id    bigint;
    win   integer := p_limit * 8 + 64;
BEGIN
    LOOP
        SELECT array_agg(c.chat_id ORDER BY c.due_at, c.chat_id) INTO cands
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
        SELECT c.chat_id, c.seq, u.update_id, u.user_id, u.message_id, u.kind, u.payload, u.attempts, u.next_attempt_at,
               cardinality(cands)
          FROM inbox_chats c
          LEFT JOIN LATERAL (
            SELECT * FROM update_inbox p
             WHERE p.chat_id = c.chat_id AND p.status = 'pending'
             ORDER BY p.update_id LIMIT p_per_chat + 1) u ON true
         WHERE c.chat_id = ANY(held)
         ORDER BY array_position(held, c.chat_id), u.update_id;
END $$;
