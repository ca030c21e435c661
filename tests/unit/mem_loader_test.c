/* Unit test of the ELF loader (runtime/loader.c, elf_check.c, stack.c):
 * small ELF files written here are loaded (one per forked child, since a
 * process loads one program) and the guest image and initial stack are
 * checked: segment protections, file data and zeroed bss on both the
 * file-mapped and the copied path, ET_DYN placement, the interpreter found
 * under a sysroot, argv/envp/auxv layout and alignment, the brk base. */
#include "runtime/loader.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/mem.h"

#include "tests/unit/check.h"

static char tmpdir[] = "/tmp/xrun_loader_testXXXXXX";

/* ---- writing test ELF files --------------------------------------------- */

/* Two PT_LOADs: text (R+X, file-mapped) at vaddr `base`, data (RW) whose
 * offset is not congruent to its address (copied) with a bss tail; then
 * PT_GNU_STACK and optionally PT_INTERP. */
static void write_elf(const char *path, int type, uint32_t base, const char *interp) {
    static uint8_t file[0x3000];
    memset(file, 0, sizeof file);
    Elf32_Ehdr *eh = (Elf32_Ehdr *)file;
    Elf32_Phdr *ph = (Elf32_Phdr *)(file + sizeof *eh);
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS32;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = (Elf32_Half)type;
    eh->e_machine = EM_386;
    eh->e_version = EV_CURRENT;
    eh->e_entry = base + 0x100;
    eh->e_phoff = sizeof *eh;
    eh->e_ehsize = sizeof *eh;
    eh->e_phentsize = sizeof *ph;
    eh->e_phnum = interp ? 4 : 3;
    /* text: file [0, 0x1200) at base, bytes 0x11 from 0x100 */
    ph[0] = (Elf32_Phdr){PT_LOAD, 0, base, base, 0x1200, 0x1200, PF_R | PF_X, 0x1000};
    memset(file + 0x100, 0x11, 0x1100);
    /* data: file [0x2010, 0x2110) at base+0x3020 (not congruent), memsz 0x2000 */
    ph[1] = (Elf32_Phdr){PT_LOAD, 0x2010, base + 0x3020, base + 0x3020,
                         0x100,   0x2000, PF_R | PF_W,   0x1000};
    memset(file + 0x2010, 0x22, 0x100);
    memset(file + 0x2110, 0x33, 0x100); /* after the data: must not show up in bss */
    ph[2] = (Elf32_Phdr){PT_GNU_STACK, 0, 0, 0, 0, 0, PF_R | PF_W, 16};
    size_t size = 0x2300;
    if (interp) {
        size_t n = strlen(interp) + 1;
        memcpy(file + 0x2300, interp, n);
        ph[3] = (Elf32_Phdr){PT_INTERP, 0x2300, 0, 0, (uint32_t)n, (uint32_t)n, PF_R, 1};
        size += n;
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(file, 1, size, f) != size || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* ---- reading the guest ---------------------------------------------------- */

static uint32_t rd(uint32_t a) {
    return *(uint32_t *)g2h(a);
}

static uint32_t aux(uint32_t sp, uint32_t type) {
    uint32_t p = sp + 4 + 4 * (rd(sp) + 1);
    while (rd(p))
        p += 4;
    for (p += 4; rd(p) != AT_NULL; p += 8)
        if (rd(p) == type) return rd(p + 4);
    return 0xdeadbeef;
}

/* The image written by write_elf, loaded at bias. */
static void check_image(uint32_t base) {
    CHECK(rt_mem_prot(base) == (PROT_READ | PROT_EXEC));
    CHECK(rt_mem_prot(base + 0x1fff) == (PROT_READ | PROT_EXEC));
    CHECK(((uint8_t *)g2h(base))[0x100] == 0x11 && ((uint8_t *)g2h(base))[0x11ff] == 0x11);
    CHECK(((uint8_t *)g2h(base))[0x1200] == 0); /* file bytes after filesz in the last page */
    CHECK(rt_mem_prot(base + 0x2000) == 0);     /* the gap between the segments */
    CHECK(rt_mem_prot(base + 0x3000) == (PROT_READ | PROT_WRITE));
    CHECK(rt_mem_prot(base + 0x5fff) == (PROT_READ | PROT_WRITE)); /* memsz ends at 0x5020 */
    CHECK(rt_mem_prot(base + 0x6000) == 0);
    const uint8_t *d = g2h(base + 0x3020);
    CHECK(d[0] == 0x22 && d[0xff] == 0x22 && d[0x100] == 0 && d[0x1fdf] == 0);
    CHECK(((uint8_t *)g2h(base + 0x3000))[0] == 0);
}

static void check_stack(const LoadInfo *li, uint32_t phdr, uint32_t base) {
    uint32_t sp = li->sp;
    CHECK((sp & 15) == 0);
    CHECK(sp < GUEST_STACK_TOP && sp > GUEST_STACK_TOP - GUEST_STACK_SIZE);
    CHECK(rd(sp) == 2);
    CHECK(!strcmp(g2h(rd(sp + 4)), "prog") && !strcmp(g2h(rd(sp + 8)), "arg 1"));
    CHECK(rd(sp + 12) == 0);
    CHECK(!strcmp(g2h(rd(sp + 16)), "A=1") && !strcmp(g2h(rd(sp + 20)), "B=") && rd(sp + 24) == 0);
    CHECK(aux(sp, AT_PAGESZ) == 4096 && aux(sp, AT_PHENT) == 32);
    CHECK(aux(sp, AT_PHDR) == phdr);
    CHECK(aux(sp, AT_ENTRY) == li->prog_entry && li->prog_entry == base + 0x100);
    CHECK(aux(sp, AT_UID) == getuid() && aux(sp, AT_EGID) == getegid());
    CHECK(aux(sp, AT_SECURE) == 0 && aux(sp, AT_FLAGS) == 0 && aux(sp, AT_CLKTCK) == 100);
    CHECK(aux(sp, AT_SYSINFO_EHDR) == 0xdeadbeef);
    uint32_t r = aux(sp, AT_RANDOM);
    CHECK(rt_mem_range_ok(r, 16, PROT_READ) && r > sp);
    CHECK(!strcmp(g2h(aux(sp, AT_PLATFORM)), "i686"));
    const char *fn = g2h(aux(sp, AT_EXECFN));
    CHECK(strstr(fn, "/prog") != NULL && rd(GUEST_STACK_TOP - 8) == 0);
    CHECK(aux(sp, AT_EXECFN) + strlen(fn) + 1 == GUEST_STACK_TOP - 8);
    CHECK(rt_mem_prot(sp) == (PROT_READ | PROT_WRITE));
}

/* ---- scenarios (each in a child) ----------------------------------------- */

static char *test_argv[] = {"prog", "arg 1", NULL};
static char *test_envp[] = {"A=1", "B=", NULL};

static void scenario_exec(void) {
    char p[256];
    snprintf(p, sizeof p, "%s/prog", tmpdir);
    write_elf(p, ET_EXEC, 0x08048000, NULL);
    LoadInfo li;
    CHECK(rt_load(p, "/", 2, test_argv, test_envp, &li) == 0);
    check_image(0x08048000);
    check_stack(&li, 0x08048034, 0x08048000);
    CHECK(li.entry == 0x08048100 && aux(li.sp, AT_BASE) == 0);
    CHECK(li.brk == 0x0804e000 && rt_mem_brk(0) == 0x0804e000);
    CHECK(!strcmp(rt_exe_path, p));
}

static void scenario_pie_interp(void) {
    char p[256], sysroot[256], ip[256];
    snprintf(sysroot, sizeof sysroot, "%s/root", tmpdir);
    snprintf(ip, sizeof ip, "%s/root/lib", tmpdir);
    mkdir(sysroot, 0755);
    mkdir(ip, 0755);
    snprintf(ip, sizeof ip, "%s/root/lib/ld-test.so", tmpdir);
    write_elf(ip, ET_DYN, 0, NULL);
    snprintf(p, sizeof p, "%s/prog", tmpdir);
    write_elf(p, ET_DYN, 0, "/lib/ld-test.so");
    LoadInfo li;
    CHECK(rt_load(p, sysroot, 2, test_argv, test_envp, &li) == 0);
    check_image(0x56555000);
    check_stack(&li, 0x56555034, 0x56555000);
    uint32_t ib = aux(li.sp, AT_BASE);
    CHECK(ib == GUEST_MMAP_TOP - 0x6000);
    check_image(ib);
    CHECK(li.entry == ib + 0x100);
    CHECK(li.brk == 0x5655b000);
}

static void scenario_errors(void) {
    char p[256];
    snprintf(p, sizeof p, "%s/prog", tmpdir);
    write_elf(p, ET_EXEC, 0x08048000, "/lib/ld-test.so");
    LoadInfo li;
    /* Missing interpreter (the sysroot has none): 127, message printed. */
    CHECK(rt_load(p, tmpdir, 1, test_argv, test_envp, &li) == RT_EXIT_NOTFOUND);
}

static void scenario_missing(void) {
    LoadInfo li;
    CHECK(rt_load("/nonexistent/prog", "/", 1, test_argv, test_envp, &li) == RT_EXIT_NOTFOUND);
    CHECK(rt_load("/", "/", 1, test_argv, test_envp, &li) == RT_EXIT_BADELF);
    CHECK(rt_is_i386_elf("/proc/self/exe") == 0);
}

static void run(const char *name, void (*fn)(void)) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        npass = nfail = 0;
        if (rt_mem_init() != 0) _exit(99);
        fn();
        printf("  %s: %d passed, %d failed\n", name, npass, nfail);
        fflush(stdout);
        _exit(nfail ? 1 : 0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        npass++;
    else {
        nfail++;
        fprintf(stderr, "scenario %s failed (status 0x%x)\n", name, st);
    }
}

int main(void) {
    if (!mkdtemp(tmpdir)) return 1;
    run("exec", scenario_exec);
    run("pie_interp", scenario_pie_interp);
    run("errors", scenario_errors);
    run("missing", scenario_missing);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    printf("mem_loader_test: %d scenarios passed, %d failed\n", npass, nfail);
    return nfail != 0;
}
