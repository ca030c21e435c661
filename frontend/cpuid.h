/* What xrun's CPUID reports, shared with the loader's AT_HWCAP. */
#ifndef XRUN_FRONTEND_CPUID_H_
#define XRUN_FRONTEND_CPUID_H_

#include <stdint.h>

/* CPUID leaf 1 EDX: exactly the features xrun implements. AT_HWCAP is this
 * value, as on Linux i386. */
uint32_t fe_cpuid_features_edx(void);
/* Fill eax..edx for leaf/subleaf. */
void fe_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

#endif
