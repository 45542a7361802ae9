# Toolchain file: cross-compile for AArch64 Linux with Debian's gcc-aarch64-linux-gnu.
#   cmake -S . -B /tmp/build -DCMAKE_TOOLCHAIN_FILE=$PWD/aarch64-linux-gnu.cmake
# Run the results with: qemu-aarch64 -L /usr/aarch64-linux-gnu /tmp/build/cntapp
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)

# Debian's cross sysroot (libc6-dev-arm64-cross)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# try_run / check_*_runs can execute AArch64 programs through qemu-user
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)
