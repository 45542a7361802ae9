#ifndef CNTLIB_H
#define CNTLIB_H
#include <stdint.h>

#define CNTLIB_API __attribute__((visibility("default")))

/* One CNTVCT_EL0 read (Rt = x0). */
CNTLIB_API uint64_t cntlib_ticks(void);
/* Two CNTVCT_EL0 reads (Rt = x4, x5); returns the second minus the first. */
CNTLIB_API uint64_t cntlib_elapsed(void);

#endif
