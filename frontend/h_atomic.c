/* Atomic helpers (frontend/h_atomic.h).
 *
 * The __atomic builtins compile to lock-prefixed x86-64 instructions (lock
 * xadd/and/or/xor, xchg, lock cmpxchg), which work on any alignment, as
 * the guest's instructions do; a guest word crossing a cache line is a
 * split lock for the host as it would be for the guest. Sequentially
 * consistent, like any locked x86 instruction. A fault (unmapped or
 * read-only page) happens in the host instruction, inside guest memory.
 */
#include "frontend/h_atomic.h"

#include <stdbool.h>

#include "runtime/mem.h"

#define RMW(T, p, op, v)                                                                           \
    do {                                                                                           \
        T *q_ = (T *)(p), v_ = (T)(v), o_;                                                         \
        switch (op) {                                                                              \
        case AT_ADD:                                                                               \
            return __atomic_fetch_add(q_, v_, __ATOMIC_SEQ_CST);                                   \
        case AT_AND:                                                                               \
            return __atomic_fetch_and(q_, v_, __ATOMIC_SEQ_CST);                                   \
        case AT_OR:                                                                                \
            return __atomic_fetch_or(q_, v_, __ATOMIC_SEQ_CST);                                    \
        case AT_XOR:                                                                               \
            return __atomic_fetch_xor(q_, v_, __ATOMIC_SEQ_CST);                                   \
        case AT_XCHG:                                                                              \
            return __atomic_exchange_n(q_, v_, __ATOMIC_SEQ_CST);                                  \
        default: /* NOT, NEG */                                                                    \
            o_ = __atomic_load_n(q_, __ATOMIC_RELAXED);                                            \
            while (!__atomic_compare_exchange_n(q_, &o_, (T)((op) == AT_NOT ? ~o_ : -o_), false,   \
                                                __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {             \
            }                                                                                      \
            return o_;                                                                             \
        }                                                                                          \
    } while (0)

uint32_t h_atomic_rmw(CPUState *env, uint32_t opsize, uint32_t addr, uint32_t val)
{
    (void)env;
    uint32_t op = opsize >> 4;
    void *p = g2h(addr);
    switch (opsize & 15) {
    case 1:
        RMW(uint8_t, p, op, val);
    case 2:
        RMW(uint16_t, p, op, val);
    default:
        RMW(uint32_t, p, op, val);
    }
}

uint32_t h_atomic_cmpxchg(CPUState *env, uint32_t size, uint32_t addr, uint32_t expected,
                          uint32_t desired)
{
    (void)env;
    void *p = g2h(addr);
    switch (size) {
    case 1: {
        uint8_t e = (uint8_t)expected;
        __atomic_compare_exchange_n((uint8_t *)p, &e, (uint8_t)desired, false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
        return e;
    }
    case 2: {
        uint16_t e = (uint16_t)expected;
        __atomic_compare_exchange_n((uint16_t *)p, &e, (uint16_t)desired, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return e;
    }
    default: {
        uint32_t e = expected;
        __atomic_compare_exchange_n((uint32_t *)p, &e, desired, false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
        return e;
    }
    }
}

uint64_t h_atomic_cmpxchg8b(CPUState *env, uint32_t addr, uint64_t expected, uint64_t desired)
{
    (void)env;
    uint64_t e = expected;
    __atomic_compare_exchange_n((uint64_t *)g2h(addr), &e, desired, false, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return e;
}
