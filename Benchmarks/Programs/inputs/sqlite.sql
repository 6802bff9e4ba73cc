-- The SQLite program of the Programs suite: an in-memory shop database built, queried and
-- rewritten by plain SQL. Every value comes from arithmetic on row numbers (no random()), so the
-- printed results are the same on every run. The work: 30,000 customers, 120,000 orders with
-- text notes and blobs, four indexes, joins, GROUP BY / ORDER BY over the lot, string building
-- (printf, group_concat, replace), then updates and deletes that churn rows, and the same
-- queries again.
.bail on
PRAGMA cache_size = -65536;

CREATE TABLE customer (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    city    TEXT NOT NULL,
    tier    INTEGER NOT NULL
);
CREATE TABLE product (
    id      INTEGER PRIMARY KEY,
    title   TEXT NOT NULL,
    price   INTEGER NOT NULL       -- in cents
);
CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    customer    INTEGER NOT NULL REFERENCES customer(id),
    product     INTEGER NOT NULL REFERENCES product(id),
    quantity    INTEGER NOT NULL,
    day         INTEGER NOT NULL,
    note        TEXT,
    payload     BLOB
);

-- 30,000 customers in 40 cities, names built from syllables.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
INSERT INTO customer (id, name, city, tier)
SELECT i,
       substr('kamoretulinasepu', 1 + (i * 7) % 13, 3) || substr('dorivatekilumosa', 1 + (i * 11) % 13, 3)
           || '-' || printf('%05d', (i * 2654435761) % 100000),
       'city' || printf('%02d', (i * 37) % 40),
       1 + (i * 13) % 5
FROM n;

-- 2,000 products.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO product (id, title, price)
SELECT i,
       upper(substr('widgetgadgetsprocketflange', 1 + (i % 20), 6)) || ' model ' || i,
       100 + (i * 7919) % 50000
FROM n;

-- 120,000 orders, each with a note of 20-120 characters and a blob of 16-272 bytes.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120000)
INSERT INTO orders (id, customer, product, quantity, day, note, payload)
SELECT i,
       1 + (i * 48271) % 30000,
       1 + (i * 16807) % 2000,
       1 + (i * 31) % 9,
       (i * 97) % 365,
       substr(printf('order %d for customer %d: %s', i, 1 + (i * 48271) % 30000,
                     replace(hex(i * 2654435761), '0', 'x') || ' deliver to gate ' || (i % 17) || ' handle with care'),
              1, 20 + (i * 13) % 100),
       cast(printf('%.*c', 16 + (i * 29) % 256, char(65 + i % 26)) AS BLOB)
FROM n;

CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX orders_product_day ON orders(product, day);
CREATE INDEX customer_city ON customer(city, tier);
CREATE INDEX orders_note ON orders(note);

.print '-- after load'
SELECT 'counts', (SELECT count(*) FROM customer), (SELECT count(*) FROM product), (SELECT count(*) FROM orders),
       (SELECT sum(length(note)) FROM orders), (SELECT sum(length(payload)) FROM orders);

-- Revenue per city and tier: a three-way join, grouped and ordered.
.print '-- revenue by city (top 8)'
SELECT c.city, sum(o.quantity * p.price) AS revenue, count(*) AS n
FROM orders o JOIN customer c ON c.id = o.customer JOIN product p ON p.id = o.product
GROUP BY c.city ORDER BY revenue DESC, c.city LIMIT 8;

.print '-- revenue by tier'
SELECT c.tier, sum(o.quantity * p.price), count(DISTINCT o.customer)
FROM orders o JOIN customer c ON c.id = o.customer JOIN product p ON p.id = o.product
GROUP BY c.tier ORDER BY c.tier;

-- Best customers, with their products listed (string building per group).
.print '-- best customers'
SELECT c.name, sum(o.quantity * p.price) AS spent,
       length(group_concat(p.title, ';')) AS listing
FROM orders o JOIN customer c ON c.id = o.customer JOIN product p ON p.id = o.product
GROUP BY o.customer ORDER BY spent DESC, c.name LIMIT 5;

-- Monthly totals through a subquery and a sort on a computed string.
.print '-- months'
SELECT printf('m%02d', day / 31) AS month, count(*), sum(quantity), max(length(note))
FROM orders GROUP BY month ORDER BY month;

-- Sorting all notes (large sorter with text keys), checksummed.
.print '-- note order'
SELECT count(*), sum(length(k)), min(k), max(k) FROM (
    SELECT lower(note) || '/' || id AS k FROM orders ORDER BY k);

-- Grouping on a text key cut from the notes.
.print '-- shared note endings'
SELECT count(*), sum(n), max(n) FROM (
    SELECT substr(note, -5) AS ending, count(*) AS n FROM orders GROUP BY ending HAVING n > 1);

-- Churn: rewrite a third of the notes longer, grow and shrink blobs, delete and re-add orders.
UPDATE orders SET note = note || ' / revised ' || printf('%08x', id * 40503),
                  payload = payload || cast(printf('%.*c', 64, 'z') AS BLOB)
WHERE id % 3 = 0;
UPDATE orders SET payload = substr(payload, 1, 8) WHERE id % 5 = 1;
DELETE FROM orders WHERE (id * 7) % 11 = 3;
DELETE FROM customer WHERE id % 97 = 0;
DELETE FROM orders WHERE customer NOT IN (SELECT id FROM customer);
WITH RECURSIVE n(i) AS (SELECT 120001 UNION ALL SELECT i + 1 FROM n WHERE i < 140000)
INSERT INTO orders (id, customer, product, quantity, day, note, payload)
SELECT i, 1 + (i * 48271) % 30000, 1 + (i * 16807) % 2000, 1 + i % 4, (i * 53) % 365,
       'reorder ' || i || ' ' || substr(hex(i * i), 1, 1 + i % 24),
       cast(printf('%.*c', 1 + (i * 3) % 400, 'q') AS BLOB)
FROM n;
UPDATE customer SET tier = tier + 1 WHERE city IN ('city03', 'city17', 'city29');

.print '-- after churn'
SELECT 'counts', (SELECT count(*) FROM customer), (SELECT count(*) FROM orders),
       (SELECT sum(length(note)) FROM orders), (SELECT sum(length(payload)) FROM orders);

.print '-- revenue by tier, again'
SELECT c.tier, sum(o.quantity * p.price), count(*)
FROM orders o JOIN customer c ON c.id = o.customer JOIN product p ON p.id = o.product
GROUP BY c.tier ORDER BY c.tier;

.print '-- top products'
SELECT p.title, sum(o.quantity) AS units
FROM orders o JOIN product p ON p.id = o.product
GROUP BY o.product ORDER BY units DESC, p.title LIMIT 5;

.print '-- integrity'
PRAGMA integrity_check;
SELECT 'rows written', total_changes();
