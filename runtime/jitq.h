/* Background compilation: the queue of hot blocks and the compiler thread.
 *
 * In auto mode a block that gets hot is queued here instead of being
 * compiled on the spot; one compiler thread takes blocks off the queue and
 * compiles them with LLVM while the guest threads keep interpreting them.
 * The dispatcher runs the compiled code from the first turn after it is
 * published (runtime/tcache.c installs it), and chains to it as usual.
 *
 * The queue links TBs through their own fields (runtime/tcache.h). A block
 * dropped from the cache while queued is taken out of the queue at once
 * (rt_jitq_forget_locked), before its memory is retired; a block the
 * compiler has already taken stays valid until the compiler's next
 * quiescent point (runtime/epoch.h), which comes only after the compile.
 *
 * The compiler thread also frees dropped LLVM code (rt_jitq_free_code), so
 * a guest thread reclaiming memory never waits for a compile in progress.
 */
#ifndef XRUN_RUNTIME_JITQ_H_
#define XRUN_RUNTIME_JITQ_H_

#include <stdbool.h>
#include <stdint.h>

#include "backend/be.h"
#include "runtime/dispatch.h"

typedef struct TB TB;

/* Queue tb, which the caller has claimed for compilation (tb->compiling).
 * Starts the compiler thread on first use. False when no thread can be
 * started: the caller then compiles tb itself. */
bool rt_jitq_push(TB *tb);
/* Set while hot blocks wait for the compiler to start (the guest has not
 * yet run XRUN_JIT_DELAY blocks): the dispatcher then calls rt_jitq_kick
 * once it has, which starts it. */
extern bool rt_jitq_waiting;
void rt_jitq_kick(void);
/* How often (interpreted runs on a thread) the dispatcher calls it. */
#define RT_JITQ_KICK_EVERY 4096u
/* tb is being dropped (cache lock held, maybe in the write-fault handler):
 * take it out of the queue if it is there. Async-signal-safe as long as no
 * holder of the queue lock writes guest memory (none does). */
void rt_jitq_forget_locked(TB *tb);
/* Free compiled code: by the compiler thread when there is one (and the
 * calling thread is not it), else at once. */
void rt_jitq_free_code(BeJitCode *code);
/* Blocks waiting now, and the most that ever waited at once. */
unsigned rt_jitq_length(void);
unsigned rt_jitq_max_length(void);
/* The compiler thread's counters (compiles, their time), for --stats. */
void rt_jitq_stats_add(RtStats *to);

/* fork (inside rt_code_lock_all, after the cache lock): hold the queue
 * lock across the fork. In the child, with it still held, the compiler
 * thread is gone: what was queued or being compiled goes back to being
 * interpreted (and is queued again when hot). */
void rt_jitq_lock_all(void);
void rt_jitq_unlock_all(void);
void rt_jitq_reset_in_child(void);

#endif
