/* Lifting of the core families (lift_misc.c, lift_ctrl.c, lift_core.c,
 * fe.c): small guest snippets are translated, run by the interpreter (with
 * and without ir_optimize) and the final state is compared with what the
 * instructions must do on an i386. Uses only instructions the core families
 * lift (flags are set with sahf/popf), so it does not depend on lift_alu. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backend/be.h"
#include "frontend/fe.h"
#include "frontend/flags.h"
#include "runtime/cpu.h"
#include "runtime/mem.h"

#define CODE 0x08048000u
#define DATA 0x10000000u
#define S 0x10008000u /* initial ESP */
#define B 0x10008100u /* initial EBP */

enum { W_NONE, W_REG0, W_EIP = W_REG0 + 8, W_KIND, W_INFO, W_MEM32, W_MEM16, W_GS, W_FS, W_FAULT };

typedef struct Item {
    int what; /* W_REG0 + register, or W_*; W_NONE ends a list */
    uint32_t addr;
    uint32_t val;
} Item;

typedef struct Case {
    const char *text;
    const char *hex; /* NULL: jump to an unmapped address */
    Item init[4];
    Item want[8];
} Case;

#define R(r, v)                                                                                    \
    { W_REG0 + (r), 0, (v) }
#define M32(a, v)                                                                                  \
    { W_MEM32, (a), (v) }
#define M16(a, v)                                                                                  \
    { W_MEM16, (a), (v) }
#define EIP(v)                                                                                     \
    { W_EIP, 0, (v) }
#define SIG(info)                                                                                  \
    {W_KIND, 0, IR_EXIT_SIGNAL}, {                                                                 \
        W_INFO, 0, (info)                                                                          \
    }
#define HLT_AT(off) EIP(CODE + (off)), SIG(0x800b)

static const Case cases[] = {
    {"pushad; mov eax, 5; mov ebx, 6; popad",
     "60 b8 05 00 00 00 bb 06 00 00 00 61 f4",
     {{0}},
     {HLT_AT(12), R(R_EAX, 0xa0a0a0a0), R(R_EBX, 0xb3b3b3b3), R(R_ESP, S), R(R_EDI, 0xd7d7d7d7)}},
    {"enter 0x10, 2; mov eax, esp; mov ebx, ebp; leave",
     "c8 10 00 02 89 e0 89 eb c9 f4",
     {{0}},
     {HLT_AT(9), R(R_EAX, S - 28), R(R_EBX, S - 4), R(R_ESP, S), R(R_EBP, B), M32(S - 4, B)}},
    {"call .+0x40",
     "e8 3b 00 00 00",
     {{0}},
     {EIP(CODE + 0x40), R(R_ESP, S - 4), M32(S - 4, CODE + 5)}},
    {"ret 8", "c2 08 00", {M32(S, 0x08048100)}, {EIP(0x08048100), R(R_ESP, S + 12)}},
    {"mov ah, 0xc1; sahf; jl .+0x20",
     "b4 c1 9e 7c 1e f4",
     {{0}},
     {EIP(CODE + 0x23), R(R_EAX, 0xa0a0c1a0)}},
    {"mov ah, 0x41; sahf; jbe .+0x20", "b4 41 9e 76 1e f4", {{0}}, {EIP(CODE + 0x23)}},
    {"mov ah, 0x40; sahf; jl .+0x20", "b4 40 9e 7c 1e f4", {{0}}, {HLT_AT(5)}},
    {"mov ecx, 2; loop .+0x20", "b9 02 00 00 00 e2 1e f4", {{0}}, {EIP(CODE + 0x25), R(R_ECX, 1)}},
    {"stc; cmc; lahf; pushfd; pop ebx",
     "f9 f5 9f 9c 5b f4",
     {{0}},
     {HLT_AT(5), R(R_EAX, 0xa0a002a0), R(R_EBX, 0x202), R(R_ESP, S)}},
    {"push 0x8d5; popfd; pushfd; pop ecx; lahf",
     "68 d5 08 00 00 9d 9c 59 9f f4",
     {{0}},
     {HLT_AT(9), R(R_ECX, 0xad7), R(R_EAX, 0xa0a0d7a0), R(R_ESP, S)}},
    {"mov ebx, 0xfffe8081; movzx eax, bl; movsx ecx, bx; movsx edx, bh",
     "bb 81 80 fe ff 0f b6 c3 0f bf cb 0f be d7 f4",
     {{0}},
     {HLT_AT(14), R(R_EAX, 0x81), R(R_ECX, 0xffff8081), R(R_EDX, 0xffffff80)}},
    {"mov eax, 0x8000; cwde; mov ebx, eax; mov eax, 0x80; cbw; cwd; cdq",
     "b8 00 80 00 00 98 89 c3 b8 80 00 00 00 66 98 66 99 99 f4",
     {{0}},
     {HLT_AT(18), R(R_EAX, 0xff80), R(R_EBX, 0xffff8000), R(R_EDX, 0)}},
    {"xchg [esp], eax; pop ebx; push 0x1234; pop word ptr [esp-2]",
     "87 04 24 5b 68 34 12 00 00 66 8f 44 24 fe f4",
     {M32(S, 0xdeadbeef)},
     {HLT_AT(14), R(R_EAX, 0xdeadbeef), R(R_EBX, 0xa0a0a0a0), R(R_ESP, S + 2), M16(S, 0x1234)}},
    {"mov ax, 0x33; mov gs, ax; mov eax, gs:[4]",
     "66 b8 33 00 8e e8 65 a1 04 00 00 00 f4",
     {M32(DATA + 0x2004, 0xcafef00d)},
     {HLT_AT(12), R(R_EAX, 0xcafef00d), {W_GS, 0, 0x33}}},
    {"mov ax, 0x3b; mov gs, ax (empty TLS slot)",
     "66 b8 3b 00 8e e8 f4",
     {{0}},
     {EIP(CODE + 4), SIG(0x800b), {W_GS, 0, 0}}},
    {"lea eax, [ebx+ecx*4+0x10]; lea si, [eax+1]",
     "8d 44 8b 10 66 8d 70 01 f4",
     {R(R_EBX, 0x1000), R(R_ECX, 0x10)},
     {HLT_AT(8), R(R_EAX, 0x1050), R(R_ESI, 0x5e5e1051)}},
    {"int 0x80", "cd 80", {{0}}, {EIP(CODE + 2), {W_KIND, 0, IR_EXIT_SYSCALL}}},
    {"int3", "cc", {{0}}, {EIP(CODE + 1), SIG(0x8005)}},
    {"int 0x81", "cd 81", {{0}}, {EIP(CODE), SIG(0x800b)}},
    {"ud2", "0f 0b", {{0}}, {EIP(CODE), SIG(0x204)}},
    {"nop; movaps xmm0, xmm1 (unsupported)", "90 0f 28 c1", {{0}}, {EIP(CODE + 1), SIG(0x204)}},
    {"nop; undecodable", "90 0f 04", {{0}}, {EIP(CODE + 1), SIG(0x204)}},
    {"pop gs (bad selector: precise)",
     "0f a9 f4",
     {M32(S, 0x1b)},
     {EIP(CODE), SIG(0x800b), R(R_ESP, S)}},
    {"xlatb",
     "d7 f4",
     {R(R_EBX, DATA), R(R_EAX, 0x12345605), M32(DATA + 4, 0x7700)},
     {HLT_AT(1), R(R_EAX, 0x12345677)}},
    {"mov ecx, 0; jecxz .+0x30", "b9 00 00 00 00 e3 2e f4", {{0}}, {EIP(CODE + 0x35)}},
    {"pop dword ptr [esp]",
     "8f 04 24 f4",
     {M32(S, 0x42)},
     {HLT_AT(3), R(R_ESP, S + 4), M32(S + 4, 0x42)}},
    {"push esp; pop eax", "54 58 f4", {{0}}, {HLT_AT(2), R(R_EAX, S), R(R_ESP, S)}},
    {"mov ax, ds; mov ds, ax; mov es, eax; mov bx, ss; mov fs, bx",
     "66 8c d8 8e d8 8e c0 66 8c d3 8e e3 f4",
     {{0}},
     {HLT_AT(12), R(R_EAX, 0xa0a0002b), {W_FS, 0, 0x2b}}},
    {"cpuid leaf 0",
     "0f a2 f4",
     {R(R_EAX, 0)},
     {HLT_AT(2), R(R_EAX, 1), R(R_EBX, 0x756e6547), R(R_EDX, 0x49656e69), R(R_ECX, 0x6c65746e)}},
    {"fetch from an unmapped page",
     NULL,
     {{0}},
     {EIP(0x09000000), SIG(0x10b), {W_FAULT, 0, 0x09000000}}},
};

static int failures;

static void load_hex(uint32_t at, const char *hex) {
    uint8_t *p = g2h(at);
    unsigned v;
    int n;
    while (sscanf(hex, " %2x%n", &v, &n) == 1) {
        *p++ = (uint8_t)v;
        hex += n;
    }
}

static uint32_t item_value(const CPUState *env, const Item *it) {
    switch (it->what) {
    case W_EIP:
        return env->eip;
    case W_INFO:
        return env->exit_info;
    case W_MEM32:
        return *(uint32_t *)g2h(it->addr);
    case W_MEM16:
        return *(uint16_t *)g2h(it->addr);
    case W_GS:
        return env->seg[SEG_GS];
    case W_FS:
        return env->seg[SEG_FS];
    case W_FAULT:
        return env->fault_addr;
    default:
        return env->regs[it->what - W_REG0];
    }
}

static void run_case(const Case *c, bool optimize) {
    memset(g2h(CODE), 0, GUEST_PAGE);
    memset(g2h(DATA), 0, 0x10000);
    uint32_t start = c->hex ? CODE : 0x09000000u;
    if (c->hex) load_hex(CODE, c->hex);
    CPUState env;
    memset(&env, 0, sizeof env);
    static const uint32_t regs0[8] = {0xa0a0a0a0, 0xc1c1c1c1, 0xd2d2d2d2, 0xb3b3b3b3,
                                      S,          B,          0x5e5e5e5e, 0xd7d7d7d7};
    memcpy(env.regs, regs0, sizeof regs0);
    env.eflags = EF_BIT1 | EF_IF;
    env.cc_op = CC_EFLAGS;
    env.seg[SEG_CS] = 0x23;
    env.seg[SEG_DS] = env.seg[SEG_ES] = env.seg[SEG_SS] = 0x2b;
    env.tls[0].base = DATA + 0x2000;
    env.tls[0].limit = 0xfffff;
    env.tls[0].flags = 0x51;
    env.tls[0].present = 1;
    env.fp_cw = 0x37f;
    env.fp_tag = 0xffff;
    for (int i = 0; i < 4 && c->init[i].what != W_NONE; i++) {
        const Item *it = &c->init[i];
        if (it->what == W_MEM32)
            *(uint32_t *)g2h(it->addr) = it->val;
        else
            env.regs[it->what - W_REG0] = it->val;
    }
    uint32_t word = 0;
    env.eip = start;
    for (int n = 0; n < 16; n++) {
        IrBlock *b = fe_translate(env.eip, 0, NULL);
        if (optimize) ir_optimize(b);
        BeInterpBlock *ib = be_interp_prepare(b);
        ir_block_free(b);
        word = be_interp_run(&env, ib);
        be_interp_free(ib);
        if (BE_EXIT_KIND(word) != IR_EXIT_JUMP || env.eip < CODE || env.eip >= CODE + 0x20) break;
    }
    for (int i = 0; i < 8; i++) {
        const Item *it = &c->want[i];
        if (it->what == W_NONE) break;
        uint32_t got = it->what == W_KIND ? BE_EXIT_KIND(word) : item_value(&env, it);
        if (got != it->val) {
            failures++;
            fprintf(stderr, "FAIL [%s]%s: item %d (what %d): got %#x want %#x\n", c->text,
                    optimize ? " (optimized)" : "", i, it->what, got, it->val);
        }
    }
}

int main(void) {
    if (rt_mem_init() || fe_init()) return 2;
    int rw = PROT_READ | PROT_WRITE, fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    if (rt_mem_mmap(CODE, GUEST_PAGE, rw | PROT_EXEC, fl, -1, 0) != CODE ||
        rt_mem_mmap(DATA, 0x10000, rw, fl, -1, 0) != DATA) {
        fprintf(stderr, "cannot map guest memory\n");
        return 2;
    }
    unsigned n = sizeof cases / sizeof cases[0];
    for (unsigned i = 0; i < n; i++) {
        run_case(&cases[i], false);
        run_case(&cases[i], true);
    }
    printf("fe_lift_test: %u cases x 2, %d failures\n", n, failures);
    return failures ? 1 : 0;
}
