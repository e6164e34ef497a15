-- A follow-up's life in the customer's history: planned, moved, snoozed,
-- done, reopened (undo) or cancelled, and the explicit choice of "no next
-- step" (no follow-up then). Before this, only activities and stage moves
-- were in the history, so a rep could not see when a call-back was promised.
CREATE TABLE follow_up_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    follow_up_id bigint REFERENCES follow_ups (id) ON DELETE CASCADE,
    staff_id     bigint REFERENCES staff (id) ON DELETE SET NULL,
    kind         text NOT NULL CHECK (kind IN ('planned', 'moved', 'snoozed', 'done', 'reopened', 'cancelled', 'no_next_step')),
    due_at       timestamptz,
    at           timestamptz NOT NULL,
    CHECK ((kind = 'no_next_step') = (follow_up_id IS NULL))
);
CREATE INDEX follow_up_events_customer_idx ON follow_up_events (customer_id, at DESC);

-- "No next step planned": open-stage customers of a rep without an open
-- follow-up are found through the owner index and this one.
CREATE INDEX IF NOT EXISTS follow_ups_open_customer_idx ON follow_ups (customer_id) WHERE status = 'open';

-- Edits find the message they change by the name its send carried
-- (delivery.Message.Ref), within the chat.
CREATE INDEX outbox_ref_idx ON outbox (chat_id, (payload->>'ref')) WHERE payload ? 'ref';

-- When the bot first answered a staff member: until then, their first
-- message (a greeting, anything) gets the welcome, the keyboard and help.
-- Everyone already onboarded has been welcomed.
ALTER TABLE staff ADD COLUMN welcomed_at timestamptz;
UPDATE staff SET welcomed_at = created_at WHERE onboarded;

-- The rep's chat messages that became notes, so that editing one in
-- Telegram (edited_message) edits the note too.
CREATE TABLE note_messages (
    chat_id     bigint NOT NULL,
    message_id  bigint NOT NULL,
    activity_id bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    text        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX note_messages_activity_idx ON note_messages (activity_id);
