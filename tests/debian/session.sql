-- SQLite session for tests/run: fed on stdin to Debian's i386 sqlite3, natively and under xrun,
-- once on :memory: and once on a file database. Deterministic (no random(), no 'now').
.headers on
.mode list
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT, since INTEGER);
CREATE TABLE products (id INTEGER PRIMARY KEY, title TEXT UNIQUE, price REAL, weight REAL);
CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, customer INTEGER REFERENCES customers(id),
                     product INTEGER REFERENCES products(id), qty INTEGER, day TEXT);
INSERT INTO customers (name, city, since) VALUES
  ('Alice', 'Lyon', 2015), ('Bob', 'Oslo', 2018), ('Carol', 'Lyon', 2012),
  ('Dave', 'Quito', 2020), ('Erin', NULL, 2019), ('Frank', 'Oslo', 2011);
INSERT INTO products (title, price, weight) VALUES
  ('widget', 2.50, 0.125), ('gadget', 19.99, 1.5), ('doohickey', 7.25, 0.75),
  ('thingamajig', 105.0, 12.0), ('whatsit', 0.99, 0.01);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO orders (customer, product, qty, day)
  SELECT (i * 7) % 6 + 1, (i * 3) % 5 + 1, (i * i) % 9 + 1,
         printf('2023-%02d-%02d', (i % 12) + 1, (i % 28) + 1) FROM n;
CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX orders_day ON orders(day, product);

SELECT count(*) AS orders, sum(qty) AS units, min(day) AS first, max(day) AS last FROM orders;

SELECT c.name, count(o.id) AS n, sum(o.qty) AS units, printf('%.2f', sum(o.qty * p.price)) AS total
  FROM customers c JOIN orders o ON o.customer = c.id JOIN products p ON p.id = o.product
  GROUP BY c.id ORDER BY sum(o.qty * p.price) DESC, c.name;

SELECT coalesce(c.city, '(none)') AS city, count(DISTINCT c.id) AS customers,
       round(avg(o.qty), 3) AS avg_qty
  FROM customers c LEFT JOIN orders o ON o.customer = c.id
  GROUP BY c.city HAVING count(o.id) > 0 ORDER BY city;

SELECT p.title, sum(o.qty) AS units, printf('%8.3f', sum(o.qty * p.weight)) AS kg
  FROM products p JOIN orders o ON o.product = p.id
  WHERE o.day BETWEEN '2023-03-01' AND '2023-08-31'
  GROUP BY p.title ORDER BY units DESC, p.title;

SELECT substr(day, 1, 7) AS month, count(*) AS n, total(qty) AS q FROM orders
  GROUP BY month ORDER BY month LIMIT 4 OFFSET 2;

EXPLAIN QUERY PLAN SELECT * FROM orders WHERE customer = 3;

-- A recursive CTE on its own: Fibonacci and a Collatz walk.
WITH RECURSIVE fib(i, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT i + 1, b, a + b FROM fib WHERE i < 60)
SELECT i, a FROM fib WHERE i % 10 = 0;
WITH RECURSIVE walk(x, steps) AS (SELECT 27, 0 UNION ALL
  SELECT CASE WHEN x % 2 THEN 3 * x + 1 ELSE x / 2 END, steps + 1 FROM walk WHERE x > 1)
SELECT max(x) AS peak, max(steps) AS steps FROM walk;

-- Real arithmetic and formatting.
SELECT 1.0 / 3, 2.5 * 4, 10 / 4, 10 % 4, 10.0 / 4, -7 / 2, round(2.675, 2), round(-0.5),
       abs(-3.25), 1e300 * 10, typeof(1e300 * 1e300), 9223372036854775807 + 0.0;
SELECT printf('%d|%5.2f|%-6s|%x|%e|%q|%c', 42, 3.14159, 'ab', 255, 12345.678, 'it''s', 'xyz');
SELECT format('%s has %d items costing %.2f', 'cart', 3, 41.5), upper('mixed Case'),
       length('héllo'), instr('banana', 'nan'), replace('a-b-c', '-', '+'), trim('  x  '),
       hex('AB'), quote(NULL), char(72, 105), unicode('é');
SELECT sum(price) AS s, avg(price) AS a, total(weight) AS w, group_concat(title, ';') AS g
  FROM (SELECT * FROM products ORDER BY id);
SELECT title, price, CASE WHEN price > 10 THEN 'dear' WHEN price > 1 THEN 'fair' ELSE 'cheap' END
  FROM products ORDER BY price;

-- Window functions, updates, deletes, transactions.
SELECT name, since, rank() OVER (ORDER BY since) AS r,
       sum(since) OVER (ORDER BY since ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair
  FROM customers ORDER BY since;
BEGIN;
UPDATE products SET price = round(price * 1.1, 2) WHERE price < 10;
DELETE FROM orders WHERE qty = 1;
COMMIT;
BEGIN;
DELETE FROM customers;
ROLLBACK;
SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM orders) AS orders,
       (SELECT printf('%.2f', sum(price)) FROM products) AS prices;
SELECT name FROM customers WHERE city IS NULL OR name LIKE '%a%' ORDER BY name;
SELECT * FROM customers WHERE id IN (SELECT customer FROM orders GROUP BY customer
                                     HAVING sum(qty) > 250) ORDER BY id;
.mode column
SELECT id, title, price FROM products ORDER BY id;
.mode csv
SELECT * FROM customers ORDER BY id LIMIT 3;
SELECT 'done';
