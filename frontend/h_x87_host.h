/* Running single x87 operations on the host FPU (x86-64 hosts only).
 *
 * Each hx_* function loads its operands from memory onto the host x87
 * stack, switches the host control word to `cw` when it is not the
 * default 0x037f (the caller passes the guest control word with all
 * exceptions masked), executes one x87 instruction, reads the host status
 * word right after it, stores the results back to memory, clears the host
 * exception flags again and restores the default control word -- all in
 * one asm statement, so the compiler cannot move anything in between.
 * The returned host status word carries the exception flags (bits 0..5)
 * and C0..C3 of exactly that instruction; TOP and SF are meaningless.
 *
 * Operations are named by their encoding, so the host runs the identical
 * instruction: the register forms are emitted as raw bytes with the guest
 * operands placed in host st(0) and st(1).
 */
#ifndef XRUN_FRONTEND_H_X87_HOST_H_
#define XRUN_FRONTEND_H_X87_HOST_H_

#include <stdint.h>

/* An 80-bit register image (the low 10 bytes of a host long double). */
typedef long double hx_f80;

/* Load memory operand m of format fmt (X87Fmt) into *d (fld/fild/fbld). */
uint16_t hx_load(unsigned fmt, uint16_t cw, const void *m, hx_f80 *d);
/* Store *s to m in format fmt (fstp/fistp/fbstp; the size of the format). */
uint16_t hx_store(unsigned fmt, uint16_t cw, const hx_f80 *s, void *m);
/* Load constant k (D9 modrm byte E8..EE) into *d. */
uint16_t hx_const(unsigned k, uint16_t cw, hx_f80 *d);
/* *a = *a OP m for memory format fmt (F32, F64, I16, I32), op X87Arith. */
uint16_t hx_arith_mem(unsigned op, unsigned fmt, uint16_t cw, hx_f80 *a, const void *m);
/* Compare *a with memory operand m (fcom m; pops nothing of the guest's). */
uint16_t hx_com_mem(unsigned fmt, uint16_t cw, const hx_f80 *a, const void *m);
/* Two in, two out: host st0 = *a, st1 = *b, run `enc`, write both back.
 * enc is D8xx/DCxx arithmetic with st(1), D8D1 fcom, DDE1 fucom,
 * D9F8 fprem, D9F5 fprem1, D9FD fscale. Returns 0xffff for an unknown enc. */
uint16_t hx_rr(unsigned enc, uint16_t cw, hx_f80 *a, hx_f80 *b);
/* Two in, one out with pop: st0 = *a, st1 = *b, run enc (D9F1 fyl2x,
 * D9F3 fpatan, D9F9 fyl2xp1), result to *b. */
uint16_t hx_pop2(unsigned enc, uint16_t cw, const hx_f80 *a, hx_f80 *b);
/* One in, one out: enc D9E4 ftst, D9E5 fxam, D9F0 f2xm1, D9FA fsqrt,
 * D9FC frndint, D9FE fsin, D9FF fcos. */
uint16_t hx_unary(unsigned enc, uint16_t cw, hx_f80 *a);
/* One in, two out (push): enc D9F2 fptan, D9FB fsincos, D9F4 fxtract.
 * *a receives the new st(1), *top the new st(0). For fptan/fsincos with
 * C2 set in the result (operand out of range) nothing is pushed: *a is
 * unchanged and *top is not written. */
uint16_t hx_push2(unsigned enc, uint16_t cw, hx_f80 *a, hx_f80 *top);

#endif
