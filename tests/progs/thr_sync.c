/* xrun-test: cflags=-pthread timeout=60 */
/* pthreads synchronization: create/join with return and pthread_exit values, mutex, condvar
   (bounded producer/consumer), barrier, rwlock, pthread_once, TLS (__thread and keys with
   destructors), C11 atomics on 32 and 64 bits, and 8 threads hammering shared counters with
   lock-prefixed instructions, xchg, cmpxchg and cmpxchg8b: every printed count is exact. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                                   \
    do {                                                                              \
        int e_ = (call);                                                              \
        if (e_) { printf("%s failed: %s\n", #call, strerror(e_)); exit(1); }          \
    } while (0)

/* ---- create / join / pthread_exit -------------------------------------------------------- */

static void deep_exit(int depth, intptr_t v)
{
    if (depth == 0) pthread_exit((void *)v);
    deep_exit(depth - 1, v + 1);
}

static void *ret_worker(void *arg)
{
    intptr_t i = (intptr_t)arg;
    if (i % 2) deep_exit((int)i, 1000 * i); /* never returns */
    return (void *)(i * 10 + 1);
}

static void test_create_join(void)
{
    pthread_t t[6];
    for (intptr_t i = 0; i < 6; i++) CHECK(pthread_create(&t[i], NULL, ret_worker, (void *)i));
    for (int i = 0; i < 6; i++) {
        void *r;
        CHECK(pthread_join(t[i], &r));
        printf("join %d -> %ld\n", i, (long)(intptr_t)r);
    }
    /* pthread_self / pthread_equal */
    pthread_t me = pthread_self();
    printf("pthread_equal(self, self) %d\n", pthread_equal(me, pthread_self()) != 0);
    printf("pthread_equal(self, t0) %d\n", pthread_equal(me, t[0]) != 0);
}

/* ---- mutex + condvar: bounded producer/consumer ------------------------------------------- */

#define QCAP 4
#define NITEMS 3000
static struct {
    pthread_mutex_t m;
    pthread_cond_t not_full, not_empty;
    int buf[QCAP], head, count, done;
} q = {.m = PTHREAD_MUTEX_INITIALIZER, .not_full = PTHREAD_COND_INITIALIZER,
       .not_empty = PTHREAD_COND_INITIALIZER};

static void *producer(void *arg)
{
    int base = (int)(intptr_t)arg;
    for (int i = 1; i <= NITEMS; i++) {
        pthread_mutex_lock(&q.m);
        while (q.count == QCAP) pthread_cond_wait(&q.not_full, &q.m);
        q.buf[(q.head + q.count) % QCAP] = base + i;
        q.count++;
        pthread_cond_signal(&q.not_empty);
        pthread_mutex_unlock(&q.m);
    }
    return NULL;
}

struct consumed { long long sum; int n; };

static void *consumer(void *arg)
{
    struct consumed *c = arg;
    for (;;) {
        pthread_mutex_lock(&q.m);
        while (q.count == 0 && !q.done) pthread_cond_wait(&q.not_empty, &q.m);
        if (q.count == 0 && q.done) {
            pthread_mutex_unlock(&q.m);
            return NULL;
        }
        int v = q.buf[q.head];
        q.head = (q.head + 1) % QCAP;
        q.count--;
        pthread_cond_signal(&q.not_full);
        pthread_mutex_unlock(&q.m);
        c->sum += v;
        c->n++;
    }
}

static void test_prodcons(void)
{
    pthread_t p[2], c[3];
    struct consumed got[3];
    memset(got, 0, sizeof got);
    for (int i = 0; i < 3; i++) CHECK(pthread_create(&c[i], NULL, consumer, &got[i]));
    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&p[i], NULL, producer, (void *)(intptr_t)(i * 100000)));
    for (int i = 0; i < 2; i++) CHECK(pthread_join(p[i], NULL));
    pthread_mutex_lock(&q.m);
    q.done = 1;
    pthread_cond_broadcast(&q.not_empty);
    pthread_mutex_unlock(&q.m);
    long long sum = 0;
    int n = 0;
    for (int i = 0; i < 3; i++) {
        CHECK(pthread_join(c[i], NULL));
        sum += got[i].sum;
        n += got[i].n;
    }
    printf("producer/consumer: %d items, sum %lld\n", n, sum);
}

/* ---- barrier ------------------------------------------------------------------------------ */

#define BTHREADS 4
#define BROUNDS 50
static pthread_barrier_t bar;
static int slots[BTHREADS];
static atomic_int serial_count, barrier_bad;

static void *barrier_worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int r = 0; r < BROUNDS; r++) {
        slots[id] = r * 10 + id;
        int s = pthread_barrier_wait(&bar);
        if (s == PTHREAD_BARRIER_SERIAL_THREAD) atomic_fetch_add(&serial_count, 1);
        else if (s != 0) atomic_fetch_add(&barrier_bad, 1);
        for (int k = 0; k < BTHREADS; k++)
            if (slots[k] != r * 10 + k) atomic_fetch_add(&barrier_bad, 1);
        pthread_barrier_wait(&bar); /* nobody writes the next round before all have read */
    }
    return NULL;
}

static void test_barrier(void)
{
    pthread_t t[BTHREADS];
    CHECK(pthread_barrier_init(&bar, NULL, BTHREADS));
    for (int i = 0; i < BTHREADS; i++)
        CHECK(pthread_create(&t[i], NULL, barrier_worker, (void *)(intptr_t)i));
    for (int i = 0; i < BTHREADS; i++) CHECK(pthread_join(t[i], NULL));
    CHECK(pthread_barrier_destroy(&bar));
    printf("barrier: %d rounds, serial threads %d, bad %d\n", BROUNDS,
           atomic_load(&serial_count), atomic_load(&barrier_bad));
}

/* ---- rwlock ------------------------------------------------------------------------------- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int rw_a, rw_b;
static atomic_int rw_torn, rw_reads;

static void *rw_writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        pthread_rwlock_wrlock(&rw);
        rw_a++;
        for (volatile int k = 0; k < 10; k++) {}
        rw_b++;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *rw_reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        pthread_rwlock_rdlock(&rw);
        if (rw_a != rw_b) atomic_fetch_add(&rw_torn, 1);
        atomic_fetch_add(&rw_reads, 1);
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void test_rwlock(void)
{
    pthread_t t[6];
    for (int i = 0; i < 6; i++)
        CHECK(pthread_create(&t[i], NULL, i < 2 ? rw_writer : rw_reader, NULL));
    for (int i = 0; i < 6; i++) CHECK(pthread_join(t[i], NULL));
    /* A reader holding the lock keeps writers out, not other readers. */
    pthread_rwlock_rdlock(&rw);
    int try_rd = pthread_rwlock_tryrdlock(&rw);
    if (try_rd == 0) pthread_rwlock_unlock(&rw);
    int try_wr = pthread_rwlock_trywrlock(&rw);
    pthread_rwlock_unlock(&rw);
    printf("rwlock: a %d b %d torn %d reads %d tryrdlock %s trywrlock %s\n", rw_a, rw_b,
           atomic_load(&rw_torn), atomic_load(&rw_reads), try_rd ? strerror(try_rd) : "ok",
           try_wr ? strerror(try_wr) : "ok");
}

/* ---- pthread_once --------------------------------------------------------------------------- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs, once_after;

static void once_init(void)
{
    for (volatile int k = 0; k < 100000; k++) {}
    atomic_fetch_add(&once_runs, 1);
}

static void *once_worker(void *arg)
{
    (void)arg;
    pthread_once(&once, once_init);
    if (atomic_load(&once_runs) == 1) atomic_fetch_add(&once_after, 1);
    return NULL;
}

static void test_once(void)
{
    pthread_t t[8];
    for (int i = 0; i < 8; i++) CHECK(pthread_create(&t[i], NULL, once_worker, NULL));
    for (int i = 0; i < 8; i++) CHECK(pthread_join(t[i], NULL));
    printf("pthread_once: init ran %d time(s), %d threads saw it done\n",
           atomic_load(&once_runs), atomic_load(&once_after));
}

/* ---- TLS ------------------------------------------------------------------------------------ */

static __thread int tls_int = 42;
static __thread char tls_buf[64] = "initial";
static __thread long long tls_ll;
static pthread_key_t key;
static atomic_int dtor_runs;
static atomic_long dtor_sum;
static pthread_barrier_t tls_bar;

static void key_dtor(void *p)
{
    atomic_fetch_add(&dtor_runs, 1);
    atomic_fetch_add(&dtor_sum, *(long *)p);
    free(p);
}

static void *tls_worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    int fresh = tls_int == 42 && strcmp(tls_buf, "initial") == 0 && tls_ll == 0;
    tls_int = id;
    snprintf(tls_buf, sizeof tls_buf, "thread %d", id);
    tls_ll = 0x100000000LL * id + id;
    long *v = malloc(sizeof *v);
    *v = 100 + id;
    pthread_setspecific(key, v);
    pthread_barrier_wait(&tls_bar); /* all threads have written their own copies */
    char want[64];
    snprintf(want, sizeof want, "thread %d", id);
    int ok = tls_int == id && strcmp(tls_buf, want) == 0 &&
             tls_ll == 0x100000000LL * id + id && *(long *)pthread_getspecific(key) == 100 + id;
    return (void *)(intptr_t)(fresh * 2 + ok);
}

static void test_tls(void)
{
    pthread_t t[5];
    CHECK(pthread_key_create(&key, key_dtor));
    CHECK(pthread_barrier_init(&tls_bar, NULL, 5));
    tls_int = -1;
    strcpy(tls_buf, "main");
    for (int i = 0; i < 5; i++)
        CHECK(pthread_create(&t[i], NULL, tls_worker, (void *)(intptr_t)(i + 1)));
    for (int i = 0; i < 5; i++) {
        void *r;
        CHECK(pthread_join(t[i], &r));
        printf("tls thread %d: fresh copy %d, own values kept %d\n", i + 1,
               (int)(intptr_t)r >> 1, (int)(intptr_t)r & 1);
    }
    printf("tls main: %d %s, key value %s\n", tls_int, tls_buf,
           pthread_getspecific(key) ? "set" : "unset");
    printf("key destructors: %d runs, sum %ld\n", atomic_load(&dtor_runs),
           atomic_load(&dtor_sum));
    pthread_barrier_destroy(&tls_bar);
}

/* ---- C11 atomics, single thread ------------------------------------------------------------- */

static void test_atomics_basic(void)
{
    _Atomic int a = 5;
    _Atomic long long b = 0x00000000ffffffffLL;
    int old = atomic_fetch_add(&a, 3);
    printf("fetch_add32 old %d new %d\n", old, atomic_load(&a));
    old = atomic_fetch_sub(&a, 10);
    printf("fetch_sub32 old %d new %d\n", old, atomic_load(&a));
    old = atomic_fetch_or(&a, 0x70);
    printf("fetch_or32 old %d new %d\n", old, atomic_load(&a));
    old = atomic_fetch_and(&a, 0x3c);
    printf("fetch_and32 old %d new %d\n", old, atomic_load(&a));
    old = atomic_fetch_xor(&a, 0xff);
    printf("fetch_xor32 old %d new %d\n", old, atomic_load(&a));
    old = atomic_exchange(&a, 1234);
    printf("exchange32 old %d new %d\n", old, atomic_load(&a));
    int exp = 99;
    int okc = atomic_compare_exchange_strong(&a, &exp, 7);
    printf("cas32 fail: ok %d expected now %d value %d\n", okc, exp, atomic_load(&a));
    okc = atomic_compare_exchange_strong(&a, &exp, 7);
    printf("cas32 success: ok %d value %d\n", okc, atomic_load(&a));

    long long o = atomic_fetch_add(&b, 1);
    printf("fetch_add64 old %#llx new %#llx\n", o, atomic_load(&b));
    o = atomic_fetch_sub(&b, 2);
    printf("fetch_sub64 old %#llx new %#llx\n", o, atomic_load(&b));
    o = atomic_fetch_add(&b, 0x123456789LL);
    printf("fetch_add64 old %#llx new %#llx\n", o, atomic_load(&b));
    o = atomic_exchange(&b, -5LL);
    printf("exchange64 old %#llx new %lld\n", o, atomic_load(&b));
    long long e64 = 0x1111111122222222LL;
    okc = atomic_compare_exchange_strong(&b, &e64, 77);
    printf("cas64 fail: ok %d expected now %lld value %lld\n", okc, e64, atomic_load(&b));
    okc = atomic_compare_exchange_strong(&b, &e64, 0x7fffffff00000001LL);
    printf("cas64 success: ok %d value %#llx\n", okc, atomic_load(&b));
    atomic_store(&b, 0x8000000000000000LL);
    printf("store/load64 %#llx\n", (unsigned long long)atomic_load(&b));
}

/* ---- 8 threads hammering shared counters ---------------------------------------------------- */

#define HTHREADS 8
#define HITERS 20000

static struct {
    volatile int lock_add, lock_inc, lock_xadd, xchg_lock, xchg_counter, cas_loop, mtx_counter;
    _Atomic int c11;
    _Atomic long long c11_64;
    volatile long long cas8b;
    long long pad;
} ctr __attribute__((aligned(64)));
static pthread_mutex_t hammer_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t hammer_bar;

static void cas8b_add(volatile long long *p, long long add)
{
    /* cmpxchg8b loop, written by hand so it is the instruction whatever gcc chooses. */
    long long old = *p;
    for (;;) {
        long long nv = old + add;
        unsigned char ok;
        uint32_t lo = (uint32_t)nv, hi = (uint32_t)((unsigned long long)nv >> 32);
        __asm__ volatile("xchgl %%ebx, %[lo]\n\t"
                         "lock cmpxchg8b %[mem]\n\t"
                         "sete %[ok]\n\t"
                         "xchgl %%ebx, %[lo]"
                         : [mem] "+m"(*p), "+A"(old), [ok] "=q"(ok), [lo] "+r"(lo)
                         : "c"(hi)
                         : "memory", "cc");
        if (ok) return;
    }
}

static void *hammer(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&hammer_bar);
    for (int i = 0; i < HITERS; i++) {
        __asm__ volatile("lock addl $1, %0" : "+m"(ctr.lock_add) : : "memory", "cc");
        __asm__ volatile("lock incl %0" : "+m"(ctr.lock_inc) : : "memory", "cc");
        int two = 2;
        __asm__ volatile("lock xaddl %0, %1" : "+r"(two), "+m"(ctr.lock_xadd) : : "memory", "cc");
        /* spin lock on xchg (implicitly locked), protecting a plain increment */
        int one = 1;
        do {
            one = 1;
            __asm__ volatile("xchgl %0, %1" : "+r"(one), "+m"(ctr.xchg_lock) : : "memory");
        } while (one);
        ctr.xchg_counter = ctr.xchg_counter + 1;
        __asm__ volatile("movl $0, %0" : "=m"(ctr.xchg_lock) : : "memory");
        /* cmpxchg loop */
        int cur = ctr.cas_loop, seen;
        for (;;) {
            __asm__ volatile("lock cmpxchgl %2, %1"
                             : "=a"(seen), "+m"(ctr.cas_loop)
                             : "r"(cur + 3), "0"(cur)
                             : "memory", "cc");
            if (seen == cur) break;
            cur = seen;
        }
        atomic_fetch_add(&ctr.c11, 1);
        atomic_fetch_add(&ctr.c11_64, 0x100000001LL);
        cas8b_add(&ctr.cas8b, 0x7fffffffLL);
        pthread_mutex_lock(&hammer_m);
        ctr.mtx_counter = ctr.mtx_counter + 1;
        pthread_mutex_unlock(&hammer_m);
    }
    return NULL;
}

static void test_hammer(void)
{
    pthread_t t[HTHREADS];
    CHECK(pthread_barrier_init(&hammer_bar, NULL, HTHREADS));
    for (int i = 0; i < HTHREADS; i++) CHECK(pthread_create(&t[i], NULL, hammer, NULL));
    for (int i = 0; i < HTHREADS; i++) CHECK(pthread_join(t[i], NULL));
    printf("hammer %d threads x %d:\n", HTHREADS, HITERS);
    printf("  lock add      %d\n", ctr.lock_add);
    printf("  lock inc      %d\n", ctr.lock_inc);
    printf("  lock xadd     %d\n", ctr.lock_xadd);
    printf("  xchg spinlock %d\n", ctr.xchg_counter);
    printf("  cmpxchg loop  %d\n", ctr.cas_loop);
    printf("  c11 fetch_add %d\n", atomic_load(&ctr.c11));
    printf("  c11 64-bit    %#llx\n", (unsigned long long)atomic_load(&ctr.c11_64));
    printf("  cmpxchg8b     %#llx\n", (unsigned long long)ctr.cas8b);
    printf("  mutex         %d\n", ctr.mtx_counter);
    pthread_barrier_destroy(&hammer_bar);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_create_join();
    test_prodcons();
    test_barrier();
    test_rwlock();
    test_once();
    test_tls();
    test_atomics_basic();
    test_hammer();
    printf("done\n");
    return 0;
}
