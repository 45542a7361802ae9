// exceptions: C++ exceptions thrown through functions that read the counter.
// reader() reads CNTVCT_EL0 before and after calling thrower(), which throws;
// main catches. Prints "caught 3" and exits 0 when every throw propagated
// through reader's frame to main; a broken unwind table ends in std::terminate
// (abort, exit 134 under qemu).
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include "sysreg.h"

extern "C" __attribute__((noinline)) void thrower(uint64_t v)
{
    if (v != 0)
        throw std::runtime_error("counter read");
}

extern "C" __attribute__((noinline)) uint64_t reader(void)
{
    uint64_t a, b;
    READ_SYSREG(a, R_CNTVCT);
    thrower(a | 1);
    READ_SYSREG(b, R_CNTVCT);
    return b - a;
}

int main()
{
    int caught = 0;
    for (int i = 0; i < 3; i++) {
        try {
            reader();
        } catch (const std::runtime_error &) {
            caught++;
        }
    }
    std::printf("caught %d\n", caught);
    return caught == 3 ? 0 : 1;
}
