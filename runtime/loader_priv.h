/* ELF loader internals shared by runtime/elf_check.c, runtime/loader.c and
 * runtime/stack.c (not used outside the loader). */
#ifndef XRUN_RUNTIME_LOADER_PRIV_H_
#define XRUN_RUNTIME_LOADER_PRIV_H_

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An opened ELF file (the program or its interpreter). After ld_check
 * succeeds every field is validated: the program headers lie inside the
 * file, the PT_LOAD segments are sorted, disjoint, inside the 32-bit space
 * and their file data inside the file. */
typedef struct Image {
    const char *prog;   /* program path as given: prefix of every message */
    const char *interp; /* interpreter path (resolved) or NULL for the program */
    int fd;
    uint64_t size; /* file size */
    Elf32_Ehdr eh;
    Elf32_Phdr *ph;  /* eh.e_phnum entries */
    uint32_t lo, hi; /* page-aligned span of the PT_LOAD segments (unbiased) */
    int interp_ph;   /* index of PT_INTERP, or -1 */
    int phdr_ph;     /* index of PT_PHDR, or -1 */
    int stack_ph;    /* index of PT_GNU_STACK, or -1 */
    uint32_t bias;   /* load bias once mapped */
} Image;

/* Print "xrun: PROG: [ELF interpreter X: ]reason" and return status. */
int ld_fail(const Image *im, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Read exactly n bytes at off; 0 or -1. */
int ld_read(int fd, uint64_t off, void *buf, size_t n);
/* Validate the opened file (im->fd, im->size set). 0 or an exit status. */
int ld_check(Image *im);
/* Name of an ELF machine number ("ARM", "machine 1234" in buf otherwise). */
const char *ld_machine_name(unsigned em, char *buf, unsigned len);

/* What the initial stack needs to know about the loaded images. */
typedef struct StackInfo {
    uint32_t phdr, phnum, entry, base;
    bool exec_stack;
} StackInfo;

/* Map the stack and lay out argc, argv, envp and auxv like Linux.
 * Returns the initial esp, or 0 after printing a message. */
uint32_t ld_build_stack(const char *prog, int argc, char **argv, char **envp, const StackInfo *si);

#endif
