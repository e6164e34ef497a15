-- Schema v1: the CRM's nouns. Timestamps are timestamptz (UTC inside);
-- each user's calendar and time zone apply only when rendering.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Key/value settings the admin controls (active pipeline, escalation delay, ...).
CREATE TABLE settings (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE teams (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    manager_id bigint, -- FK added after staff exists
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX teams_name_key ON teams (lower(name));

CREATE TABLE staff (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    telegram_user_id bigint NOT NULL UNIQUE,
    display_name     text NOT NULL,
    username         text,
    role             text NOT NULL CHECK (role IN ('admin', 'manager', 'rep')),
    team_id          bigint REFERENCES teams (id) ON DELETE SET NULL,
    locale           text NOT NULL DEFAULT 'fa' CHECK (locale IN ('en', 'fa', 'ar')),
    calendar         text NOT NULL DEFAULT 'jalali' CHECK (calendar IN ('gregorian', 'jalali', 'hijri')),
    time_zone        text NOT NULL DEFAULT 'Asia/Tehran',
    -- Working hours per weekday, e.g. {"6": [["08:00","18:00"]], "4": [["08:00","13:00"]]}
    -- (keys are Go's time.Weekday numbers). NULL means the locale's default.
    work_hours       jsonb,
    onboarded        boolean NOT NULL DEFAULT false,
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    deactivated_at   timestamptz,
    CHECK (active OR deactivated_at IS NOT NULL)
);
CREATE INDEX staff_team_idx ON staff (team_id) WHERE active;

ALTER TABLE teams
    ADD CONSTRAINT teams_manager_fk FOREIGN KEY (manager_id) REFERENCES staff (id) ON DELETE SET NULL;

-- Stages are data: two templates ship (the customer ladder and the sales
-- cycle); admins rename, add and reorder within a template.
CREATE TABLE stages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    template   text NOT NULL CHECK (template ~ '^[a-z][a-z0-9_]{1,30}$'),
    key        text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{1,40}$'),
    position   integer NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('open', 'won', 'side_exit', 'inactive', 'lost')),
    name_en    text NOT NULL CHECK (name_en <> ''),
    name_fa    text NOT NULL CHECK (name_fa <> ''),
    name_ar    text NOT NULL CHECK (name_ar <> ''),
    archived   boolean NOT NULL DEFAULT false,
    UNIQUE (template, key)
);
CREATE INDEX stages_template_idx ON stages (template, position);

CREATE TABLE customers (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name               text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    name_norm          text NOT NULL,
    company            text,
    company_norm       text,
    job_title          text,
    industry           text,
    city               text,
    source             text,
    owner_id           bigint REFERENCES staff (id) ON DELETE SET NULL, -- NULL: the unassigned pool
    stage_id           bigint NOT NULL REFERENCES stages (id),
    tags               text[] NOT NULL DEFAULT '{}',
    personality_type   text CHECK (personality_type ~ '^[EI][SN][TF][JP]$'),
    relationship_level smallint CHECK (relationship_level BETWEEN 1 AND 5),
    profit_margin      text CHECK (profit_margin IN ('high', 'medium', 'low')),
    notes              text,
    created_by         bigint REFERENCES staff (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    last_contact_at    timestamptz,
    deleted_at         timestamptz
);
CREATE INDEX customers_owner_idx ON customers (owner_id) WHERE deleted_at IS NULL;
CREATE INDEX customers_stage_idx ON customers (stage_id) WHERE deleted_at IS NULL;
CREATE INDEX customers_name_trgm ON customers USING gin (name_norm gin_trgm_ops);
CREATE INDEX customers_company_trgm ON customers USING gin (company_norm gin_trgm_ops);
CREATE INDEX customers_tags_idx ON customers USING gin (tags);

-- Phones in E.164; one phone belongs to one customer, so a second card for
-- the same number is refused and the existing card is offered instead.
CREATE TABLE customer_phones (
    e164        text PRIMARY KEY CHECK (e164 ~ '^\+[1-9][0-9]{6,14}$'),
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    label       text,
    is_primary  boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_phones_customer_idx ON customer_phones (customer_id);
CREATE INDEX customer_phones_trgm ON customer_phones USING gin (e164 gin_trgm_ops);

CREATE TABLE stage_history (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id   bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    from_stage_id bigint REFERENCES stages (id),
    to_stage_id   bigint NOT NULL REFERENCES stages (id),
    changed_by    bigint REFERENCES staff (id) ON DELETE SET NULL,
    changed_at    timestamptz NOT NULL,
    reason_code   text,
    reason_text   text
);
CREATE INDEX stage_history_customer_idx ON stage_history (customer_id, changed_at DESC);

CREATE TABLE activities (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id      bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    staff_id         bigint REFERENCES staff (id) ON DELETE SET NULL,
    kind             text NOT NULL CHECK (kind IN ('call', 'visit', 'message', 'note')),
    outcome          text CHECK (outcome IN ('reached', 'no_answer', 'busy', 'wrong_number', 'call_back_later', 'not_interested')),
    duration_seconds integer CHECK (duration_seconds >= 0),
    note             text,
    voice_file_id    text,
    voice_duration   integer,
    latitude         double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude        double precision CHECK (longitude BETWEEN -180 AND 180),
    occurred_at      timestamptz NOT NULL, -- when the rep sent it, not when it arrived
    created_at       timestamptz NOT NULL DEFAULT now(),
    source_update_id bigint UNIQUE -- the Telegram update that created it: replays do not double it
);
CREATE INDEX activities_customer_idx ON activities (customer_id, occurred_at DESC);
CREATE INDEX activities_staff_idx ON activities (staff_id, occurred_at DESC);

CREATE TABLE follow_ups (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    assignee_id  bigint NOT NULL REFERENCES staff (id),
    activity_id  bigint REFERENCES activities (id) ON DELETE SET NULL,
    due_at       timestamptz NOT NULL,
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    note         text,
    snooze_count integer NOT NULL DEFAULT 0,
    reminded_at  timestamptz,
    escalated_at timestamptz,
    done_at      timestamptz,
    created_by   bigint REFERENCES staff (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'done') = (done_at IS NOT NULL))
);
CREATE INDEX follow_ups_assignee_idx ON follow_ups (assignee_id, due_at) WHERE status = 'open';
CREATE INDEX follow_ups_customer_idx ON follow_ups (customer_id, due_at) WHERE status = 'open';
CREATE INDEX follow_ups_due_idx ON follow_ups (due_at) WHERE status = 'open';

CREATE TABLE important_dates (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('birthday', 'wedding_anniversary', 'company_founding', 'child_birthday', 'trip', 'other')),
    label       text,
    calendar    text NOT NULL CHECK (calendar IN ('gregorian', 'jalali', 'hijri')),
    month       smallint NOT NULL CHECK (month BETWEEN 1 AND 12),
    day         smallint NOT NULL CHECK (day BETWEEN 1 AND 31),
    year        integer,
    created_by  bigint REFERENCES staff (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX important_dates_customer_idx ON important_dates (customer_id);
CREATE INDEX important_dates_day_idx ON important_dates (calendar, month, day);

CREATE TABLE purchases (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id    bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('quote', 'invoice')),
    number         text,
    amount         numeric(20, 2) NOT NULL CHECK (amount >= 0),
    currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    items          jsonb NOT NULL DEFAULT '[]',
    status         text NOT NULL CHECK (status IN ('draft', 'sent', 'accepted', 'rejected', 'paid', 'cancelled')),
    quote_id       bigint REFERENCES purchases (id), -- the quote an invoice came from
    issued_at      timestamptz NOT NULL,
    created_by     bigint REFERENCES staff (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX purchases_customer_idx ON purchases (customer_id, issued_at DESC);

CREATE TABLE surveys (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key        text NOT NULL UNIQUE,
    title      jsonb NOT NULL, -- {"en": "...", "fa": "...", "ar": "..."}
    questions  jsonb NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A customer's Telegram account, linked by a deep link they opened, with
-- their consent to be contacted in chat.
CREATE TABLE customer_links (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id        bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    telegram_user_id   bigint NOT NULL UNIQUE,
    locale             text NOT NULL DEFAULT 'fa' CHECK (locale IN ('en', 'fa', 'ar')),
    linked_at          timestamptz NOT NULL DEFAULT now(),
    consent_at         timestamptz,
    consent_revoked_at timestamptz
);
CREATE INDEX customer_links_customer_idx ON customer_links (customer_id);

CREATE TABLE survey_requests (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id   bigint NOT NULL REFERENCES surveys (id),
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    staff_id    bigint REFERENCES staff (id) ON DELETE SET NULL,
    sent_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE survey_responses (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id   bigint NOT NULL REFERENCES surveys (id),
    request_id  bigint REFERENCES survey_requests (id) ON DELETE SET NULL,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    score       smallint CHECK (score BETWEEN 0 AND 10),
    answers     jsonb NOT NULL DEFAULT '{}',
    comment     text,
    answered_at timestamptz NOT NULL,
    UNIQUE (request_id)
);
CREATE INDEX survey_responses_customer_idx ON survey_responses (customer_id, answered_at DESC);

-- One-time staff invites. Only a hash of the token is kept.
CREATE TABLE invites (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE,
    role       text NOT NULL CHECK (role IN ('admin', 'manager', 'rep')),
    team_id    bigint REFERENCES teams (id) ON DELETE SET NULL,
    created_by bigint REFERENCES staff (id) ON DELETE SET NULL, -- NULL: the CLI
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    used_by    bigint REFERENCES staff (id) ON DELETE SET NULL,
    revoked_at timestamptz,
    CHECK (expires_at > created_at)
);

CREATE TABLE audit_log (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT now(),
    actor_staff_id   bigint REFERENCES staff (id) ON DELETE SET NULL,
    actor_telegram_id bigint,
    action           text NOT NULL,
    entity           text NOT NULL,
    entity_id        bigint,
    details          jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);

-- The step a chat is in within a multi-message flow (new customer, log call, ...).
CREATE TABLE conversation_state (
    chat_id    bigint PRIMARY KEY,
    user_id    bigint NOT NULL,
    flow       text NOT NULL,
    step       text NOT NULL,
    data       jsonb NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

-- Every update from Telegram is committed here before it is acknowledged;
-- the dispatcher processes each chat's updates one at a time in order.
CREATE TABLE update_inbox (
    update_id    bigint PRIMARY KEY,
    chat_id      bigint NOT NULL,
    user_id      bigint,
    kind         text NOT NULL,
    payload      jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'parked')),
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz
);
CREATE INDEX update_inbox_pending_idx ON update_inbox (chat_id, update_id) WHERE status = 'pending';
CREATE INDEX update_inbox_due_idx ON update_inbox (next_attempt_at) WHERE status = 'pending';

-- Chats the bot may no longer write to (blocked, never started).
CREATE TABLE unreachable_chats (
    chat_id     bigint PRIMARY KEY,
    reason      text NOT NULL,
    detected_at timestamptz NOT NULL DEFAULT now()
);

-- The outcome of every notification send.
CREATE TABLE sends (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedup_key           text NOT NULL UNIQUE,
    chat_id             bigint NOT NULL,
    kind                text NOT NULL,
    status              text NOT NULL CHECK (status IN ('sent', 'unreachable', 'failed', 'skipped')),
    attempts            integer NOT NULL DEFAULT 1,
    telegram_message_id bigint,
    error               text,
    sent_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sends_chat_idx ON sends (chat_id, sent_at DESC);
