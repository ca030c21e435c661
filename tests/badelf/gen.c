/* Malformed-ELF generator (host program): `gen DIR` writes one file per case
 * into DIR. tests/badelf/expect.txt lists, per case, the exit status xrun
 * must give and a substring of its one-line message:
 *
 *     NAME<TAB>STATUS<TAB>SUBSTRING
 *
 * Each case breaks one rule of the ELF specification or of the Linux ELF
 * loader (fs/binfmt_elf.c), starting from a small valid i386 program that
 * exits with status 42 (written too, as control_exit42, not in expect.txt).
 * The files are made executable so they can also be tried natively. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* realpath */
#endif
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BASE 0x08048000u
#define MAXPH 4

/* A small ELF32 file: header, program headers, payload. */
typedef struct File {
    Elf32_Ehdr eh;
    Elf32_Phdr ph[MAXPH];
    unsigned nph;
    unsigned char tail[4200]; /* code and strings, after the program headers */
    unsigned ntail;
} File;

static const char *dir;
static int failures;

static void write_raw(const char *name, const void *data, size_t n) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
        fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
        failures++;
        return;
    }
    chmod(path, 0755);
}

static unsigned tail_off(const File *f) {
    return sizeof(Elf32_Ehdr) + f->nph * sizeof(Elf32_Phdr);
}

/* The valid program: one R+X PT_LOAD of the whole file; exit(42). */
static File base(void) {
    static const unsigned char code[] = {
        0xb8, 0x01, 0x00, 0x00, 0x00, /* mov eax, 1 (exit) */
        0xbb, 0x2a, 0x00, 0x00, 0x00, /* mov ebx, 42 */
        0xcd, 0x80,                   /* int 0x80 */
    };
    File f;
    memset(&f, 0, sizeof f);
    memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
    f.eh.e_ident[EI_CLASS] = ELFCLASS32;
    f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    f.eh.e_ident[EI_VERSION] = EV_CURRENT;
    f.eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
    f.eh.e_type = ET_EXEC;
    f.eh.e_machine = EM_386;
    f.eh.e_version = EV_CURRENT;
    f.eh.e_phoff = sizeof(Elf32_Ehdr);
    f.eh.e_ehsize = sizeof(Elf32_Ehdr);
    f.eh.e_phentsize = sizeof(Elf32_Phdr);
    f.nph = 1;
    memcpy(f.tail, code, sizeof code);
    f.ntail = sizeof code;
    return f;
}

/* Fill the fields that depend on the layout (unless the case set them). */
static void finish(File *f) {
    f->eh.e_phnum = (Elf32_Half)f->nph;
    unsigned size = tail_off(f) + f->ntail;
    f->eh.e_entry = BASE + tail_off(f);
    Elf32_Phdr *ph = &f->ph[0];
    if (ph->p_type == PT_NULL && f->nph >= 1) {
        ph->p_type = PT_LOAD;
        ph->p_offset = 0;
        ph->p_vaddr = ph->p_paddr = BASE;
        ph->p_filesz = ph->p_memsz = size;
        ph->p_flags = PF_R | PF_X;
        ph->p_align = 0x1000;
    }
}

static void emit(const char *name, const File *f) {
    unsigned char buf[sizeof(File) + 64];
    unsigned n = 0;
    memcpy(buf, &f->eh, sizeof f->eh);
    n += sizeof f->eh;
    memcpy(buf + n, f->ph, f->nph * sizeof(Elf32_Phdr));
    n += f->nph * sizeof(Elf32_Phdr);
    memcpy(buf + n, f->tail, f->ntail);
    n += f->ntail;
    write_raw(name, buf, n);
}

/* A file with a PT_INTERP holding `s` (n bytes, no NUL added). */
static void emit_interp(const char *name, const char *s, unsigned n) {
    File f = base();
    if (n > sizeof f.tail - f.ntail) n = (unsigned)(sizeof f.tail - f.ntail);
    f.nph = 2;
    unsigned code = f.ntail;
    memcpy(f.tail + code, s, n);
    f.ntail += n;
    finish(&f);
    f.ph[1] = (Elf32_Phdr){.p_type = PT_INTERP,
                           .p_offset = tail_off(&f) + code,
                           .p_vaddr = BASE + tail_off(&f) + code,
                           .p_filesz = n,
                           .p_memsz = n,
                           .p_flags = PF_R,
                           .p_align = 1};
    emit(name, &f);
}

/* ELF64 header bytes for a machine (little-endian). */
static void emit_elf64(const char *name, unsigned machine) {
    Elf64_Ehdr e;
    memset(&e, 0, sizeof e);
    memcpy(e.e_ident, ELFMAG, SELFMAG);
    e.e_ident[EI_CLASS] = ELFCLASS64;
    e.e_ident[EI_DATA] = ELFDATA2LSB;
    e.e_ident[EI_VERSION] = EV_CURRENT;
    e.e_type = ET_EXEC;
    e.e_machine = (Elf64_Half)machine;
    e.e_version = EV_CURRENT;
    e.e_entry = 0x401000;
    e.e_phoff = sizeof e;
    e.e_ehsize = sizeof e;
    e.e_phentsize = sizeof(Elf64_Phdr);
    e.e_phnum = 0;
    write_raw(name, &e, sizeof e);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    mkdir(dir, 0755);
    File f;

    /* The control: valid, exits 42. */
    f = base();
    finish(&f);
    emit("control_exit42", &f);

    /* Not ELF at all. */
    write_raw("text_file", "just some text\n", 15);
    write_raw("empty_file", "", 0);
    write_raw("script", "#!/bin/sh\nexit 0\n", 17);
    write_raw("magic_only", ELFMAG, SELFMAG);

    /* Header damage. */
    f = base();
    finish(&f);
    {
        unsigned char buf[sizeof f.eh];
        memcpy(buf, &f.eh, sizeof buf);
        write_raw("truncated_header", buf, 30);
    }
    f = base();
    finish(&f);
    f.eh.e_ident[EI_CLASS] = 7;
    emit("bad_class", &f);
    f = base();
    finish(&f);
    f.eh.e_ident[EI_DATA] = 9;
    emit("bad_data_encoding", &f);
    f = base();
    finish(&f);
    f.eh.e_ident[EI_VERSION] = 2;
    emit("bad_ident_version", &f);
    f = base();
    finish(&f);
    f.eh.e_version = 5;
    emit("bad_version", &f);

    /* Other machines and classes. */
    emit_elf64("elf64_x86_64", EM_X86_64);
    emit_elf64("elf64_aarch64", EM_AARCH64);
    emit_elf64("elf64_riscv", EM_RISCV);
    f = base();
    finish(&f);
    f.eh.e_machine = EM_ARM;
    emit("elf32_arm", &f);
    f = base();
    finish(&f);
    f.eh.e_machine = EM_MIPS;
    emit("elf32_mips", &f);
    {
        /* Big-endian PowerPC: the machine field stored big-endian. */
        f = base();
        finish(&f);
        f.eh.e_ident[EI_DATA] = ELFDATA2MSB;
        f.eh.e_machine = (Elf32_Half)(EM_PPC << 8);
        emit("big_endian_ppc", &f);
    }

    /* Not an executable. */
    f = base();
    finish(&f);
    f.eh.e_type = ET_REL;
    emit("et_rel", &f);
    f = base();
    finish(&f);
    f.eh.e_type = ET_CORE;
    emit("et_core", &f);

    /* Program header table. */
    f = base();
    finish(&f);
    f.eh.e_phentsize = 40;
    emit("bad_phentsize", &f);
    f = base();
    finish(&f);
    f.eh.e_phnum = 0;
    emit("no_phdrs", &f);
    f = base();
    finish(&f);
    f.eh.e_phoff = 0x100000;
    emit("phoff_beyond_eof", &f);
    f = base();
    finish(&f);
    f.eh.e_phoff = 0xffffffe0u; /* offset + size wraps in 32 bits */
    emit("phoff_wraps", &f);
    f = base();
    finish(&f);
    f.eh.e_phnum = 0xffff;
    emit("phnum_huge", &f);
    f = base();
    finish(&f);
    f.eh.e_phnum = 3; /* the table runs past the end of the file */
    emit("phnum_past_eof", &f);

    /* Segments. */
    f = base();
    finish(&f);
    f.ph[0].p_filesz = f.ph[0].p_memsz + 0x1000;
    emit("filesz_gt_memsz", &f);
    f = base();
    finish(&f);
    f.ph[0].p_filesz = f.ph[0].p_memsz = 0x100000;
    emit("segment_beyond_file", &f);
    f = base();
    finish(&f);
    f.ph[0].p_offset = 0xfffff000u;
    emit("segment_offset_wraps", &f);
    f = base();
    finish(&f);
    f.ph[0].p_vaddr = 0xfffff000u;
    f.ph[0].p_memsz = 0x2000;
    emit("segment_beyond_4g", &f);
    f = base();
    finish(&f);
    f.ph[0].p_vaddr = 0x1000;
    emit("segment_at_low_address", &f);
    f = base();
    f.nph = 2;
    finish(&f);
    f.ph[1] = f.ph[0];
    f.ph[1].p_vaddr += 0x10;
    emit("segments_overlap", &f);
    f = base();
    f.nph = 2;
    finish(&f);
    f.ph[1] = f.ph[0];
    f.ph[1].p_vaddr -= 0x10000;
    emit("segments_unsorted", &f);
    f = base();
    finish(&f);
    f.ph[0].p_type = PT_NOTE;
    emit("no_load_segments", &f);

    /* PT_INTERP. */
    static const char missing[] = "/nonexistent/ld-xrun-test.so.1";
    emit_interp("interp_missing", missing, sizeof missing);
    emit_interp("interp_not_nul_terminated", missing, sizeof missing - 1);
    {
        f = base();
        f.nph = 2;
        finish(&f);
        f.ph[1] = (Elf32_Phdr){.p_type = PT_INTERP,
                               .p_offset = tail_off(&f),
                               .p_filesz = 0x100000,
                               .p_memsz = 0x100000,
                               .p_flags = PF_R,
                               .p_align = 1};
        emit("interp_huge", &f);
    }
    {
        f = base();
        f.nph = 2;
        finish(&f);
        f.ph[1] = (Elf32_Phdr){.p_type = PT_INTERP,
                               .p_offset = 0x10000,
                               .p_filesz = 20,
                               .p_memsz = 20,
                               .p_flags = PF_R,
                               .p_align = 1};
        emit("interp_beyond_eof", &f);
    }
    /* The interpreter exists but is not an i386 ELF (a text file). */
    {
        char ipath[4096];
        snprintf(ipath, sizeof ipath, "%s/text_file", dir);
        char abs[4096];
        if (!realpath(ipath, abs)) snprintf(abs, sizeof abs, "%s", ipath);
        emit_interp("interp_not_elf", abs, (unsigned)strlen(abs) + 1);
    }
    return failures ? 1 : 0;
}
