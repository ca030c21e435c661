/* The unit tests' shared check counter: CHECK(c) counts a pass or prints
 * the failing expression with its place; main reports npass/nfail. */
#ifndef XRUN_TESTS_UNIT_CHECK_H_
#define XRUN_TESTS_UNIT_CHECK_H_

#include <stdio.h>

static int npass, nfail;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (c)                                                                                     \
            npass++;                                                                               \
        else {                                                                                     \
            nfail++;                                                                               \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #c);                        \
        }                                                                                          \
    } while (0)

#endif
