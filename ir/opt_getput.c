/* GET/PUT forwarding and dead PUT elimination (the dead-flag pass).
 *
 * One forward scan keeps two small lists:
 *   known    CPUState ranges whose current value is an SSA value (from an
 *            earlier GET or PUT): a GET of exactly that offset and type is
 *            replaced by the value.
 *   pending  PUTs not yet observed by anything: a later PUT of the same
 *            offset and width makes them dead.
 * Barriers: every pending PUT becomes live at an EXIT_IF or EXIT (state must
 * be in CPUState at any exit), except the lazy-flag operands (cc_a, cc_b,
 * cc_c) that the constant cc_op then in force does not read: those are
 * never observed before being written again (frontend/flags.h), and a PUT
 * of one that is still pending after the final EXIT is dead; and at a CALL of a helper that reads CPUState; a
 * helper that writes CPUState forgets the known values. x87-only helpers do
 * both for the x87 fields alone. A GET that partly overlaps a pending PUT
 * (or has another type) makes it live and is not forwarded. INSN markers
 * write eip (and insn_count) in the interpreter, so they are treated as a
 * read and a write of those fields. LOAD/STORE do not touch CPUState.
 *
 * Precise blocks (b->precise): a guest memory access (ir_may_fault) may
 * fault, and the fault abandons the block there with CPUState as the guest
 * handler will see it, so it is a barrier for dead PUTs like an exit: every
 * pending PUT becomes live. Forwarding known values across it stays sound
 * (an access does not change CPUState, and nothing after it runs if it
 * faults), so the known list is kept.
 */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

#include "ir/helper.h"
#include "frontend/flags.h"
#include "ir/ir_eval.h"
#include "runtime/cpu.h"
#include "runtime/log.h"

typedef struct Known {
    uint64_t words; /* words(off, len) */
    uint32_t off, len;
    uint8_t type;
    IrRef val;
} Known;

typedef struct Pending {
    uint64_t words;
    uint32_t off, len;
    IrRef put;
} Pending;

/* Each list has a summary: a bit per 4-byte word of CPUState that some entry
 * covers (bit 63 stands for every word from 63 on), and each entry its own.
 * A range whose bits miss the summary touches no entry, which spares the
 * scans at almost every INSN marker (eip, insn_count) and most GETs; within
 * a scan, an entry whose bits miss the range is skipped at once. A summary
 * may keep bits of entries that are gone until a scan recomputes it. Order
 * within a list does not matter (a (offset, type) pair is known at most
 * once), so removal moves the last entry into the hole. */
typedef struct GpState {
    Known *known;
    uint32_t nknown;
    Pending *pend;
    uint32_t npend;
    uint64_t known_words, pend_words;
} GpState;

static uint64_t words(uint32_t off, uint32_t len) {
    uint32_t lo = off / 4, hi = (off + len - 1) / 4;
    if (lo > 63) lo = 63;
    if (hi > 63) hi = 63;
    return (~0ull >> (63 - hi)) & (~0ull << lo);
}

static bool overlaps(uint32_t o1, uint32_t l1, uint32_t o2, uint32_t l2) {
    return o1 < o2 + l2 && o2 < o1 + l1;
}

/* The range [off, off+len) is read from CPUState: overlapping PUTs become live. */
static void gp_read(GpState *s, uint32_t off, uint32_t len) {
    uint64_t wm = words(off, len);
    if (!(s->pend_words & wm)) return;
    uint64_t w = 0;
    for (uint32_t i = 0; i < s->npend;) {
        Pending *p = &s->pend[i];
        if ((p->words & wm) && overlaps(p->off, p->len, off, len)) {
            *p = s->pend[--s->npend];
        } else {
            w |= p->words;
            i++;
        }
    }
    s->pend_words = w;
}

/* Every pending PUT becomes live (an exit, a possible fault). */
static void gp_read_all(GpState *s) {
    s->npend = 0;
    s->pend_words = 0;
}

/* An exit: every pending PUT is read, except those of the lazy-flag
 * operands that the cc_op in force (when known: cc_known) does not read
 * (frontend/flags.h, fe_cc_reads). Those stay pending, and are dead if no
 * later exit or reader needs them either. */
static void gp_read_exit(GpState *s, bool cc_known, uint32_t cc_op) {
    if (!cc_known) {
        gp_read_all(s);
        return;
    }
    unsigned reads = fe_cc_reads(cc_op);
    uint64_t w = 0;
    for (uint32_t i = 0; i < s->npend;) {
        Pending *p = &s->pend[i];
        bool unread = p->len == 4 &&
                      ((p->off == CPU_OFF(cc_a) && !(reads & FE_CC_A)) ||
                       (p->off == CPU_OFF(cc_b) && !(reads & FE_CC_B)) ||
                       (p->off == CPU_OFF(cc_c) && !(reads & FE_CC_C)));
        if (!unread) {
            *p = s->pend[--s->npend];
        } else {
            w |= p->words;
            i++;
        }
    }
    s->pend_words = w;
}

/* The range [off, off+len) is written behind our back: forget known values. */
static void gp_clobber(GpState *s, uint32_t off, uint32_t len) {
    uint64_t wm = words(off, len);
    if (!(s->known_words & wm)) return;
    uint64_t w = 0;
    for (uint32_t i = 0; i < s->nknown;) {
        Known *k = &s->known[i];
        if ((k->words & wm) && overlaps(k->off, k->len, off, len)) {
            *k = s->known[--s->nknown];
        } else {
            w |= k->words;
            i++;
        }
    }
    s->known_words = w;
}

static void gp_learn(GpState *s, uint32_t off, uint32_t len, uint8_t type, IrRef val) {
    uint64_t w = words(off, len);
    s->known[s->nknown++] = (Known){w, off, len, type, val};
    s->known_words |= w;
}

/* Blocks of up to GP_SMALL_N instructions (nearly all) use scratch arrays on
 * the stack; each list holds at most one entry per instruction. */
#define GP_SMALL_N 512u

void ir_opt_getput(IrBlock *b) {
    IrRef small_repl[GP_SMALL_N];
    Known small_known[GP_SMALL_N];
    Pending small_pend[GP_SMALL_N];
    bool small = b->n <= GP_SMALL_N;
    IrRef *repl;
    GpState s = {0};
    if (small) {
        repl = small_repl;
        s.known = small_known;
        s.pend = small_pend;
    } else {
        repl = malloc(b->n * sizeof *repl);
        s.known = malloc(b->n * sizeof(Known));
        s.pend = malloc(b->n * sizeof(Pending));
        if (!repl || !s.known || !s.pend) {
            free(repl), free(s.known), free(s.pend);
            return; /* optimisation is optional */
        }
    }
    memset(repl, 0, b->n * sizeof *repl);
    const uint32_t x87_off = CPU_OFF(fp_cw);
    const uint32_t x87_len = CPU_OFF(fpr) + (uint32_t)sizeof(((CPUState *)0)->fpr) - x87_off;
    const uint32_t all = (uint32_t)sizeof(CPUState);

    bool cc_known = false; /* cc_op's value is the constant cc_op */
    uint32_t cc_op = 0;
    for (uint32_t i = 1; i < b->n; i++) {
        IrInst *in = &b->insts[i];
        for (unsigned k = 0; k < in->nargs; k++)
            if (repl[in->arg[k]]) in->arg[k] = repl[in->arg[k]];

        switch ((IrOp)in->op) {
        case IR_GET: {
            uint32_t off = (uint32_t)in->imm, len = ir_type_bytes((IrType)in->type);
            IrRef fwd = IR_NONE;
            if (s.known_words & words(off, len))
                for (uint32_t k = 0; k < s.nknown; k++)
                    if (s.known[k].off == off && s.known[k].type == in->type) fwd = s.known[k].val;
            if (fwd) {
                repl[i] = fwd;
                in->op = IR_NOP;
                in->nargs = 0;
            } else {
                gp_read(&s, off, len);
                gp_learn(&s, off, len, in->type, (IrRef)i);
            }
            break;
        }
        case IR_PUT: {
            uint32_t off = (uint32_t)in->imm;
            IrType t = ir_type(b, in->arg[0]);
            uint32_t len = ir_type_bytes(t);
            if (off < CPU_OFF(cc_op) + 4 && off + len > CPU_OFF(cc_op)) {
                const IrInst *v = &b->insts[in->arg[0]];
                cc_known = off == CPU_OFF(cc_op) && len == 4 && v->op == IR_CONST;
                cc_op = cc_known ? (uint32_t)v->imm : 0;
            }
            uint64_t w = words(off, len);
            if (s.pend_words & w) {
                for (uint32_t k = 0; k < s.npend;) {
                    if (s.pend[k].off == off && s.pend[k].len == len) {
                        IrInst *dead = &b->insts[s.pend[k].put];
                        dead->op = IR_NOP;
                        dead->nargs = 0;
                        s.pend[k] = s.pend[--s.npend];
                    } else {
                        k++;
                    }
                } /* the summary keeps the word: this PUT covers it */
            }
            s.pend[s.npend++] = (Pending){w, off, len, (IrRef)i};
            s.pend_words |= w;
            gp_clobber(&s, off, len);
            gp_learn(&s, off, len, (uint8_t)t, in->arg[0]);
            break;
        }
        case IR_INSN:
            gp_read(&s, CPU_OFF(eip), 4);
            gp_clobber(&s, CPU_OFF(eip), 4);
            gp_read(&s, CPU_OFF(insn_count), 8);
            gp_clobber(&s, CPU_OFF(insn_count), 8);
            break;
        case IR_EXIT_IF:
        case IR_EXIT:
            gp_read_exit(&s, cc_known, cc_op);
            break;
        case IR_LOAD:
        case IR_STORE:
            if (b->precise) gp_read_all(&s);
            break;
        case IR_CALL: {
            if (b->precise && ir_may_fault(in)) gp_read_all(&s);
            uint8_t f = in->imm < H__COUNT ? ir_helpers[in->imm].flags : 0;
            /* the flags are the contract: no HF_*_ENV / HF_X87 means no CPUState access */
            if (f & HF_READS_ENV) gp_read(&s, 0, all);
            if (f & HF_WRITES_ENV) {
                gp_clobber(&s, 0, all);
                cc_known = false;
            }
            if (f & HF_X87) {
                gp_read(&s, x87_off, x87_len);
                gp_clobber(&s, x87_off, x87_len);
            }
            if (f & HF_X87_VALS) { /* fp_cw and fp_sw are adjacent */
                gp_read(&s, x87_off, 4);
                gp_clobber(&s, x87_off, 4);
                gp_read(&s, CPU_OFF(fpr), (uint32_t)sizeof(((CPUState *)0)->fpr));
                gp_clobber(&s, CPU_OFF(fpr), (uint32_t)sizeof(((CPUState *)0)->fpr));
            }
            break;
        }
        default:
            break;
        }
    }
    /* Still pending after the final EXIT: lazy-flag operands no exit reads. */
    if (b->n > 1 && b->insts[b->n - 1].op == IR_EXIT)
        for (uint32_t k = 0; k < s.npend; k++) {
            IrInst *dead = &b->insts[s.pend[k].put];
            dead->op = IR_NOP;
            dead->nargs = 0;
        }
    if (!small) {
        free(repl);
        free(s.known);
        free(s.pend);
    }
}
