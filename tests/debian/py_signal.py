# python3.11 signals: signal.signal with os.kill of itself, setitimer (one-shot and periodic),
# a sleep that a handler interrupts, signal.alarm, sigmask / sigpending / sigwait,
# and signals sent by another thread. Nothing printed depends on timing.
import os
import signal
import threading
import time

got = []


def handler(signum, frame):
    got.append(signal.Signals(signum).name)


# A handler, and the signal sent to ourselves: Python runs it before kill() returns to the
# script's next line.
old = signal.signal(signal.SIGUSR1, handler)
print("old SIGUSR1 handler is SIG_DFL:", old == signal.SIG_DFL)
os.kill(os.getpid(), signal.SIGUSR1)
print("after kill:", got)

# SIG_IGN: the signal is dropped.
signal.signal(signal.SIGUSR2, signal.SIG_IGN)
os.kill(os.getpid(), signal.SIGUSR2)
print("ignored SIGUSR2, handlers ran:", got, "getsignal:", signal.getsignal(signal.SIGUSR2))


# A one-shot ITIMER_REAL whose handler raises: the exception interrupts time.sleep (PEP 475
# retries a sleep only when the handler returns normally).
class Alarm(Exception):
    pass


def raiser(signum, frame):
    raise Alarm(signal.Signals(signum).name)


signal.signal(signal.SIGALRM, raiser)
t0 = time.monotonic()
signal.setitimer(signal.ITIMER_REAL, 0.2)
try:
    time.sleep(30)
    print("sleep was not interrupted")
except Alarm as e:
    print("sleep interrupted by", e, "- early:", time.monotonic() - t0 < 25)
print("timer after it fired:", signal.getitimer(signal.ITIMER_REAL))

# A handler that returns normally: the sleep goes on to its end (PEP 475).
signal.signal(signal.SIGALRM, handler)
got.clear()
signal.setitimer(signal.ITIMER_REAL, 0.05)
time.sleep(0.5)
print("sleep resumed after the handler:", got)

# A periodic timer: three ticks caught with signal.pause, then disarmed.
got.clear()
signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
while len(got) < 3:
    signal.pause()
signal.setitimer(signal.ITIMER_REAL, 0)
print("periodic ticks:", got[:3], "disarmed:", signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))

# signal.alarm, its handler raising out of a sleep (raising, so an alarm that fires before
# the sleep starts cannot leave it waiting); alarm(0) returns what was left of an earlier alarm.
signal.signal(signal.SIGALRM, raiser)
try:
    signal.alarm(1)
    time.sleep(30)
    print("alarm did not interrupt the sleep")
except Alarm as e:
    print("alarm:", e)
signal.alarm(100)
print("alarm(0) returned a pending one:", signal.alarm(0) > 90)

# Blocked signals wait in sigpending until sigwait takes them; no handler runs.
got.clear()
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
os.kill(os.getpid(), signal.SIGUSR1)
print("pending:", sorted(s.name for s in signal.sigpending()), "handlers ran:", got)
print("sigwait:", signal.sigwait({signal.SIGUSR1}).name, "pending now:", signal.sigpending())
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
print("mask after unblock:", sorted(s.name for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])))

# raise_signal and a handler that replaces itself with SIG_DFL for the next time.
got.clear()


def once(signum, frame):
    got.append("once")
    signal.signal(signum, signal.SIG_DFL)


signal.signal(signal.SIGWINCH, once)
signal.raise_signal(signal.SIGWINCH)
signal.raise_signal(signal.SIGWINCH)  # default action of SIGWINCH: ignored
print("raise_signal:", got, "strsignal:", signal.strsignal(signal.SIGUSR1))

# Another thread sends a signal that the main thread has blocked and takes with sigwait.
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2})
t = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGUSR2))
t.start()
print("sigwait for a thread's signal:", signal.sigwait({signal.SIGUSR2}).name)
t.join()
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR2})

# Last (see tests/expected/README.md: qemu-i386 gets this wrong and hangs afterwards):
# Another thread sends the signal; the handler runs in the main thread.
ran_in = []
signal.signal(signal.SIGUSR2, lambda s, f: ran_in.append(threading.current_thread().name))
ready = threading.Event()
t = threading.Thread(target=lambda: (ready.wait(), os.kill(os.getpid(), signal.SIGUSR2)))
t.start()
ready.set()
t.join()
deadline = time.monotonic() + 20
while not ran_in and time.monotonic() < deadline:
    time.sleep(0.01)
print("signal from a thread handled in:", ran_in)

