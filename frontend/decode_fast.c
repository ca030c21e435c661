/* The fast decoder (frontend/decode_fast.h): one-byte ALU/mov/push/pop/
 * test/lea/jcc/call/ret/shift/group forms and the common 0f xx ones (jcc,
 * setcc, cmovcc, movzx/movsx, imul), 32-bit operand and address size only,
 * with at most one segment-override prefix on a memory operand.
 *
 * Capstone's conventions, reproduced field by field (the unit test checks
 * them against Capstone itself):
 *   - an 8-bit immediate of an 8-bit operation, and the count of C0/C1
 *     shifts, is the unsigned byte (size 1); an 8-bit immediate of a 32-bit
 *     operation is sign-extended to 64 bits (size 4), except for 83 /1 /4 /6
 *     (or, and, xor), where it is sign-extended to 32 bits; a 32-bit immediate is
 *     zero-extended (size 4); the implicit count 1 of D0/D1 has the size of
 *     the shifted operand;
 *   - a branch's immediate is its absolute target, wrapped to 32 bits;
 *   - a memory operand has scale 1 without a SIB byte and 1 << ss with one
 *     (even when there is no index), the override's segment or
 *     X86_REG_INVALID, and a sign-extended displacement;
 *   - prefix[1] holds a segment override byte, opcode[] the opcode bytes.
 */
#include "frontend/decode_fast.h"

#include <stdio.h>
#include <string.h>

static const x86_reg r32[8] = {X86_REG_EAX, X86_REG_ECX, X86_REG_EDX, X86_REG_EBX,
                               X86_REG_ESP, X86_REG_EBP, X86_REG_ESI, X86_REG_EDI};
static const x86_reg r8[8] = {X86_REG_AL, X86_REG_CL, X86_REG_DL, X86_REG_BL,
                              X86_REG_AH, X86_REG_CH, X86_REG_DH, X86_REG_BH};
static const x86_reg r16[8] = {X86_REG_AX, X86_REG_CX, X86_REG_DX, X86_REG_BX,
                               X86_REG_SP, X86_REG_BP, X86_REG_SI, X86_REG_DI};
static const uint16_t alu_ids[8] = {X86_INS_ADD, X86_INS_OR,  X86_INS_ADC, X86_INS_SBB,
                                    X86_INS_AND, X86_INS_SUB, X86_INS_XOR, X86_INS_CMP};
static const uint16_t jcc_ids[16] = {X86_INS_JO, X86_INS_JNO, X86_INS_JB,  X86_INS_JAE,
                                     X86_INS_JE, X86_INS_JNE, X86_INS_JBE, X86_INS_JA,
                                     X86_INS_JS, X86_INS_JNS, X86_INS_JP,  X86_INS_JNP,
                                     X86_INS_JL, X86_INS_JGE, X86_INS_JLE, X86_INS_JG};
static const uint16_t setcc_ids[16] = {X86_INS_SETO, X86_INS_SETNO, X86_INS_SETB,  X86_INS_SETAE,
                                       X86_INS_SETE, X86_INS_SETNE, X86_INS_SETBE, X86_INS_SETA,
                                       X86_INS_SETS, X86_INS_SETNS, X86_INS_SETP,  X86_INS_SETNP,
                                       X86_INS_SETL, X86_INS_SETGE, X86_INS_SETLE, X86_INS_SETG};
static const uint16_t cmov_ids[16] = {
    X86_INS_CMOVO, X86_INS_CMOVNO, X86_INS_CMOVB, X86_INS_CMOVAE, X86_INS_CMOVE,  X86_INS_CMOVNE,
    X86_INS_CMOVBE, X86_INS_CMOVA, X86_INS_CMOVS, X86_INS_CMOVNS, X86_INS_CMOVP,  X86_INS_CMOVNP,
    X86_INS_CMOVL, X86_INS_CMOVGE, X86_INS_CMOVLE, X86_INS_CMOVG};
/* Group 2 by ModRM.reg; /6 (SAL, an alias Capstone names its own way) is left to Capstone. */
static const uint16_t shift_ids[8] = {X86_INS_ROL, X86_INS_ROR, X86_INS_RCL, X86_INS_RCR,
                                      X86_INS_SHL, X86_INS_SHR, X86_INS_INVALID, X86_INS_SAR};
/* Group 3 (F6/F7) by ModRM.reg; /1 (an alias of TEST) is left to Capstone. */
static const uint16_t grp3_ids[8] = {X86_INS_TEST, X86_INS_INVALID, X86_INS_NOT, X86_INS_NEG,
                                     X86_INS_MUL,  X86_INS_IMUL,    X86_INS_DIV, X86_INS_IDIV};

typedef struct D {
    const uint8_t *start, *p, *end;
    cs_insn *insn;
    cs_x86 *x;
    x86_reg seg;    /* segment of a memory operand: the override's, or INVALID */
    bool has_seg;   /* an override prefix was seen */
    bool used_seg;  /* ... and a memory operand took it */
    unsigned reg;   /* ModRM.reg */
    bool ok;
} D;

static uint8_t u8(D *d) {
    if (d->p >= d->end) {
        d->ok = false;
        return 0;
    }
    return *d->p++;
}

static uint32_t u32(D *d) {
    if (d->end - d->p < 4) {
        d->ok = false;
        d->p = d->end;
        return 0;
    }
    uint32_t v = (uint32_t)d->p[0] | (uint32_t)d->p[1] << 8 | (uint32_t)d->p[2] << 16 |
                 (uint32_t)d->p[3] << 24;
    d->p += 4;
    return v;
}

static uint16_t u16(D *d) {
    uint8_t lo = u8(d);
    return (uint16_t)(lo | u8(d) << 8);
}

static cs_x86_op *new_op(D *d) {
    cs_x86_op *o = &d->x->operands[d->x->op_count++];
    return o;
}

static void op_reg(D *d, x86_reg r, unsigned size) {
    cs_x86_op *o = new_op(d);
    o->type = X86_OP_REG;
    o->reg = r;
    o->size = (uint8_t)size;
}

static void op_imm(D *d, int64_t v, unsigned size) {
    cs_x86_op *o = new_op(d);
    o->type = X86_OP_IMM;
    o->imm = v;
    o->size = (uint8_t)size;
}

/* Parse ModRM (and SIB, displacement) and add the r/m operand of `size`
 * bytes: a register of that width, or memory. */
static void op_rm(D *d, unsigned size) {
    uint8_t m = u8(d);
    d->x->modrm = m;
    unsigned mod = m >> 6, rm = m & 7;
    d->reg = (m >> 3) & 7;
    cs_x86_op *o = new_op(d);
    o->size = (uint8_t)size;
    if (mod == 3) {
        o->type = X86_OP_REG;
        o->reg = size == 1 ? r8[rm] : size == 2 ? r16[rm] : r32[rm];
        return;
    }
    o->type = X86_OP_MEM;
    o->mem.segment = d->seg;
    o->mem.base = X86_REG_INVALID;
    o->mem.index = X86_REG_INVALID;
    o->mem.scale = 1;
    o->mem.disp = 0;
    d->used_seg = true;
    bool disp32 = false;
    if (rm == 4) {
        uint8_t sib = u8(d);
        d->x->sib = sib;
        unsigned ss = sib >> 6, idx = (sib >> 3) & 7, base = sib & 7;
        o->mem.scale = 1 << ss;
        if (idx != 4) o->mem.index = r32[idx];
        if (base == 5 && mod == 0)
            disp32 = true;
        else
            o->mem.base = r32[base];
    } else if (rm == 5 && mod == 0) {
        disp32 = true;
    } else {
        o->mem.base = r32[rm];
    }
    if (mod == 1)
        o->mem.disp = (int8_t)u8(d);
    else if (mod == 2 || disp32)
        o->mem.disp = (int32_t)u32(d);
    d->x->disp = o->mem.disp;
}

/* The ModRM.reg register operand (parse the r/m operand first). */
static void op_modreg(D *d, unsigned size) {
    op_reg(d, size == 1 ? r8[d->reg] : r32[d->reg], size);
}

/* Swap the last two operands (forms whose register operand comes first). */
static void swap2(D *d) {
    cs_x86_op t = d->x->operands[0];
    d->x->operands[0] = d->x->operands[1];
    d->x->operands[1] = t;
}

static void rel_target(D *d, int32_t rel) {
    /* The target is relative to the end of the instruction, known now. */
    uint32_t next = (uint32_t)d->insn->address + (uint32_t)(d->p - d->start);
    op_imm(d, (uint32_t)(next + (uint32_t)rel), 4);
}

/* One-byte opcodes. False: not handled. */
static bool one_byte(D *d, uint8_t op) {
    cs_insn *in = d->insn;
    if (op < 0x40 && (op & 7) < 6) { /* ALU: 00-05, 08-0d, ..., 38-3d */
        in->id = alu_ids[op >> 3];
        switch (op & 7) {
        case 0: op_rm(d, 1); op_modreg(d, 1); return true;
        case 1: op_rm(d, 4); op_modreg(d, 4); return true;
        case 2: op_rm(d, 1); op_modreg(d, 1); swap2(d); return true;
        case 3: op_rm(d, 4); op_modreg(d, 4); swap2(d); return true;
        case 4: op_reg(d, X86_REG_AL, 1); op_imm(d, u8(d), 1); return true;
        default: op_reg(d, X86_REG_EAX, 4); op_imm(d, u32(d), 4); return true;
        }
    }
    if (op >= 0x40 && op <= 0x4f) {
        in->id = op < 0x48 ? X86_INS_INC : X86_INS_DEC;
        op_reg(d, r32[op & 7], 4);
        return true;
    }
    if (op >= 0x50 && op <= 0x5f) {
        in->id = op < 0x58 ? X86_INS_PUSH : X86_INS_POP;
        op_reg(d, r32[op & 7], 4);
        return true;
    }
    if (op >= 0x70 && op <= 0x7f) {
        in->id = jcc_ids[op & 15];
        int8_t rel = (int8_t)u8(d);
        rel_target(d, rel);
        return true;
    }
    if (op >= 0xb0 && op <= 0xb7) {
        in->id = X86_INS_MOV;
        op_reg(d, r8[op & 7], 1);
        op_imm(d, u8(d), 1);
        return true;
    }
    if (op >= 0xb8 && op <= 0xbf) {
        in->id = X86_INS_MOV;
        op_reg(d, r32[op & 7], 4);
        op_imm(d, u32(d), 4);
        return true;
    }
    switch (op) {
    case 0x68:
        in->id = X86_INS_PUSH;
        op_imm(d, u32(d), 4);
        return true;
    case 0x6a:
        in->id = X86_INS_PUSH;
        op_imm(d, (int8_t)u8(d), 4);
        return true;
    case 0x69:
    case 0x6b:
        in->id = X86_INS_IMUL;
        op_rm(d, 4);
        op_modreg(d, 4);
        swap2(d);
        if (op == 0x69)
            op_imm(d, u32(d), 4);
        else
            op_imm(d, (int8_t)u8(d), 4);
        return true;
    case 0x80:
    case 0x81:
    case 0x83:
        op_rm(d, op == 0x80 ? 1 : 4);
        in->id = alu_ids[d->reg];
        if (op == 0x80)
            op_imm(d, u8(d), 1);
        else if (op == 0x81)
            op_imm(d, u32(d), 4);
        else if (d->reg == 1 || d->reg == 4 || d->reg == 6) /* or, and, xor: 32-bit */
            op_imm(d, (uint32_t)(int32_t)(int8_t)u8(d), 4);
        else
            op_imm(d, (int8_t)u8(d), 4);
        return true;
    case 0x84:
    case 0x85:
        in->id = X86_INS_TEST;
        op_rm(d, op == 0x84 ? 1 : 4);
        op_modreg(d, op == 0x84 ? 1 : 4);
        return true;
    case 0x88:
    case 0x89:
        in->id = X86_INS_MOV;
        op_rm(d, op == 0x88 ? 1 : 4);
        op_modreg(d, op == 0x88 ? 1 : 4);
        return true;
    case 0x8a:
    case 0x8b:
        in->id = X86_INS_MOV;
        op_rm(d, op == 0x8a ? 1 : 4);
        op_modreg(d, op == 0x8a ? 1 : 4);
        swap2(d);
        return true;
    case 0x8d:
        in->id = X86_INS_LEA;
        op_rm(d, 4);
        if (d->x->operands[0].type != X86_OP_MEM) return false;
        op_modreg(d, 4);
        swap2(d);
        return true;
    case 0x8f:
        in->id = X86_INS_POP;
        op_rm(d, 4);
        return d->reg == 0;
    case 0x90:
        in->id = X86_INS_NOP;
        return true;
    case 0x99:
        in->id = X86_INS_CDQ;
        return true;
    case 0xa0:
    case 0xa1:
    case 0xa2:
    case 0xa3: {
        unsigned size = (op & 1) ? 4 : 1;
        in->id = X86_INS_MOV;
        op_reg(d, size == 1 ? X86_REG_AL : X86_REG_EAX, size);
        cs_x86_op *o = new_op(d);
        o->type = X86_OP_MEM;
        o->size = (uint8_t)size;
        o->mem.segment = d->seg;
        o->mem.base = X86_REG_INVALID;
        o->mem.index = X86_REG_INVALID;
        o->mem.scale = 1;
        o->mem.disp = u32(d);
        d->x->disp = o->mem.disp;
        d->used_seg = true;
        if (op >= 0xa2) swap2(d);
        return true;
    }
    case 0xa8:
        in->id = X86_INS_TEST;
        op_reg(d, X86_REG_AL, 1);
        op_imm(d, u8(d), 1);
        return true;
    case 0xa9:
        in->id = X86_INS_TEST;
        op_reg(d, X86_REG_EAX, 4);
        op_imm(d, u32(d), 4);
        return true;
    case 0xc0:
    case 0xc1:
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
        unsigned size = (op & 1) ? 4 : 1;
        op_rm(d, size);
        in->id = shift_ids[d->reg];
        if (in->id == X86_INS_INVALID) return false;
        if (op <= 0xc1)
            op_imm(d, u8(d), 1);
        else if (op <= 0xd1)
            op_imm(d, 1, size);
        else
            op_reg(d, X86_REG_CL, 1);
        return true;
    }
    case 0xc2:
        in->id = X86_INS_RET;
        op_imm(d, u16(d), 4);
        return true;
    case 0xc3:
        in->id = X86_INS_RET;
        return true;
    case 0xc6:
    case 0xc7:
        in->id = X86_INS_MOV;
        op_rm(d, op == 0xc6 ? 1 : 4);
        if (d->reg != 0) return false;
        if (op == 0xc6)
            op_imm(d, u8(d), 1);
        else
            op_imm(d, u32(d), 4);
        return true;
    case 0xc9:
        in->id = X86_INS_LEAVE;
        return true;
    case 0xe8:
    case 0xe9: {
        in->id = op == 0xe8 ? X86_INS_CALL : X86_INS_JMP;
        int32_t rel = (int32_t)u32(d);
        rel_target(d, rel);
        return true;
    }
    case 0xeb: {
        in->id = X86_INS_JMP;
        int8_t rel = (int8_t)u8(d);
        rel_target(d, rel);
        return true;
    }
    case 0xf6:
    case 0xf7: {
        unsigned size = op == 0xf6 ? 1 : 4;
        op_rm(d, size);
        in->id = grp3_ids[d->reg];
        if (in->id == X86_INS_INVALID) return false;
        if (d->reg == 0) op_imm(d, size == 1 ? u8(d) : u32(d), size);
        return true;
    }
    case 0xfe:
        op_rm(d, 1);
        if (d->reg > 1) return false;
        in->id = d->reg == 0 ? X86_INS_INC : X86_INS_DEC;
        return true;
    case 0xff:
        op_rm(d, 4);
        switch (d->reg) {
        case 0: in->id = X86_INS_INC; return true;
        case 1: in->id = X86_INS_DEC; return true;
        case 2: in->id = X86_INS_CALL; return true;
        case 4: in->id = X86_INS_JMP; return true;
        case 6: in->id = X86_INS_PUSH; return true;
        default: return false;
        }
    default:
        return false;
    }
}

/* Two-byte opcodes 0f xx. */
static bool two_byte(D *d, uint8_t op) {
    cs_insn *in = d->insn;
    d->x->opcode[1] = op;
    if (op >= 0x80 && op <= 0x8f) {
        in->id = jcc_ids[op & 15];
        int32_t rel = (int32_t)u32(d);
        rel_target(d, rel);
        return true;
    }
    if (op >= 0x90 && op <= 0x9f) {
        in->id = setcc_ids[op & 15];
        op_rm(d, 1);
        return d->reg == 0; /* other reg fields: Capstone's business */
    }
    if (op >= 0x40 && op <= 0x4f) {
        in->id = cmov_ids[op & 15];
        op_rm(d, 4);
        op_modreg(d, 4);
        swap2(d);
        return true;
    }
    switch (op) {
    case 0xb6:
    case 0xb7:
    case 0xbe:
    case 0xbf:
        in->id = op < 0xbe ? X86_INS_MOVZX : X86_INS_MOVSX;
        op_rm(d, (op & 1) ? 2 : 1);
        op_modreg(d, 4);
        swap2(d);
        return true;
    case 0xaf:
        in->id = X86_INS_IMUL;
        op_rm(d, 4);
        op_modreg(d, 4);
        swap2(d);
        return true;
    default:
        return false;
    }
}

bool fe_fast_decode(const uint8_t *code, size_t avail, uint32_t addr, cs_insn *insn) {
    cs_x86 *x = &insn->detail->x86;
    memset(x, 0, offsetof(cs_x86, operands) + 4 * sizeof x->operands[0]);
    D d = {.start = code, .p = code, .end = code + (avail < 15 ? avail : 15), .insn = insn,
           .x = x, .seg = X86_REG_INVALID, .ok = true};
    insn->address = addr;
    insn->mnemonic[0] = 0;
    insn->op_str[0] = 0;
    x->addr_size = 4;
    uint8_t op = u8(&d);
    switch (op) {
    case 0x26: d.seg = X86_REG_ES; break;
    case 0x2e: d.seg = X86_REG_CS; break;
    case 0x36: d.seg = X86_REG_SS; break;
    case 0x3e: d.seg = X86_REG_DS; break;
    case 0x64: d.seg = X86_REG_FS; break;
    case 0x65: d.seg = X86_REG_GS; break;
    default: break;
    }
    if (d.seg != X86_REG_INVALID) {
        d.has_seg = true;
        x->prefix[1] = op;
        op = u8(&d);
    }
    x->opcode[0] = op;
    bool ok = op == 0x0f ? two_byte(&d, u8(&d)) : one_byte(&d, op);
    /* An override is only taken where it selects a memory operand's segment
     * (elsewhere it can mean other things: branch hints, notrack). */
    if (!ok || !d.ok || (d.has_seg && !d.used_seg)) return false;
    insn->size = (uint16_t)(d.p - code);
    memcpy(insn->bytes, code, insn->size);
    return true;
}

/* ---- comparison with Capstone ------------------------------------------ */

int fe_fast_compare(const cs_insn *a, const cs_insn *b, char *why, size_t whylen) {
    const cs_x86 *x = &a->detail->x86, *y = &b->detail->x86;
#define DIFF(cond, ...)                                                                            \
    do {                                                                                           \
        if (cond) {                                                                                \
            snprintf(why, whylen, __VA_ARGS__);                                                    \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)
    DIFF(a->id != b->id, "id %u, Capstone %u", a->id, b->id);
    DIFF(a->size != b->size, "size %u, Capstone %u", a->size, b->size);
    DIFF(memcmp(a->bytes, b->bytes, a->size) != 0, "bytes");
    DIFF(memcmp(x->prefix, y->prefix, 4) != 0, "prefix");
    DIFF(memcmp(x->opcode, y->opcode, 4) != 0, "opcode %02x %02x, Capstone %02x %02x",
         x->opcode[0], x->opcode[1], y->opcode[0], y->opcode[1]);
    DIFF(x->addr_size != y->addr_size, "addr_size");
    DIFF(x->modrm != y->modrm, "modrm %02x, Capstone %02x", x->modrm, y->modrm);
    DIFF(x->op_count != y->op_count, "op_count %u, Capstone %u", x->op_count, y->op_count);
    for (unsigned i = 0; i < x->op_count; i++) {
        const cs_x86_op *o = &x->operands[i], *p = &y->operands[i];
        DIFF(o->type != p->type, "operand %u type %d, Capstone %d", i, o->type, p->type);
        DIFF(o->size != p->size, "operand %u size %u, Capstone %u", i, o->size, p->size);
        switch (o->type) {
        case X86_OP_REG:
            DIFF(o->reg != p->reg, "operand %u reg %d, Capstone %d", i, o->reg, p->reg);
            break;
        case X86_OP_IMM:
            DIFF(o->imm != p->imm, "operand %u imm %llx, Capstone %llx", i,
                 (unsigned long long)o->imm, (unsigned long long)p->imm);
            break;
        case X86_OP_MEM:
            DIFF(o->mem.segment != p->mem.segment || o->mem.base != p->mem.base ||
                     o->mem.index != p->mem.index || o->mem.scale != p->mem.scale ||
                     o->mem.disp != p->mem.disp,
                 "operand %u mem seg %d base %d index %d scale %d disp %llx, Capstone %d %d %d %d "
                 "%llx",
                 i, o->mem.segment, o->mem.base, o->mem.index, o->mem.scale,
                 (unsigned long long)o->mem.disp, p->mem.segment, p->mem.base, p->mem.index,
                 p->mem.scale, (unsigned long long)p->mem.disp);
            break;
        default:
            break;
        }
    }
#undef DIFF
    return 0;
}
