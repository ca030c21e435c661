/* Reference semantics of the pure IR operations (internal to ir/ and backend/interp).
 *
 * Values are uint64_t holding the zero-extended value of their type. These
 * generic functions are what constant folding uses and what the interpreter
 * uses for i1 operands; the interpreter's width-specialised handlers must
 * agree with them bit for bit (tests/unit/ir_test.c checks it).
 *
 * Edge cases never trap: division by zero and INT_MIN / -1 give 0 (the
 * lifter never produces them), shift amounts are masked to the width
 * (bits - 1; an i1 shift is by 0), rotations are modulo the width, CLZ/CTZ
 * of 0 give the width.
 */
#ifndef XRUN_IR_IR_EVAL_H_
#define XRUN_IR_IR_EVAL_H_

#include <stdint.h>

#include "ir/ir.h"

/* Sign-extend the low `bits` bits of v to 64 bits. */
static inline int64_t ir_sx(uint64_t v, unsigned bits) {
    unsigned s = 64u - bits;
    return (int64_t)(v << s) >> s;
}

/* Binary ALU ops ADD..ROTR on type t (integer). */
static inline uint64_t ir_eval_bin(IrOp op, IrType t, uint64_t a, uint64_t b) {
    unsigned bits = ir_type_bits(t);
    uint64_t m = ir_type_mask(t);
    unsigned sh = (unsigned)(b & (bits - 1u));
    int64_t sa = ir_sx(a, bits), sb = ir_sx(b, bits);
    a &= m;
    b &= m;
    uint64_t r;
    switch (op) {
    case IR_ADD:
        r = a + b;
        break;
    case IR_SUB:
        r = a - b;
        break;
    case IR_MUL:
        r = a * b;
        break;
    case IR_UDIV:
        r = b ? a / b : 0;
        break;
    case IR_UREM:
        r = b ? a % b : 0;
        break;
    case IR_SDIV:
        r = (sb == 0 || (sb == -1 && sa == ir_sx(1ull << (bits - 1), bits))) ? 0
                                                                             : (uint64_t)(sa / sb);
        break;
    case IR_SREM:
        r = (sb == 0 || (sb == -1 && sa == ir_sx(1ull << (bits - 1), bits))) ? 0
                                                                             : (uint64_t)(sa % sb);
        break;
    case IR_AND:
        r = a & b;
        break;
    case IR_OR:
        r = a | b;
        break;
    case IR_XOR:
        r = a ^ b;
        break;
    case IR_SHL:
        r = a << sh;
        break;
    case IR_LSHR:
        r = a >> sh;
        break;
    case IR_ASHR:
        r = (uint64_t)(sa >> sh);
        break;
    case IR_ROTL:
        r = sh ? (a << sh) | (a >> (bits - sh)) : a;
        break;
    case IR_ROTR:
        r = sh ? (a >> sh) | (a << (bits - sh)) : a;
        break;
    default:
        r = 0;
        break;
    }
    return r & m;
}

/* Unary ops NOT NEG CLZ CTZ POPCNT BSWAP PARITY on an arg of type t. */
static inline uint64_t ir_eval_un(IrOp op, IrType t, uint64_t a) {
    unsigned bits = ir_type_bits(t);
    uint64_t m = ir_type_mask(t);
    a &= m;
    switch (op) {
    case IR_NOT:
        return ~a & m;
    case IR_NEG:
        return (0 - a) & m;
    case IR_CLZ:
        return a ? (uint64_t)(__builtin_clzll(a) - (64 - (int)bits)) : bits;
    case IR_CTZ:
        return a ? (uint64_t)__builtin_ctzll(a) : bits;
    case IR_POPCNT:
        return (uint64_t)__builtin_popcountll(a);
    case IR_BSWAP:
        return bits == 64   ? __builtin_bswap64(a)
               : bits == 32 ? __builtin_bswap32((uint32_t)a)
               : bits == 16 ? __builtin_bswap16((uint16_t)a)
                            : a;
    case IR_PARITY:
        return (uint64_t)(__builtin_parity((unsigned)(a & 0xffu)) ^ 1);
    default:
        return 0;
    }
}

/* ZEXT / SEXT / TRUNC of a (type from) to type to. */
static inline uint64_t ir_eval_cast(IrOp op, IrType to, IrType from, uint64_t a) {
    if (op == IR_SEXT) return (uint64_t)ir_sx(a, ir_type_bits(from)) & ir_type_mask(to);
    return a & ir_type_mask(from) & ir_type_mask(to);
}

/* ICMP with predicate p on args of type t: 0 or 1. */
static inline uint64_t ir_eval_icmp(IrPred p, IrType t, uint64_t a, uint64_t b) {
    unsigned bits = ir_type_bits(t);
    uint64_t m = ir_type_mask(t);
    int64_t sa = ir_sx(a, bits), sb = ir_sx(b, bits);
    a &= m;
    b &= m;
    switch (p) {
    case IRP_EQ:
        return a == b;
    case IRP_NE:
        return a != b;
    case IRP_ULT:
        return a < b;
    case IRP_ULE:
        return a <= b;
    case IRP_UGT:
        return a > b;
    case IRP_UGE:
        return a >= b;
    case IRP_SLT:
        return sa < sb;
    case IRP_SLE:
        return sa <= sb;
    case IRP_SGT:
        return sa > sb;
    case IRP_SGE:
        return sa >= sb;
    default:
        return 0;
    }
}

/* Byte width of a GET/PUT/LOAD/STORE of type t (i1 occupies one byte). */
static inline unsigned ir_type_bytes(IrType t) {
    unsigned bits = ir_type_bits(t);
    return bits == 1 ? 1u : bits / 8u;
}

#endif
