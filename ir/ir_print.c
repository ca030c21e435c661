/* Readable text form of an IR block (-d ir / -d opt), one instruction a line. */
#include "ir/ir.h"

#include <inttypes.h>
#include <stddef.h>

#include "ir/helper.h"
#include "runtime/cpu.h"

/* ==== CPUState field names ============================================== */

typedef struct FieldName {
    uint32_t off, size;
    const char *name;
} FieldName;

#define F(field, nm)                                                                               \
    { CPU_OFF(field), sizeof(((CPUState *)0)->field), nm }
#define FA(field, i, nm)                                                                           \
    {                                                                                              \
        CPU_OFF(field) + (uint32_t)(i) * sizeof(((CPUState *)0)->field[0]),                        \
            sizeof(((CPUState *)0)->field[0]), nm                                                  \
    }

static const FieldName field_names[] = {
    FA(regs, R_EAX, "eax"),
    FA(regs, R_ECX, "ecx"),
    FA(regs, R_EDX, "edx"),
    FA(regs, R_EBX, "ebx"),
    FA(regs, R_ESP, "esp"),
    FA(regs, R_EBP, "ebp"),
    FA(regs, R_ESI, "esi"),
    FA(regs, R_EDI, "edi"),
    F(eip, "eip"),
    F(eflags, "eflags"),
    F(cc_op, "cc_op"),
    F(cc_res, "cc_res"),
    F(cc_a, "cc_a"),
    F(cc_b, "cc_b"),
    F(cc_c, "cc_c"),
    FA(seg, SEG_ES, "es"),
    FA(seg, SEG_CS, "cs"),
    FA(seg, SEG_SS, "ss"),
    FA(seg, SEG_DS, "ds"),
    FA(seg, SEG_FS, "fs"),
    FA(seg, SEG_GS, "gs"),
    FA(seg_base, SEG_ES, "es_base"),
    FA(seg_base, SEG_CS, "cs_base"),
    FA(seg_base, SEG_SS, "ss_base"),
    FA(seg_base, SEG_DS, "ds_base"),
    FA(seg_base, SEG_FS, "fs_base"),
    FA(seg_base, SEG_GS, "gs_base"),
    F(tls, "tls"),
    F(fp_cw, "fp_cw"),
    F(fp_sw, "fp_sw"),
    F(fp_tag, "fp_tag"),
    F(fp_top, "fp_top"),
    FA(fpr, 0, "fpr0"),
    FA(fpr, 1, "fpr1"),
    FA(fpr, 2, "fpr2"),
    FA(fpr, 3, "fpr3"),
    FA(fpr, 4, "fpr4"),
    FA(fpr, 5, "fpr5"),
    FA(fpr, 6, "fpr6"),
    FA(fpr, 7, "fpr7"),
    F(exit_info, "exit_info"),
    F(fault_addr, "fault_addr"),
    F(insn_count, "insn_count"),
};

#undef F
#undef FA

/* Print the CPUState location at byte offset off: "eax", "eax+1" or "[+off]". */
static void print_off(FILE *f, uint64_t off) {
    for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++) {
        const FieldName *fn = &field_names[i];
        if (off >= fn->off && off < (uint64_t)fn->off + fn->size) {
            if (off == fn->off)
                fprintf(f, "%s", fn->name);
            else
                fprintf(f, "%s+%" PRIu64, fn->name, off - fn->off);
            return;
        }
    }
    fprintf(f, "[+%" PRIu64 "]", off);
}

/* ==== instructions ====================================================== */

static void print_args(FILE *f, const IrInst *in, unsigned from) {
    for (unsigned i = from; i < in->nargs; i++)
        fprintf(f, "%st%u", i > from ? ", " : "", in->arg[i]);
}

/* An exit target: its value when it is a constant, else the temporary. */
static void print_target(FILE *f, const IrBlock *b, IrRef r) {
    if (r < b->n && b->insts[r].op == IR_CONST)
        fprintf(f, "0x%" PRIx64, b->insts[r].imm);
    else
        fprintf(f, "t%u", r);
}

static const char *helper_name(uint64_t id) {
    return id < H__COUNT && ir_helpers[id].name ? ir_helpers[id].name : "?";
}

static void print_inst(FILE *f, const IrBlock *b, IrRef r) {
    const IrInst *in = &b->insts[r];
    IrOp op = (IrOp)in->op;
    const char *name = op < IR__COUNT ? ir_op_info[op].name : "?";
    const char *tname = in->type < IRT__COUNT ? ir_type_name[in->type] : "?";

    switch (op) {
    case IR_NOP:
        fprintf(f, "  nop\n");
        return;
    case IR_INSN:
        fprintf(f, "  -- 0x%08" PRIx64 " (%u bytes)\n", in->imm, in->aux);
        return;
    case IR_PUT:
        fprintf(f, "  put ");
        print_off(f, in->imm);
        fprintf(f, ", t%u\n", in->arg[0]);
        return;
    case IR_STORE:
        fprintf(f, "  store t%u, t%u\n", in->arg[0], in->arg[1]);
        return;
    case IR_EXIT_IF:
    case IR_EXIT: {
        const char *kind = in->aux < IR_EXIT__COUNT ? ir_exit_name[in->aux] : "?";
        if (op == IR_EXIT_IF)
            fprintf(f, "  exit_if t%u %s ", in->arg[0], kind);
        else
            fprintf(f, "  exit %s ", kind);
        print_target(f, b, in->arg[op == IR_EXIT_IF ? 1 : 0]);
        if (in->imm) fprintf(f, " info 0x%" PRIx64, in->imm);
        fprintf(f, "\n");
        return;
    }
    default:
        break;
    }

    if (in->type == IRT_VOID)
        fprintf(f, "  ");
    else
        fprintf(f, "  t%u:%s = ", r, tname);
    switch (op) {
    case IR_CONST:
        fprintf(f, "const 0x%" PRIx64 "\n", in->imm);
        return;
    case IR_GET:
        fprintf(f, "get ");
        print_off(f, in->imm);
        fprintf(f, "\n");
        return;
    case IR_CALL:
        fprintf(f, "call %s(", helper_name(in->imm));
        print_args(f, in, 0);
        fprintf(f, ")\n");
        return;
    case IR_ICMP:
        fprintf(f, "icmp %s ", in->aux < IRP__COUNT ? ir_pred_name[in->aux] : "?");
        print_args(f, in, 0);
        fprintf(f, "\n");
        return;
    default:
        /* lower-case op name, then the arguments */
        for (const char *p = name; *p; p++)
            fputc(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p, f);
        if (in->nargs) fputc(' ', f);
        print_args(f, in, 0);
        fprintf(f, "\n");
        return;
    }
}

void ir_print(FILE *f, const IrBlock *b) {
    fprintf(f, "block 0x%08x (%u bytes, %u insns, %u ir%s)\n", b->guest_addr, b->guest_len,
            b->guest_insns, b->n ? b->n - 1 : 0, b->precise ? ", precise" : "");
    for (uint32_t i = 1; i < b->n; i++)
        print_inst(f, b, (IrRef)i);
}
