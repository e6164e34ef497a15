-- Lead qualification (seed 003) and customers' interests (seed 001).
--
-- customer_qualifications: the three questions asked when a lead moves up to
-- a qualified rung (internal/crm NeedsQualification): can we help them, do
-- they need our help, do we want an ongoing relationship; the company's
-- revenue band; a shared location. Job title, industry and city are the
-- customer's own columns. One row per customer, written as the answers come
-- (a cancelled questionnaire keeps what was given); who and when first, and
-- who and when last changed it.
CREATE TABLE customer_qualifications (
    customer_id      bigint PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    can_help         text NOT NULL DEFAULT '' CHECK (can_help IN ('', 'yes', 'no', 'unsure')),
    needs_us         text NOT NULL DEFAULT '' CHECK (needs_us IN ('', 'yes', 'no', 'unsure')),
    ongoing          text NOT NULL DEFAULT '' CHECK (ongoing IN ('', 'yes', 'no', 'unsure')),
    revenue_band     text NOT NULL DEFAULT '' CHECK (revenue_band IN ('', 'b1', 'b2', 'b3', 'b4')),
    revenue_currency text NOT NULL DEFAULT '',   -- the currency the band's bounds were shown in
    latitude         double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude        double precision CHECK (longitude BETWEEN -180 AND 180),
    qualified_by     bigint REFERENCES staff (id) ON DELETE SET NULL,
    qualified_at     timestamptz NOT NULL,
    updated_by       bigint REFERENCES staff (id) ON DELETE SET NULL,
    updated_at       timestamptz NOT NULL
);

-- customer_interests: what a customer buys or wants, with its usual
-- quantity and period ("A4 paper: 20 boxes a month"). While an interest
-- exists its name is also one of customers.tags (the store keeps them in
-- step), so a segment filter on tags finds it; name_key is the folded name
-- (crm.FoldKey) to match on.
CREATE TABLE customer_interests (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 40),
    name_key    text NOT NULL,
    quantity    integer CHECK (quantity > 0),   -- NULL: not said
    unit        text NOT NULL DEFAULT '' CHECK (length(unit) <= 40),
    period      text NOT NULL DEFAULT '' CHECK (period IN ('', 'week', 'month', 'quarter', 'year')),
    created_by  bigint REFERENCES staff (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (customer_id, name_key)
);
CREATE INDEX customer_interests_key_idx ON customer_interests (name_key);

-- The risk sweep rewrites a value row up to three times an hour when
-- everything changed (its value, then its segment, then its win-back mark):
-- room on each page lets the last two stay heap-only (HOT) updates, which
-- touch none of the table's five indexes.
ALTER TABLE customer_values SET (fillfactor = 50);
