# python3.11 processes: subprocess running i386 children (the sysroot's static busybox),
# os.fork / waitpid, and concurrent.futures.ProcessPoolExecutor (fork start method).
import concurrent.futures
import multiprocessing
import os
import signal
import subprocess
import sys
import threading

# sys.prefix is SYSROOT/usr: the busybox next to this python.
BUSYBOX = os.path.join(os.path.dirname(sys.prefix), "bin", "busybox")


def bb(*args, **kw):
    return subprocess.run([BUSYBOX] + list(args), **kw)


r = bb("echo", "hello from busybox", capture_output=True)
print("echo:", r.returncode, r.stdout, r.stderr)
r = bb("tr", "a-z", "A-Z", input=b"shout this\n", capture_output=True)
print("tr via stdin:", r.returncode, r.stdout)
r = bb("sh", "-c", "echo out; echo err >&2; exit 3", capture_output=True)
print("sh exit 3:", r.returncode, r.stdout, r.stderr)
r = bb("sh", "-c", "kill -TERM $$")
print("killed child:", r.returncode, signal.Signals(-r.returncode).name)
r = bb("sh", "-c", "echo $SUITE $0 $1", "zero", "one", capture_output=True,
       env={"SUITE": "from-python"})
print("env and args:", r.stdout)
try:
    bb("sleep", "30", timeout=0.5)
    print("no timeout")
except subprocess.TimeoutExpired as e:
    print("timeout expired:", e.cmd[1:])
try:
    subprocess.run([BUSYBOX + "-missing"])
except FileNotFoundError as e:
    print("missing program:", type(e).__name__, e.errno)
try:
    subprocess.check_output([BUSYBOX, "false"])
except subprocess.CalledProcessError as e:
    print("check_output:", e.returncode)

# A pipeline of two children joined by a pipe.
p1 = subprocess.Popen([BUSYBOX, "seq", "1", "200"], stdout=subprocess.PIPE)
p2 = subprocess.Popen([BUSYBOX, "awk", "{s += $1} END {print s}"], stdin=p1.stdout,
                      stdout=subprocess.PIPE)
p1.stdout.close()
out, _ = p2.communicate()
print("pipeline:", out, p1.wait(), p2.returncode)

# Children started from a thread while the main thread waits for them.
res = {}


def run_in_thread(n):
    res[n] = bb("sh", "-c", "exit %d" % n).returncode


ts = [threading.Thread(target=run_in_thread, args=(n,)) for n in (5, 6)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("children from threads:", sorted(res.items()))

# fork: the child computes and exits with a status; the parent reads its pipe.
rfd, wfd = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(rfd)
    os.write(wfd, str(sum(range(1000))).encode())
    os._exit(7)
os.close(wfd)
data = os.read(rfd, 100)
os.close(rfd)
_, st = os.waitpid(pid, 0)
print("fork:", data, os.waitstatus_to_exitcode(st))


def cube(x):
    return x * x * x


def where(_):
    return os.getpid() != PARENT


PARENT = os.getpid()
if __name__ == "__main__":
    print("start method:", multiprocessing.get_start_method())
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as ex:
        print("process pool map:", list(ex.map(cube, range(10))))
        print("in workers:", all(ex.map(where, range(4))))
        f = ex.submit(divmod, 1, 0)
        print("worker exception:", type(f.exception()).__name__)
    print("done")
