/* Atomic read-modify-write on guest memory for lock-prefixed instructions
 * and xchg with memory; rows in frontend/h_atomic.def.
 *
 * Each one is a single host atomic instruction (or a compare-and-swap
 * loop for NOT/NEG) on g2h(addr), so guest threads running in parallel see
 * x86 lock semantics. It returns the old value; the lifter computes the
 * result and the flags from it as for the plain instruction. Unaligned
 * addresses work: the host's lock-prefixed instructions accept them, as
 * the guest's do.
 */
#ifndef XRUN_FRONTEND_H_ATOMIC_H_
#define XRUN_FRONTEND_H_ATOMIC_H_

#include <stdint.h>

#include "runtime/cpu.h"

/* Operations of h_atomic_rmw: memory = old OP val (NOT/NEG ignore val). */
enum { AT_ADD, AT_AND, AT_OR, AT_XOR, AT_XCHG, AT_NOT, AT_NEG };
/* The op and size argument of h_atomic_rmw. */
#define AT_OPSIZE(op, size) ((uint32_t)(op) << 4 | (uint32_t)(size))

/* Atomic RMW of the size-byte (1, 2, 4) word at guest addr; returns the
 * old value, zero-extended. */
uint32_t h_atomic_rmw(CPUState *env, uint32_t opsize, uint32_t addr, uint32_t val);
/* lock cmpxchg: if the word equals expected it becomes desired; the old
 * value is returned either way. */
uint32_t h_atomic_cmpxchg(CPUState *env, uint32_t size, uint32_t addr, uint32_t expected,
                          uint32_t desired);
/* lock cmpxchg8b on the 8-byte word at addr. */
uint64_t h_atomic_cmpxchg8b(CPUState *env, uint32_t addr, uint64_t expected, uint64_t desired);

#endif
