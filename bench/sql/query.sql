-- sqlite3 benchmark: bulk insert via a recursive CTE, index build, joins and aggregates.
-- bench/run replaces @ROWS@ (200000 by default, fewer in --quick mode) before feeding it to
-- sqlite3 on stdin.
CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, v TEXT, r REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @ROWS@)
INSERT INTO t SELECT i, (i * 7919) % 10007, printf('v%08d', (i * 31) % 99991), i * 0.5 FROM n;
CREATE INDEX t_k ON t(k);
SELECT count(*), sum(k), printf('%.1f', sum(r)) FROM t;
SELECT k, count(*), max(v) FROM t GROUP BY k ORDER BY count(*) DESC, k LIMIT 3;
SELECT count(*) FROM t a JOIN t b ON a.k = b.k AND b.id = a.id + 10007 WHERE a.id < @ROWS@ / 2;
SELECT sum(length(v)), min(v), max(v) FROM t WHERE v LIKE 'v000%';
