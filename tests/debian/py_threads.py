# python3.11 threads: threading (Thread, Lock, RLock, Condition, Event, Barrier, local),
# queue.Queue and concurrent.futures.ThreadPoolExecutor. Every result printed is independent of
# how the threads interleave.
import concurrent.futures
import queue
import sys
import threading

# Switch threads often, so the GIL really moves between them in the loops below.
sys.setswitchinterval(0.0005)

# A counter that four threads increment under a Lock: no update is lost.
counter = 0
lock = threading.Lock()


def bump(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1


threads = [threading.Thread(target=bump, args=(2000,), name="bump-%d" % i) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("lock counter:", counter, "alive:", [t.is_alive() for t in threads])

# A bounded buffer under one Condition: two producers, two consumers; every item is consumed
# exactly once.
buf, cap, done_producers = [], 4, 0
cond = threading.Condition()
consumed = []


def produce(base):
    global done_producers
    for i in range(50):
        with cond:
            cond.wait_for(lambda: len(buf) < cap)
            buf.append(base + i)
            cond.notify_all()
    with cond:
        done_producers += 1
        cond.notify_all()


def consume(out):
    while True:
        with cond:
            cond.wait_for(lambda: buf or done_producers == 2)
            if not buf:
                return
            out.append(buf.pop(0))
            cond.notify_all()


outs = [[], []]
ts = [threading.Thread(target=produce, args=(b,)) for b in (0, 1000)] + \
     [threading.Thread(target=consume, args=(o,)) for o in outs]
for t in ts:
    t.start()
for t in ts:
    t.join()
allitems = sorted(outs[0] + outs[1])
print("condition: consumed", len(allitems), "sum", sum(allitems),
      "each once:", allitems == sorted(list(range(50)) + list(range(1000, 1050))))

# queue.Queue: workers square jobs until they get None; results arrive in any order.
jobs, results = queue.Queue(), queue.Queue()


def worker():
    while True:
        j = jobs.get()
        if j is None:
            jobs.task_done()
            return
        results.put((j, j * j, threading.current_thread().name.startswith("w")))
        jobs.task_done()


ws = [threading.Thread(target=worker, name="w%d" % i) for i in range(3)]
for w in ws:
    w.start()
for j in range(30):
    jobs.put(j)
for _ in ws:
    jobs.put(None)
jobs.join()
for w in ws:
    w.join()
got = sorted(results.get_nowait() for _ in range(results.qsize()))
print("queue:", len(got), "results, sum of squares", sum(r[1] for r in got),
      "all by workers:", all(r[2] for r in got), "empty:", results.empty())

# Event, Barrier, RLock and thread-local data.
ev = threading.Event()
barrier = threading.Barrier(3)
rl = threading.RLock()
local = threading.local()
seen = []


def party(i):
    local.value = i * 10
    ev.wait()
    idx = barrier.wait()
    with rl:
        with rl:  # re-entrant
            seen.append((i, local.value, 0 <= idx < 3))


ps = [threading.Thread(target=party, args=(i,)) for i in range(3)]
for p in ps:
    p.start()
ev.set()
for p in ps:
    p.join()
local.value = "main"
print("barrier/local:", sorted(seen), "main local:", local.value)

# A daemon-less thread's exception goes to threading.excepthook, not to the main thread.
caught = []
threading.excepthook = lambda a: caught.append(a.exc_type.__name__)
t = threading.Thread(target=lambda: 1 / 0)
t.start()
t.join()
print("excepthook:", caught)
threading.excepthook = threading.__excepthook__

# concurrent.futures: map keeps the order; submit + as_completed, collected in order.
with concurrent.futures.ThreadPoolExecutor(max_workers=3) as ex:
    print("pool map:", list(ex.map(lambda x: x * x + 1, range(12))))
    futs = {ex.submit(sum, range(n)): n for n in (10, 100, 1000)}
    print("pool as_completed:",
          sorted((futs[f], f.result()) for f in concurrent.futures.as_completed(futs)))
    bad = ex.submit(int, "not a number")
    print("pool exception:", type(bad.exception()).__name__)
print("threads left:", threading.active_count())
