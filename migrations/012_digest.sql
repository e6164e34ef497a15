-- The managers' daily digest (internal/digest).
--
-- digest_schedules: a staff member's choice of when the scheduled digest
-- comes (an hour on their working days, in their zone), or none, or
-- paused. No row: the default (managers 08:00, admins none).
CREATE TABLE digest_schedules (
    staff_id   bigint PRIMARY KEY REFERENCES staff (id) ON DELETE CASCADE,
    hour       smallint NOT NULL DEFAULT 8 CHECK (hour BETWEEN 0 AND 23),
    off        boolean NOT NULL DEFAULT false,
    paused     boolean NOT NULL DEFAULT false,
    updated_by bigint REFERENCES staff (id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per scheduled digest planned: one per manager and local date,
-- whatever the restarts and replicas (the primary key), and the "since the
-- last digest" of the next one.
CREATE TABLE digest_runs (
    staff_id   bigint NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    local_date date NOT NULL,
    planned_at timestamptz NOT NULL,
    PRIMARY KEY (staff_id, local_date)
);

-- The digest's reads, per team (a few reps) over a day to two months:
-- stage moves by rep and time, and those of the team's customers since the
-- last digest; follow-ups done by assignee and time.
CREATE INDEX stage_history_by_idx ON stage_history (changed_by, changed_at);
CREATE INDEX stage_history_at_idx ON stage_history (changed_at);
CREATE INDEX follow_ups_done_idx ON follow_ups (assignee_id, done_at) WHERE status = 'done';
-- A team's overdue follow-ups, the most overdue first, need no new index
-- (follow_ups_assignee_idx); activities by rep and time have theirs
-- (activities_staff_idx) and include the columns the counts read:
CREATE INDEX activities_staff_kind_idx ON activities (staff_id, occurred_at) INCLUDE (kind, outcome, customer_id);
