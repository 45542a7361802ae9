/* libmid.so: level 2 of the chain; no counter reads of its own. */
#include <stdint.h>
uint64_t cl_tick(void);
__attribute__((visibility("default"), noinline)) uint64_t cl_mid(void) { return cl_tick(); }
