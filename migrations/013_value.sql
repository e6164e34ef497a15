-- What each customer's invoices say about them (internal/crm ComputeValue):
-- lifetime value, rhythm, risk and value segment, kept per customer so the
-- card, /insights, the digest and the risk sweep read one row instead of
-- every purchase. The store recomputes a row when it writes a purchase; a
-- purchase written any other way (the demo, an import) marks its customer's
-- row stale by trigger, and the risk sweep recomputes stale rows first.
CREATE TABLE customer_values (
    customer_id      bigint PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    stale            boolean NOT NULL DEFAULT true,
    currency         text NOT NULL DEFAULT '',
    ltv              bigint NOT NULL DEFAULT 0,       -- minor units of currency
    margin           bigint NOT NULL DEFAULT 0,       -- margin-adjusted, minor units
    invoices         integer NOT NULL DEFAULT 0,
    first_invoice_at timestamptz,
    last_invoice_at  timestamptz,
    interval_seconds bigint NOT NULL DEFAULT 0,       -- the usual gap between invoices; 0: no rhythm yet
    risk             text NOT NULL DEFAULT '' CHECK (risk IN ('', 'at_risk', 'lapsed')),
    segment          text NOT NULL DEFAULT '' CHECK (segment IN ('', 'top', 'middle', 'low')),
    winback_id       bigint REFERENCES follow_ups (id) ON DELETE SET NULL, -- the win-back follow-up of this risk episode
    winback_at       timestamptz,                     -- when it was planned; NULL: none this episode
    relation_at      timestamptz,                     -- the last check-in or review the policy planned
    computed_at      timestamptz NOT NULL DEFAULT now()
);
-- The sweep's candidates: buyers with a rhythm, oldest last invoice first.
CREATE INDEX customer_values_rhythm_idx ON customer_values (last_invoice_at) WHERE interval_seconds > 0;
CREATE INDEX customer_values_stale_idx ON customer_values (customer_id) WHERE stale;
CREATE INDEX customer_values_ltv_idx ON customer_values (ltv DESC) WHERE ltv > 0;
CREATE INDEX customer_values_risk_idx ON customer_values (risk) WHERE risk <> '';

CREATE FUNCTION purchases_mark_value_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_values (customer_id, stale)
    VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.customer_id ELSE NEW.customer_id END, true)
    ON CONFLICT (customer_id) DO UPDATE SET stale = true;
    RETURN NULL;
END $$;

CREATE TRIGGER purchases_value_stale AFTER INSERT OR UPDATE OR DELETE ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_mark_value_stale();

-- Every customer who already has purchases gets a stale row to compute.
INSERT INTO customer_values (customer_id, stale)
SELECT DISTINCT customer_id, true FROM purchases
ON CONFLICT (customer_id) DO NOTHING;

-- An invoice made from a quote: at most one per quote.
CREATE UNIQUE INDEX purchases_quote_once_idx ON purchases (quote_id) WHERE quote_id IS NOT NULL;
