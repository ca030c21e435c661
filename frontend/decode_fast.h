/* A fast decoder for the commonest i386 instructions (frontend/decode_fast.c).
 *
 * Capstone (with detail, which the lifters need) spends ~3000 host
 * instructions per guest instruction, mostly formatting text nobody reads;
 * that was a third of translation time at python3.11's startup. Most guest
 * code is a few dozen encodings (mov, push/pop, ALU ops, test, lea, jcc,
 * call, ret, movzx...), so fe.c first tries this decoder, which fills the
 * same cs_insn / cs_x86 fields the lifters read, exactly as Capstone would,
 * and falls back to Capstone for everything else (any other prefix, x87,
 * SSE, string ops, ...). mnemonic and op_str are left empty: whoever wants
 * text (-d in_asm, the unsupported-instruction log) decodes with Capstone.
 *
 * "Exactly as Capstone would" is checked, not assumed: fe_fast_compare()
 * names the first field that differs, tests/unit/fe_decode_test.c sweeps
 * every opcode and ModRM/SIB form against Capstone, and with -d verify
 * fe.c decodes each instruction both ways and stops on any difference. */
#ifndef XRUN_FRONTEND_DECODE_FAST_H_
#define XRUN_FRONTEND_DECODE_FAST_H_

#include <capstone/capstone.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode the instruction at code[0..avail) (guest address addr) into insn,
 * whose detail must point at writable storage. True when decoded; false
 * when it is not one of the forms handled here (or is cut short), and insn
 * is then unspecified. */
bool fe_fast_decode(const uint8_t *code, size_t avail, uint32_t addr, cs_insn *insn);

/* 0 when a (fast) and b (Capstone) agree on every field the lifters read:
 * id, size, bytes, prefix, opcode, addr_size, modrm, op_count and each
 * operand's type, size and value. Otherwise -1 and the difference in why. */
int fe_fast_compare(const cs_insn *a, const cs_insn *b, char *why, size_t whylen);

#endif
