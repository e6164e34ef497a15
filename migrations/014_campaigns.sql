-- Campaigns (issue 14): one personalised message to an audience of
-- customers, each in their own language (internal/crm Campaign). A draft
-- keeps its audience (crm.Audience as jsonb) and its text per language;
-- starting it fixes its recipients in one INSERT … SELECT, each with its
-- channel: a message to a customer who may be messaged, a call task for
-- one never linked, nothing for one who opted out or blocked the bot.
CREATE TABLE campaigns (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id      bigint REFERENCES staff (id) ON DELETE SET NULL,
    team_id        bigint REFERENCES teams (id) ON DELETE SET NULL, -- the author's team then: its manager sees it
    scope          text NOT NULL CHECK (scope IN ('all', 'team', 'own')),
    audience       jsonb NOT NULL DEFAULT '{}',
    texts          jsonb NOT NULL DEFAULT '{}', -- {"fa": "…", "ar": "…", "en": "…"}
    default_locale text NOT NULL CHECK (default_locale IN ('en', 'fa', 'ar')),
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'done')),
    created_at     timestamptz NOT NULL,
    started_at     timestamptz,
    done_at        timestamptz,
    CHECK ((status = 'draft') = (started_at IS NULL))
);
CREATE INDEX campaigns_author_idx ON campaigns (author_id, created_at DESC);
CREATE INDEX campaigns_team_idx ON campaigns (team_id, created_at DESC);
CREATE INDEX campaigns_sending_idx ON campaigns (id) WHERE status = 'sending';

-- One row per customer of a started campaign: what it was sent (the
-- message as the customer read it, or the call task's follow-up) and what
-- came of it. The notification's dedup_key is 'campaign:<campaign>:<customer>';
-- the trigger below copies its outcome from sends.
CREATE TABLE campaign_recipients (
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    channel      text NOT NULL CHECK (channel IN ('message', 'task')),
    status       text NOT NULL CHECK (status IN ('queued', 'sending', 'delivered', 'replied', 'blocked', 'skipped', 'failed', 'task')),
    due_at       timestamptz NOT NULL,  -- when dispatch may take it next (the customer's daytime)
    locale       text CHECK (locale IN ('en', 'fa', 'ar')), -- the language it was written in
    body         text,                  -- the message as sent, or the task's note
    follow_up_id bigint REFERENCES follow_ups (id) ON DELETE SET NULL,
    sent_at      timestamptz,           -- handed to delivery
    delivered_at timestamptz,
    blocked_at   timestamptz,
    replied_at   timestamptz,
    PRIMARY KEY (campaign_id, customer_id)
);
CREATE INDEX campaign_recipients_queued_idx ON campaign_recipients (due_at) WHERE status = 'queued';
-- A customer's timeline, and a reply finding the message it answers.
CREATE INDEX campaign_recipients_customer_idx ON campaign_recipients (customer_id, sent_at DESC) WHERE sent_at IS NOT NULL;

CREATE FUNCTION campaign_recipients_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE campaign_recipients SET
        status = CASE NEW.status WHEN 'sent' THEN 'delivered' WHEN 'unreachable' THEN 'blocked'
                                 WHEN 'skipped' THEN 'skipped' ELSE 'failed' END,
        delivered_at = CASE WHEN NEW.status = 'sent' THEN NEW.sent_at END,
        blocked_at = CASE WHEN NEW.status = 'unreachable' THEN NEW.sent_at END
     WHERE campaign_id = split_part(NEW.dedup_key, ':', 2)::bigint
       AND customer_id = split_part(NEW.dedup_key, ':', 3)::bigint
       AND status = 'sending';
    RETURN NULL;
END $$;
CREATE TRIGGER sends_campaign_recipient AFTER INSERT OR UPDATE OF status ON sends
    FOR EACH ROW WHEN (NEW.status <> 'sending' AND NEW.dedup_key ~ '^campaign:[0-9]+:[0-9]+$')
    EXECUTE FUNCTION campaign_recipients_sent();

-- The audience count filters on a customer's city, letter case and ي/ك
-- aside.
CREATE INDEX customers_city_fold_idx ON customers (translate(lower(btrim(city)), 'يك', 'یک')) WHERE deleted_at IS NULL AND city IS NOT NULL;
-- The audience's scope (a rep's own rows, a manager's team by owner) and
-- the sample newest first; covering what the count reads of a customer
-- (stage, link, consent), so an audience without tag, city or value
-- filters is counted from the index alone.
CREATE INDEX customers_audience_idx ON customers (owner_id, id)
    INCLUDE (stage_id, telegram_user_id, consent_at, opted_out_at, unreachable_at) WHERE deleted_at IS NULL;
