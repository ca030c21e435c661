"""python3.11 benchmark: a CPU-bound mix of dicts, strings, integers, classes and generators.

    python3.11 mix.py [PERCENT]      # the amount of work in percent of the default

Deterministic (bench/run sets PYTHONHASHSEED=0 and compares the output with the reference run):
a word-frequency count over generated text, string formatting and splitting, big-integer and
small-integer arithmetic, method calls on small objects, sorting with keys, and a closure-heavy
generator pipeline. Each part is something CPython's eval loop and its dict/str/int code spend
their time on in real programs."""

import sys

PCT = int(sys.argv[1]) if len(sys.argv) > 1 else 100


def scaled(n):
    return max(1, n * PCT // 100)


def lcg(seed):
    while True:
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        yield seed


def words(n):
    """n pseudo-words, from a vocabulary of 2000 built from syllables."""
    syl = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "an", "ber", "cor", "dum"]
    vocab = []
    g = lcg(7)
    for _ in range(2000):
        k = 1 + (next(g) >> 16) % 4
        vocab.append("".join(syl[(next(g) >> 16) % len(syl)] for _ in range(k)))
    out = []
    for _ in range(n):
        r = next(g)
        # Skewed towards low indices (the product of two uniform ones), as in real text.
        out.append(vocab[((r >> 4) % 2000) * ((r >> 15) % 2000) // 2000])
    return out


def word_count(ws):
    counts = {}
    for w in ws:
        counts[w] = counts.get(w, 0) + 1
    pairs = {}
    for a, b in zip(ws, ws[1:]):
        key = a + " " + b
        pairs[key] = pairs.get(key, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    return len(counts), len(pairs), top


def strings(n):
    acc = 0
    parts = []
    for i in range(n):
        s = "%d:%x:%s" % (i, i * 2654435761 & 0xFFFFFFFF, "abc" * (i % 5))
        s = s.replace("a", "A").upper()
        fields = s.split(":")
        acc += len(fields[1]) + fields[2].count("B")
        if i % 97 == 0:
            parts.append(f"{i:08d}|{s[::-1]}")
    joined = ",".join(parts)
    return acc, len(joined), hash(joined) & 0xFFFF


def integers(n):
    # Small-int arithmetic in a loop, then big integers.
    x, total = 1, 0
    for i in range(n):
        x = (x * 31 + i) % 1000003
        total += x if x & 1 else -(x >> 1)
    f = 1
    for i in range(2, scaled(1500)):
        f *= i
    digits = str(f)
    return total, len(digits), sum(map(int, digits[:2000]))


class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y

    def add(self, o):
        return Vec(self.x + o.x, self.y + o.y)

    def dot(self, o):
        return self.x * o.x + self.y * o.y


def objects(n):
    v, acc = Vec(0, 0), 0
    step = Vec(3, -2)
    for i in range(n):
        v = v.add(step)
        acc += v.dot(step) % 17
        if i % 1000 == 0:
            v = Vec(i % 13, -(i % 11))
    return acc


def pipeline(n):
    def evens(it):
        return (x for x in it if x % 2 == 0)

    def squares(it):
        return (x * x for x in it)

    recs = [{"id": i, "name": "n%d" % (i % 1000), "v": (i * 7919) % 10007} for i in range(n)]
    recs.sort(key=lambda r: (r["v"], r["name"]))
    byname = {}
    for r in recs:
        byname.setdefault(r["name"], []).append(r["v"])
    return sum(squares(evens(range(n)))) % 1000000007, recs[0]["id"], len(byname), \
        max(sum(v) for v in byname.values())


def main():
    ws = words(scaled(100000))
    print("words", *word_count(ws))
    print("strings", *strings(scaled(40000)))
    print("integers", *integers(scaled(200000)))
    print("objects", objects(scaled(100000)))
    print("pipeline", *pipeline(scaled(40000)))


main()
