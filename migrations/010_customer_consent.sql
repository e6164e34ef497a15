-- A customer's personal link to the bot and their consent to be messaged.
-- A rep makes a link from the card (only a hash of its token is kept; one
-- customer, expiring, revocable); the customer opening it is linked
-- (customers.telegram_user_id, migration 009) and asked for consent.
--
-- A customer may be messaged by the bot (surveys, greetings, campaigns)
-- only while telegram_user_id IS NOT NULL AND consent_at IS NOT NULL AND
-- opted_out_at IS NULL AND unreachable_at IS NULL AND deleted_at IS NULL.
CREATE TABLE customer_invites (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  bytea NOT NULL UNIQUE,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_by  bigint REFERENCES staff (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX customer_invites_customer_idx ON customer_invites (customer_id, created_at DESC);

ALTER TABLE customers
    ADD COLUMN chat_locale     text CHECK (chat_locale IN ('en', 'fa', 'ar')), -- the language the customer reads the bot in
    ADD COLUMN time_zone       text,        -- IANA zone; NULL: the owner's, else the organisation's
    ADD COLUMN consent_at      timestamptz, -- when they agreed to be messaged
    ADD COLUMN consent_version text,        -- which wording they agreed to
    ADD COLUMN opted_out_at    timestamptz, -- /stop; NULL again after /start
    ADD COLUMN unreachable_at  timestamptz; -- they blocked the bot

-- Who used a customer's link (their Telegram account): the same person
-- opening it again is greeted again; anyone else is told it is used.
ALTER TABLE customer_invites ADD COLUMN used_by bigint;

-- A message a linked customer wrote is an activity of kind 'message' with
-- no staff member: from_name is the customer's name when they wrote it,
-- so the history says who wrote it.
ALTER TABLE activities ADD COLUMN from_name text;

-- The relay between a linked customer and their rep. Each message relayed
-- to a staff member (a customer's message, as a notification) has a row
-- here, so that a Telegram reply to it reaches the right customer. The
-- notification's dedup_key is 'relay:<id>'; the message id Telegram gave it
-- is filled in from sends when the notification is sent (the trigger
-- below), and kept after sends forgets it.
CREATE TABLE customer_relays (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id         bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    staff_id            bigint NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    chat_id             bigint NOT NULL, -- the staff member's chat
    activity_id         bigint REFERENCES activities (id) ON DELETE SET NULL,
    telegram_message_id bigint,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_relays_message_idx ON customer_relays (chat_id, telegram_message_id) WHERE telegram_message_id IS NOT NULL;
CREATE INDEX customer_relays_customer_idx ON customer_relays (customer_id);

CREATE FUNCTION customer_relays_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE customer_relays SET telegram_message_id = NEW.telegram_message_id
     WHERE id = substr(NEW.dedup_key, 7)::bigint AND chat_id = NEW.chat_id;
    RETURN NULL;
END $$;
CREATE TRIGGER sends_customer_relay AFTER INSERT OR UPDATE OF telegram_message_id ON sends
    FOR EACH ROW WHEN (NEW.telegram_message_id IS NOT NULL AND NEW.dedup_key ~ '^relay:[0-9]+$')
    EXECUTE FUNCTION customer_relays_sent();

-- customers.unreachable_at follows the delivery path's unreachable_chats
-- for a linked customer's private chat (its id is their user id): a block
-- (my_chat_member "kicked") or a 403 on a send marks them, writing to the
-- bot again (or unblocking it) clears the mark, in the same statement.
CREATE FUNCTION customer_unreachable_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE customers SET unreachable_at = NULL
         WHERE telegram_user_id = OLD.chat_id AND unreachable_at IS NOT NULL;
    ELSE
        UPDATE customers SET unreachable_at = NEW.detected_at
         WHERE telegram_user_id = NEW.chat_id AND deleted_at IS NULL;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER unreachable_chats_customer AFTER INSERT OR UPDATE OR DELETE ON unreachable_chats
    FOR EACH ROW EXECUTE FUNCTION customer_unreachable_sync();
