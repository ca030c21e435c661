/* x87 control state: fnstsw, fnstcw/fldcw, fnstenv/fldenv, fnsave/frstor
 * (helpers of frontend/h_x87.def).
 *
 * The images use the 32-bit protected-mode layout (28-byte environment,
 * then st(0)..st(7) as 10-byte values for fnsave). As current Intel and AMD
 * CPUs do, the stored FCS/FDS/opcode are 0 and the reserved upper halves of
 * the first words are 0xffff; xrun does not track the last instruction and
 * operand pointers, so FIP and FDP are stored as 0.
 */
#include "frontend/h_x87.h"
#include "frontend/h_x87_fast.h"

#include <stdbool.h>
#include <string.h>

#include "runtime/mem.h"

#define FSW_EXC 0x003fu
#define FSW_TOP 0x3800u
#define FSW_B 0x8000u

/* The control word as the hardware keeps it: bit 6 reads as 1, bits 7 and
 * 13..15 as 0. */
static uint16_t cw_canon(uint16_t cw) { return (uint16_t)((cw & 0x1f3fu) | 0x0040u); }

uint16_t h_x87_fnstsw(CPUState *env)
{
    hx_fold(env);
    uint16_t sw = (uint16_t)((env->fp_sw & ~(FSW_TOP | FSW_B)) | ((env->fp_top & 7u) << 11));
    if (sw & FSW_ES)
        sw |= FSW_B;
    return sw;
}

/* Full tag class of a non-empty register: 0 valid, 1 zero, 2 special. */
static unsigned tag_class(const long double *v)
{
    uint64_t m;
    uint16_t se;
    memcpy(&m, v, 8);
    memcpy(&se, (const uint8_t *)v + 8, 2);
    unsigned e = se & 0x7fffu;
    if (e == 0)
        return m == 0 ? 1u : 2u;
    if (e == 0x7fffu || !(m >> 63))
        return 2u;
    return 0u;
}

static uint16_t full_tags(const CPUState *env)
{
    uint16_t t = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned tag = (env->fp_tag >> (2 * p)) & 3u;
        if (tag != 3u)
            tag = tag_class(&env->fpr[p]);
        t |= (uint16_t)(tag << (2 * p));
    }
    return t;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void store_env(CPUState *env, uint8_t *img)
{
    memset(img, 0, X87_ENV_SIZE);
    put32(img + 0, 0xffff0000u | env->fp_cw);
    put32(img + 4, 0xffff0000u | h_x87_fnstsw(env));
    put32(img + 8, 0xffff0000u | full_tags(env));
    put32(img + 24, 0xffff0000u); /* FDS = 0 */
}

static void load_env(CPUState *env, const uint8_t *img)
{
    env->fp_cw = cw_canon((uint16_t)get32(img + 0));
    uint16_t sw = (uint16_t)get32(img + 4);
    env->fp_top = (sw >> 11) & 7u;
    env->fp_sw = (uint16_t)(sw & ~(FSW_TOP | FSW_B));
    uint16_t tw = (uint16_t)get32(img + 8), t = 0;
    for (unsigned p = 0; p < 8; p++)
        if (((tw >> (2 * p)) & 3u) == 3u)
            t |= (uint16_t)(3u << (2 * p));
    env->fp_tag = t;
}

void h_x87_st_ctrl(CPUState *env, uint32_t addr, uint32_t what)
{
    hx_fold(env);
    uint8_t img[X87_SAVE_SIZE];
    uint16_t v;
    switch (what) {
    case X87C_CW:
        v = env->fp_cw;
        memcpy(g2h(addr), &v, 2);
        break;
    case X87C_SW:
        v = h_x87_fnstsw(env);
        memcpy(g2h(addr), &v, 2);
        break;
    case X87C_ENV:
        store_env(env, img);
        memcpy(g2h(addr), img, X87_ENV_SIZE);
        env->fp_cw |= FSW_EXC; /* fnstenv masks all exceptions afterwards */
        break;
    case X87C_SAVE:
        store_env(env, img);
        for (unsigned i = 0; i < 8; i++)
            memcpy(img + X87_ENV_SIZE + 10 * i, &env->fpr[(env->fp_top + i) & 7u], 10);
        memcpy(g2h(addr), img, X87_SAVE_SIZE);
        h_x87_reset(env);
        break;
    }
}

void h_x87_ld_ctrl(CPUState *env, uint32_t addr, uint32_t what)
{
    hx_fold(env);
    uint8_t img[X87_SAVE_SIZE];
    uint16_t v;
    switch (what) {
    case X87C_CW:
        memcpy(&v, g2h(addr), 2);
        env->fp_cw = cw_canon(v);
        break;
    case X87C_ENV:
        memcpy(img, g2h(addr), X87_ENV_SIZE);
        load_env(env, img);
        break;
    case X87C_SAVE:
        memcpy(img, g2h(addr), X87_SAVE_SIZE);
        load_env(env, img);
        for (unsigned i = 0; i < 8; i++)
            memcpy(&env->fpr[(env->fp_top + i) & 7u], img + X87_ENV_SIZE + 10 * i, 10);
        break;
    }
}
