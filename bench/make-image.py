#!/usr/bin/env python3
"""Writes a large AArch64 ELF image for scan benchmarks (bench/native.sh): one R+X PT_LOAD
holding the executable bytes of a real library repeated up to SIZE bytes, and no section
headers, so every word is scanned. usage: make-image.py SOURCE.so SIZE_MIB OUT"""
import struct
import sys

src, mib, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(src, "rb").read()
e_phoff = struct.unpack_from("<Q", data, 0x20)[0]
e_phnum = struct.unpack_from("<H", data, 0x38)[0]
code = b""
for i in range(e_phnum):
    p_type, p_flags, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data, e_phoff + i * 56)
    if p_type == 1 and p_flags & 1:
        code += data[p_offset:p_offset + p_filesz]
if not code:
    sys.exit(f"make-image.py: {src} has no executable PT_LOAD")
size = mib << 20
header = 0x1000
with open(out, "wb") as f:
    ehdr = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0, b"\0" * 7,
                       3, 183, 1, header, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, 0, 0, size, size, 0x10000)
    f.write(ehdr + phdr + b"\0" * (header - len(ehdr) - len(phdr)))
    written = header
    while written < size:
        chunk = code[: size - written]
        f.write(chunk)
        written += len(chunk)
print(f"{out}: {mib} MiB, executable bytes of {src} repeated")
