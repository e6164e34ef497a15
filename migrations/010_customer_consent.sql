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
