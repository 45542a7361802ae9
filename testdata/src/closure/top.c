/* libtop.so: level 1 of the chain; no counter reads of its own. */
#include <stdint.h>
uint64_t cl_mid(void);
__attribute__((visibility("default"), noinline)) uint64_t cl_top(void) { return cl_mid(); }
