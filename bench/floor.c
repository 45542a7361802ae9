/*
 * The physical floor for scanning one file: map it, and test every 32-bit word of its
 * executable PT_LOAD segments for an MRS of a counter register (the same eight registers
 * a64patch looks for). No symbols, no attribution, no report: a count. a64patch's scan must
 * stay within a small factor of this program on the same file (docs/performance.md).
 *
 * usage: floor FILE...     prints "FILE reads" per file; exit 1 on a file it cannot map.
 * Build: cc -O2 -o floor bench/floor.c   (bench/native.sh does it)
 */
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* MRS Xt, <reg> with Rt = 0; the low five bits are the register number. */
static const uint32_t READS[] = {
    0xD53BE040, /* CNTVCT_EL0 */   0xD53BE0C0, /* CNTVCTSS_EL0 */
    0xD53BE020, /* CNTPCT_EL0 */   0xD53BE0A0, /* CNTPCTSS_EL0 */
    0xD53BE000, /* CNTFRQ_EL0 */   0xD53B2400, /* RNDR */
    0xD53B2420, /* RNDRRS */       0xD53B9D00, /* PMCCNTR_EL0 */
};

static long scan(const uint8_t *p, size_t n) {
  long hits = 0;
  const uint32_t *w = (const uint32_t *)p;
  for (size_t i = 0; i < n / 4; i++) {
    if ((w[i] >> 16) != 0xD53B) continue; /* every register above shares this prefix */
    uint32_t k = w[i] & 0xFFFFFFE0u;
    for (size_t r = 0; r < sizeof READS / sizeof READS[0]; r++) hits += (k == READS[r]);
  }
  return hits;
}

static int one(const char *path) {
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
    fprintf(stderr, "floor: %s: cannot open or too small\n", path);
    return 1;
  }
  const uint8_t *m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED) {
    fprintf(stderr, "floor: %s: cannot map\n", path);
    return 1;
  }
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m;
  if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
      eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > (uint64_t)st.st_size) {
    fprintf(stderr, "floor: %s: not a 64-bit ELF file\n", path);
    munmap((void *)m, st.st_size);
    return 1;
  }
  const Elf64_Phdr *ph = (const Elf64_Phdr *)(m + eh->e_phoff);
  long hits = 0;
  for (int i = 0; i < eh->e_phnum; i++) {
    if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_X)) continue;
    if (ph[i].p_offset > (uint64_t)st.st_size) continue;
    uint64_t n = ph[i].p_filesz;
    if (n > (uint64_t)st.st_size - ph[i].p_offset) n = st.st_size - ph[i].p_offset;
    hits += scan(m + ph[i].p_offset, n);
  }
  printf("%s %ld\n", path, hits);
  munmap((void *)m, st.st_size);
  return 0;
}

int main(int argc, char **argv) {
  int bad = 0;
  for (int i = 1; i < argc; i++) bad |= one(argv[i]);
  return bad;
}
