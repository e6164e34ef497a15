-- A customer's own Telegram account, once they opened their rep's link
-- (the link itself, consent and surveys come with those features). A
-- linked customer reaches the customer-side handlers only: never a staff
-- menu, never another customer's data.
ALTER TABLE customers ADD COLUMN telegram_user_id bigint;
ALTER TABLE customers ADD COLUMN telegram_linked_at timestamptz;
CREATE UNIQUE INDEX customers_telegram_user_key ON customers (telegram_user_id) WHERE telegram_user_id IS NOT NULL AND deleted_at IS NULL;
