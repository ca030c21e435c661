/* Frontend driver: decode one guest basic block with Capstone and lift each
 * instruction through the per-family tables (frontend/lift.h). */
#include "frontend/fe.h"

#include <capstone/capstone.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "frontend/decode_fast.h"
#include "frontend/decode_hint.h"
#include "frontend/lift.h"
#include "frontend/lift_priv.h"
#include "ir/helper.h"
#include "runtime/dispatch.h"
#include "runtime/log.h"
#include "runtime/mem.h"
#include "runtime/opts.h"

#define X86_MAX_INSN_LEN 15u
#define SEGV_MAPERR_CODE 1u
#define SEGV_ACCERR_CODE 2u

static csh cs_handle;
static cs_insn *cs_buf, *cs_text;
/* The fast decoder's instruction (frontend/decode_fast.h). */
static cs_insn fast_insn;
static cs_detail fast_detail;
static LiftFn lift_table[X86_INS_ENDING];
static bool fe_ready;
/* Capstone handle, insn buffer and lift_core's per-insn state are shared:
 * translation is serialized (guest threads may translate concurrently). */
static pthread_mutex_t fe_lock = PTHREAD_MUTEX_INITIALIZER;

/* ------------------------------------------------------------------------ */
/* Set-up                                                                   */
/* ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    const FeLiftEntry *table;
} families[] = {
    {"alu", fe_lift_alu},   {"bits", fe_lift_bits}, {"string", fe_lift_string},
    {"ctrl", fe_lift_ctrl}, {"misc", fe_lift_misc}, {"x87", fe_lift_x87},
};

int fe_init(void) {
    if (fe_ready) return 0;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs_handle) != CS_ERR_OK) {
        rt_error("cannot initialize the Capstone x86 decoder");
        return -1;
    }
    cs_option(cs_handle, CS_OPT_DETAIL, CS_OPT_ON);
    cs_buf = cs_malloc(cs_handle);
    cs_text = cs_malloc(cs_handle);
    fast_insn.detail = &fast_detail;
    if (!cs_buf || !cs_text) {
        rt_error("out of memory initializing the decoder");
        cs_close(&cs_handle);
        return -1;
    }
    /* Which family registered each id, to name both sides of a duplicate. */
    static const char *owner[X86_INS_ENDING];
    memset(lift_table, 0, sizeof lift_table);
    memset(owner, 0, sizeof owner);
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        for (const FeLiftEntry *e = families[f].table; e->fn; e++) {
            if (e->id == X86_INS_INVALID || e->id >= X86_INS_ENDING) {
                rt_error("internal error: lift table '%s' has bad instruction id %u",
                         families[f].name, e->id);
                goto fail;
            }
            if (lift_table[e->id]) {
                rt_error("internal error: instruction %s lifted by both '%s' and '%s'",
                         cs_insn_name(cs_handle, e->id), owner[e->id], families[f].name);
                goto fail;
            }
            lift_table[e->id] = e->fn;
            owner[e->id] = families[f].name;
        }
    }
    if (rt_opts.dump & DUMP_VERIFY) ir_verify_passes = true;
    fe_ready = true;
    return 0;
fail:
    cs_free(cs_buf, 1);
    cs_free(cs_text, 1);
    cs_close(&cs_handle);
    return -1;
}

void fe_fini(void) {
    if (!fe_ready) return;
    cs_free(cs_buf, 1);
    cs_free(cs_text, 1);
    cs_buf = cs_text = NULL;
    cs_close(&cs_handle);
    fe_ready = false;
}

/* ------------------------------------------------------------------------ */
/* Fetch                                                                    */
/* ------------------------------------------------------------------------ */

/* Code runs from PROT_EXEC pages only: the x86-64 kernel enforces NX for
 * i386 processes too (PROT_READ counts as PROT_EXEC only under the
 * READ_IMPLIES_EXEC personality, which runtime/mem.c applies). */
static bool page_readable(uint32_t a) {
    return (rt_mem_prot(a) & PROT_EXEC) != 0;
}

/* fe_retranslate's source of code bytes instead of guest memory (under
 * fe_lock). */
static const FeCode *fetch_src;

/* Copy up to max bytes of guest code at pc, stopping at the first
 * unreadable page. Returns the number of bytes copied. */
static size_t fetch(uint32_t pc, uint8_t *buf, size_t max) {
    if (fetch_src) {
        uint32_t off = pc - fetch_src->eip;
        if (off >= fetch_src->n) return 0;
        size_t k = fetch_src->n - off < max ? fetch_src->n - off : max;
        memcpy(buf, fetch_src->bytes + off, k);
        return k;
    }
    size_t n = 0;
    while (n < max) {
        uint32_t a = pc + (uint32_t)n;
        if (!page_readable(a)) break;
        size_t in_page = GUEST_PAGE - (a & (GUEST_PAGE - 1u));
        size_t k = max - n < in_page ? max - n : in_page;
        memcpy(buf + n, g2h(a), k);
        n += k;
        if (a + (uint32_t)k < a) /* wrapped past 4 GiB */
            break;
    }
    return n;
}

/* ------------------------------------------------------------------------ */
/* Dump (-d in_asm)                                                         */
/* ------------------------------------------------------------------------ */

static void dump_line(FILE *f, uint32_t pc, const uint8_t *bytes, size_t n, const char *mnem,
                      const char *ops) {
    char hex[3 * X86_MAX_INSN_LEN + 1] = "";
    size_t len = 0;
    for (size_t i = 0; i < n && i < X86_MAX_INSN_LEN; i++)
        len += (size_t)snprintf(hex + len, sizeof hex - len, "%s%02x", i ? " " : "", bytes[i]);
    fprintf(f, "0x%08x:  %-24s  %s%s%s\n", pc, hex, mnem, ops[0] ? " " : "", ops);
}

/* ------------------------------------------------------------------------ */
/* Translation                                                              */
/* ------------------------------------------------------------------------ */

/* SIGSEGV for fetching code at pc (fault address addr), ending the block. */
static void exit_fetch_fault(IrBlock *b, uint32_t pc, uint32_t addr) {
    /* Mapped at all (PROT_NONE included): an access error, as the kernel says. */
    uint32_t code = rt_mem_range_ok(addr, 1, PROT_NONE) ? SEGV_ACCERR_CODE : SEGV_MAPERR_CODE;
    ir_put(b, CPU_OFF(fault_addr), ir_const(b, IRT_I32, addr));
    ir_exit(b, IR_EXIT_SIGNAL, ir_const(b, IRT_I32, pc), (uint32_t)SIGSEGV | (code << 8));
}

/* Lift one decoded instruction into the block. */
static void lift_one(LiftCtx *ctx) {
    ir_insn(ctx->b, ctx->eip, ctx->insn->size);
    fe_core_begin_insn(ctx);
    LiftFn fn = ctx->insn->id < X86_INS_ENDING ? lift_table[ctx->insn->id] : NULL;
    if (!fn) {
        fe_unsupported(ctx);
        return;
    }
    fn(ctx);
    if (fe_core_insn_failed()) {
        ctx->ended = false;
        fe_unsupported(ctx);
    }
}

/* Does the IR from index `from` on store to guest memory? */
static bool stores_since(const IrBlock *b, uint32_t from) {
    for (uint32_t i = from; i < b->n; i++) {
        const IrInst *in = &b->insts[i];
        if (in->op == IR_STORE) return true;
        if (in->op == IR_CALL && in->imm < H__COUNT && (ir_helpers[in->imm].flags & HF_MEM))
            return true;
    }
    return false;
}

/* FE_SMC_CHECKS: leave for next if the instruction's stores hit code. */
static void smc_check(IrBlock *b, uint32_t next) {
    IrRef arg = ir_const(b, IRT_I32, next);
    IrRef t = ir_call(b, H_SMC_TAKE, 1, &arg);
    /* The target is the helper's result, not a constant: this exit is never
     * chained (it does not use up one of the block's chain slots). */
    ir_exit_if(b, IR_EXIT_JUMP, ir_icmp(b, IRP_NE, t, ir_const(b, IRT_I32, 0)), t, 0);
}

/* Decode the instruction at bytes[0..avail) (guest pc): with the fast
 * decoder when it knows the form, else with Capstone. The text of a dump
 * (-d in_asm) comes from Capstone, so dumps always decode with it. With
 * -d verify every fast decode is checked against Capstone's. NULL when
 * Capstone cannot decode the bytes either. */
static const cs_insn *decode(const uint8_t *bytes, size_t avail, uint32_t pc, bool want_text) {
    if (!want_text && fe_fast_decode(bytes, avail, pc, &fast_insn)) {
        if (!ir_verify_passes) return &fast_insn;
    } else {
        fast_insn.size = 0;
    }
    const uint8_t *code = bytes;
    size_t size = avail;
    uint64_t addr = pc;
    if (!cs_disasm_iter(cs_handle, &code, &size, &addr, cs_buf)) {
        if (fast_insn.size) {
            rt_error("internal error: the fast decoder took an instruction at 0x%08x that "
                     "Capstone cannot decode", pc);
            abort();
        }
        return NULL;
    }
    char why[256];
    if (fast_insn.size && fe_fast_compare(&fast_insn, cs_buf, why, sizeof why) != 0) {
        rt_error("internal error: the fast decoder disagrees with Capstone on %s %s at "
                 "0x%08x: %s", cs_buf->mnemonic, cs_buf->op_str, pc, why);
        abort();
    }
    return cs_buf;
}

void fe_insn_text(const LiftCtx *c, char *buf, size_t len) {
    const cs_insn *in = c->insn;
    if (!in->mnemonic[0]) { /* fast-decoded: no text; ask Capstone */
        const uint8_t *code = in->bytes;
        size_t size = in->size;
        uint64_t addr = c->eip;
        if (cs_disasm_iter(cs_handle, &code, &size, &addr, cs_text)) in = cs_text;
    }
    snprintf(buf, len, "%s%s%s", in->mnemonic, in->op_str[0] ? " " : "", in->op_str);
}

static IrBlock *translate_locked(uint32_t eip, unsigned flags, FILE *dump) {
    IrBlock *b = ir_block_new(eip);
    LiftCtx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.b = b;
    fe_x87_block_begin(&ctx, eip, fetch_src ? &fetch_src->x87 : NULL);
    uint32_t pc = eip;
    unsigned ninsn = 0;

    for (;;) {
        if (ninsn == FE_MAX_INSNS) {
            ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, pc), 0);
            break;
        }
        uint8_t bytes[X86_MAX_INSN_LEN];
        size_t avail = fetch(pc, bytes, sizeof bytes);
        if (avail == 0) {
            if (ninsn == 0)
                exit_fetch_fault(b, pc, pc);
            else
                ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, pc), 0);
            break;
        }
        const cs_insn *insn = decode(bytes, avail, pc, dump != NULL);
        if (!insn) {
            if (avail < sizeof bytes) {
                /* Possibly cut short by an unreadable page: the insn crosses
                 * into it. First insn: fault there; else end the block. */
                if (ninsn == 0)
                    exit_fetch_fault(b, pc, pc + (uint32_t)avail);
                else
                    ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, pc), 0);
                break;
            }
            size_t hint = fe_hint_nop_len(bytes, avail);
            if (hint) { /* endbr32, rdssp*, ...: a NOP without CET */
                if (dump) dump_line(dump, pc, bytes, hint, "(hint nop)", "");
                ninsn++;
                pc += (uint32_t)hint;
                if ((pc & GUEST_PAGE_MASK) != (eip & GUEST_PAGE_MASK)) {
                    ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, pc), 0);
                    break;
                }
                continue;
            }
            if (dump) dump_line(dump, pc, bytes, 8, "(bad)", "");
            fe_log_unsupported(pc, bytes, 8, "(undecodable)");
            ctx.eip = pc;
            ctx.next_eip = pc + 1;
            fe_exit_signal_at(&ctx, SIGILL, pc, IR_NONE);
            pc += 1;
            break;
        }
        if (dump) dump_line(dump, pc, insn->bytes, insn->size, insn->mnemonic, insn->op_str);
        ctx.insn = insn;
        ctx.x86 = &insn->detail->x86;
        ctx.eip = pc;
        ctx.next_eip = pc + insn->size;
        ctx.ended = false;
        uint32_t first = b->n;
        lift_one(&ctx);
        ninsn++;
        pc = ctx.next_eip;
        if (ctx.ended) break;
        if ((flags & FE_SMC_CHECKS) && stores_since(b, first)) smc_check(b, pc);
        /* Stop at the end of the first page, so a block's code lives on one
         * page (or two, for an insn straddling the boundary). */
        if ((pc & GUEST_PAGE_MASK) != (eip & GUEST_PAGE_MASK)) {
            ir_exit(b, IR_EXIT_JUMP, ir_const(b, IRT_I32, pc), 0);
            break;
        }
    }
    if (dump) fflush(dump);
    fe_x87_block_end(&ctx);

    b->guest_len = pc - eip;
    b->guest_insns = ninsn;
    rt_stats.blocks_translated++;
    rt_stats.insns_lifted += ninsn;

    /* -d verify: check the lifter's output before any pass sees it (without
     * it, debug builds check the optimized block only: ir/ir.h). */
    char err[256];
    if (ir_verify_passes && ir_verify(b, err, sizeof err) != 0) {
        rt_error("internal error: invalid IR lifted for the block at 0x%08x: %s", eip, err);
        ir_print(stderr, b);
        abort();
    }
    return b;
}

IrBlock *fe_translate(uint32_t eip, unsigned flags, FILE *dump) {
    pthread_mutex_lock(&fe_lock);
    IrBlock *b = translate_locked(eip, flags, dump);
    pthread_mutex_unlock(&fe_lock);
    return b;
}

FeCode *fe_code_copy(uint32_t eip, uint32_t len, const FeX87Assume *x87) {
    FeCode *c = malloc(sizeof *c + len + X86_MAX_INSN_LEN);
    if (!c) return NULL;
    c->eip = eip;
    c->n = (uint32_t)fetch(eip, c->bytes, (size_t)len + X86_MAX_INSN_LEN);
    c->x87 = *x87;
    return c;
}

FeCode *fe_code_dup(const FeCode *c) {
    if (!c) return NULL;
    FeCode *d = malloc(sizeof *d + c->n);
    if (d) memcpy(d, c, sizeof *d + c->n);
    return d;
}

IrBlock *fe_retranslate(const FeCode *code, unsigned flags) {
    pthread_mutex_lock(&fe_lock);
    fetch_src = code;
    uint64_t blocks = rt_stats.blocks_translated, insns = rt_stats.insns_lifted;
    IrBlock *b = translate_locked(code->eip, flags, NULL);
    rt_stats.blocks_translated = blocks; /* not new translations */
    rt_stats.insns_lifted = insns;
    fetch_src = NULL;
    pthread_mutex_unlock(&fe_lock);
    return b;
}

void fe_lock_all(void) {
    pthread_mutex_lock(&fe_lock);
}

void fe_unlock_all(void) {
    pthread_mutex_unlock(&fe_lock);
}
