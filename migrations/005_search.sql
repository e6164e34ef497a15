-- reserved (being written)
SELECT 1;
