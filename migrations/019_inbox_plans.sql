-- The inbound path without planning every transaction.
--
-- pg_stat_statements (track = all, track_planning) showed the dispatcher's
-- two statements planned on every call: inbox_claim's RETURN QUERY (its
-- chats are an array parameter) and the finish's CTE (arrays unnested).
-- With the arrays as parameters the planner's generic estimate is ten
-- elements, costlier than the one to eight of a custom plan, so the plan
-- cache never settled on a generic plan and planned again each time, which
-- took about as long as running them. The generic plans are the ones
-- wanted (index scans by chat and update id), except for the finish's
-- join of inbox_chats with the unnested outcomes, which became a hash
-- join over a sequential scan of inbox_chats (and would lock its rows in
-- table order, not in chat order). So the claim keeps its text and uses
-- generic plans, and the finish becomes a function that uses them, with
-- one UPDATE per chat in the order given. Its updates are found by
-- update_id: "status NOT IN ('done', 'parked')" rather than "= 'pending'"
-- (the same rows: update_inbox_status_check), or the generic plan would
-- scan all of update_inbox_pending_idx, whose statistics call it tiny
-- (it is, at rest) and which holds every pending update under load.

ALTER FUNCTION inbox_claim(timestamptz, integer, integer) SET plan_cache_mode = force_generic_plan;

-- inbox_finish records, in the caller's transaction, the updates processed
-- (p_done: marked done), the failed attempts (p_failed with their causes,
-- retry times and whether to park them) and what becomes of each claimed
-- chat: idle (marked 'infinity' unless its seq moved since p_seqs, i.e. an
-- update arrived meanwhile) or due again at p_due. The chats are updated
-- one by one in the order given: callers pass them in chat id order, as
-- InsertUpdates files them, so that the two never deadlock. It returns the
-- chats that were to become idle but got an update while they were held
-- (they stay due), so that their holder can hand them to a worker at once.
CREATE FUNCTION inbox_finish(p_now timestamptz, p_done bigint[],
                             p_failed bigint[], p_causes text[], p_next timestamptz[], p_park boolean[],
                             p_chats bigint[], p_seqs bigint[], p_idle boolean[], p_due timestamptz[])
RETURNS SETOF bigint
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    i   integer;
    cur bigint;
BEGIN
    IF cardinality(p_done) > 0 THEN
        UPDATE update_inbox SET status = 'done', processed_at = p_now, last_error = NULL
         WHERE update_id = ANY(p_done) AND status NOT IN ('done', 'parked');
    END IF;
    FOR i IN 1 .. coalesce(cardinality(p_failed), 0) LOOP
        UPDATE update_inbox u
           SET attempts = u.attempts + 1, last_error = p_causes[i], next_attempt_at = p_next[i],
               status = CASE WHEN p_park[i] THEN 'parked' ELSE 'pending' END,
               processed_at = CASE WHEN p_park[i] THEN p_now END
         WHERE u.update_id = p_failed[i] AND u.status NOT IN ('done', 'parked');
    END LOOP;
    FOR i IN 1 .. coalesce(cardinality(p_chats), 0) LOOP
        UPDATE inbox_chats c
           SET due_at = CASE WHEN NOT p_idle[i] THEN p_due[i] WHEN c.seq = p_seqs[i] THEN 'infinity' ELSE c.due_at END
         WHERE c.chat_id = p_chats[i]
        RETURNING c.seq INTO cur;
        IF p_idle[i] AND cur <> p_seqs[i] THEN
            RETURN NEXT p_chats[i];
        END IF;
    END LOOP;
END $$;
