-- Surveys in the customer's chat (issue 12): CSAT after an invoice, a visit
-- or a move into a stage (or when a rep asks from the card), a relationship
-- NPS now and then, one reminder, expiry after a week, and the closed loop
-- of a low score. survey_requests (migration 001) becomes the survey's life:
-- planned (pending, due_at), sent, then closed (answered) or expired; a
-- request dropped before it was sent says why. survey_responses keeps the
-- answer, changeable until the survey closes.
ALTER TABLE survey_requests
    ALTER COLUMN survey_id DROP NOT NULL,
    ADD COLUMN kind             text NOT NULL DEFAULT 'nps' CHECK (kind IN ('csat', 'nps')),
    ADD COLUMN trigger          text NOT NULL DEFAULT 'manual'
        CHECK (trigger IN ('invoice', 'visit', 'stage', 'manual', 'relationship', 'recovery')),
    ADD COLUMN cause_id         bigint, -- the purchase, activity, stage_history row or alert it follows
    ADD COLUMN status           text NOT NULL DEFAULT 'sent'
        CHECK (status IN ('pending', 'sent', 'closed', 'expired', 'dropped')),
    ADD COLUMN drop_reason      text,
    ADD COLUMN due_at           timestamptz,
    ADD COLUMN locale           text CHECK (locale IN ('en', 'fa', 'ar')),
    ADD COLUMN wording_version  integer NOT NULL DEFAULT 0,
    ADD COLUMN reminded_at      timestamptz,
    ADD COLUMN expires_at       timestamptz,
    ADD COLUMN closed_at        timestamptz,
    ADD COLUMN comment_asked_at timestamptz, -- the score came in and the comment was asked for
    ADD COLUMN comment_done     boolean NOT NULL DEFAULT false;
UPDATE survey_requests SET due_at = coalesce(sent_at, created_at), expires_at = sent_at + interval '7 days';
ALTER TABLE survey_requests ALTER COLUMN due_at SET NOT NULL;
-- One survey per cause: a trigger seen twice plans nothing more.
CREATE UNIQUE INDEX survey_requests_cause_key ON survey_requests (trigger, cause_id) WHERE cause_id IS NOT NULL;
CREATE INDEX survey_requests_open_idx ON survey_requests (status, due_at) WHERE status IN ('pending', 'sent');
CREATE INDEX survey_requests_customer_sent_idx ON survey_requests (customer_id, sent_at DESC);

ALTER TABLE survey_responses
    ALTER COLUMN survey_id DROP NOT NULL,
    ADD COLUMN updated_at timestamptz,
    ADD COLUMN comment_at timestamptz; -- the last part of the comment arrived

-- The question of each kind in each language, as an admin edited it; every
-- edit is a new version, the latest applies (none: the locale files').
CREATE TABLE survey_wordings (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('csat', 'nps')),
    locale     text NOT NULL CHECK (locale IN ('en', 'fa', 'ar')),
    version    integer NOT NULL CHECK (version > 0),
    question   text NOT NULL CHECK (length(btrim(question)) BETWEEN 1 AND 500),
    created_by bigint REFERENCES staff (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (kind, locale, version)
);

-- Customers whose rep chose, from the card, that the bot should not survey
-- them.
CREATE TABLE survey_skips (
    customer_id bigint PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    skipped_by  bigint REFERENCES staff (id) ON DELETE SET NULL,
    skipped_at  timestamptz NOT NULL
);

-- A low score (CSAT <= 2, NPS <= 6): the alert to the rep and their
-- manager, the call back it planned (a real follow-up, which escalates when
-- left overdue) and what came of the call.
CREATE TABLE survey_alerts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id   bigint NOT NULL UNIQUE REFERENCES survey_requests (id) ON DELETE CASCADE,
    customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    rep_id       bigint REFERENCES staff (id) ON DELETE SET NULL,
    follow_up_id bigint REFERENCES follow_ups (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL,
    outcome      text CHECK (outcome IN ('recovered', 'not_recovered', 'unreachable')),
    outcome_by   bigint REFERENCES staff (id) ON DELETE SET NULL,
    outcome_at   timestamptz,
    CHECK ((outcome IS NULL) = (outcome_at IS NULL))
);
CREATE INDEX survey_alerts_created_idx ON survey_alerts (created_at);

-- The triggers' causes, found by time every minute by survey dispatch.
CREATE INDEX purchases_invoice_issued_idx ON purchases (issued_at) WHERE kind = 'invoice';
CREATE INDEX activities_visit_occurred_idx ON activities (occurred_at) WHERE kind = 'visit';
CREATE INDEX stage_history_changed_idx ON stage_history (changed_at);
