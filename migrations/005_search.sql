-- Customer search ignores how a name is split into words. Persian writes
-- «احمدی‌پور» with a ZWNJ, or «احمدیپور», or «احمدی پور»; «محمدرضا» and
-- «محمد رضا» are one name; Arabic has «عبد الله» and «عبدالله». The store
-- folds name and company into name_norm and company_norm (textnorm.Fold,
-- which already drops ZWNJ and leaves single ASCII spaces); the compact
-- forms below drop those spaces too, so a query compacted the same way
-- (textnorm.Compact) matches however either side was spaced.
--
-- Generated from the folded columns, the compact forms cannot drift from
-- them and need no code in any writer (the store, the demo seeder). Each
-- has a trigram index for SearchCustomers' LIKE '%…%' match.
ALTER TABLE customers
    ADD COLUMN name_compact text GENERATED ALWAYS AS (replace(name_norm, ' ', '')) STORED,
    ADD COLUMN company_compact text GENERATED ALWAYS AS (replace(company_norm, ' ', '')) STORED;
CREATE INDEX customers_name_compact_trgm ON customers USING gin (name_compact gin_trgm_ops);
CREATE INDEX customers_company_compact_trgm ON customers USING gin (company_compact gin_trgm_ops);

-- Typos: pg_trgm word similarity of the query to the name and company
-- together, one index (and one similarity per customer) instead of two.
CREATE INDEX customers_text_trgm ON customers
    USING gin ((name_norm || ' ' || coalesce(company_norm, '')) gin_trgm_ops);
