meta:
  id: elf_raw
  title: ELF object file, the parts a64patch reads
  file-extension: [so, o, elf]
  license: Apache-2.0
  ks-version: 0.10
  # Byte order is decided per file by e_ident[EI_DATA]; every multi-byte type below
  # inherits it from `endian_elf`.
doc: |
  Layout only: this spec says where bytes are and how wide they are. Validation of
  values against the file size, counts and cross references is done by the Java
  model (dev.a64patch.elf.ElfFile), which creates the structures below at offsets it
  has checked first, so a hostile header cannot make the parser read past the end of
  the file or allocate huge arrays. String tables (SHT_STRTAB) are plain NUL-terminated
  bytes and are read in place by the Java model, which reports a missing terminator.
doc-ref:
  - https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html
  - https://github.com/ARM-software/abi-aa/blob/main/aaelf64/aaelf64.rst
seq:
  - id: ident
    type: ident
  - id: header
    type: endian_elf
types:
  ident:
    doc: e_ident[0..15]; byte-order independent (gABI "ELF Identification").
    seq:
      - id: magic
        contents: [0x7f, "ELF"]
      - id: ei_class
        type: u1
        doc: 1 = ELFCLASS32, 2 = ELFCLASS64
      - id: ei_data
        type: u1
        doc: 1 = ELFDATA2LSB, 2 = ELFDATA2MSB
      - id: ei_version
        type: u1
      - id: ei_osabi
        type: u1
      - id: ei_abiversion
        type: u1
      - id: ei_pad
        size: 7
  endian_elf:
    meta:
      endian:
        switch-on: _root.ident.ei_data
        cases:
          1: le
          2: be
    seq:
      - id: e_type
        type: u2
      - id: e_machine
        type: u2
      - id: e_version
        type: u4
      - id: e_entry
        type: &word  # Elf32_Addr/Off (u4) or Elf64_Addr/Off/Xword (u8), by EI_CLASS
          switch-on: _root.ident.ei_class
          cases:
            1: u4
            2: u8
      - id: e_phoff
        type: *word
      - id: e_shoff
        type: *word
      - id: e_flags
        type: u4
      - id: e_ehsize
        type: u2
      - id: e_phentsize
        type: u2
      - id: e_phnum
        type: u2
      - id: e_shentsize
        type: u2
      - id: e_shnum
        type: u2
      - id: e_shstrndx
        type: u2
    types:
      program_header:
        doc: |
          Elf32_Phdr / Elf64_Phdr. The two classes order the fields differently:
          ELF64 puts p_flags second so that the 8-byte fields stay aligned.
        seq:
          - id: p_type
            type: u4
          - id: p_flags64
            type: u4
            if: _root.ident.ei_class == 2
          - id: p_offset
            type: *word
          - id: p_vaddr
            type: *word
          - id: p_paddr
            type: *word
          - id: p_filesz
            type: *word
          - id: p_memsz
            type: *word
          - id: p_flags32
            type: u4
            if: _root.ident.ei_class == 1
          - id: p_align
            type: *word
        instances:
          p_flags:
            value: '_root.ident.ei_class == 1 ? p_flags32 : p_flags64'
      section_header:
        doc: Elf32_Shdr / Elf64_Shdr (sh_flags, sh_addr, sh_offset, sh_size, sh_addralign, sh_entsize are class-sized).
        seq:
          - id: sh_name
            type: u4
          - id: sh_type
            type: u4
          - id: sh_flags
            type: *word
          - id: sh_addr
            type: *word
          - id: sh_offset
            type: *word
          - id: sh_size
            type: *word
          - id: sh_link
            type: u4
          - id: sh_info
            type: u4
          - id: sh_addralign
            type: *word
          - id: sh_entsize
            type: *word
      symbol:
        doc: |
          Elf32_Sym / Elf64_Sym. ELF32 keeps st_value and st_size right after st_name;
          ELF64 moves them to the end for alignment.
        seq:
          - id: st_name
            type: u4
          - id: st_value32
            type: u4
            if: _root.ident.ei_class == 1
          - id: st_size32
            type: u4
            if: _root.ident.ei_class == 1
          - id: st_info
            type: u1
          - id: st_other
            type: u1
          - id: st_shndx
            type: u2
          - id: st_value64
            type: u8
            if: _root.ident.ei_class == 2
          - id: st_size64
            type: u8
            if: _root.ident.ei_class == 2
        instances:
          st_value:
            value: '_root.ident.ei_class == 1 ? st_value32 : st_value64'
          st_size:
            value: '_root.ident.ei_class == 1 ? st_size32 : st_size64'
      dynamic_entry:
        doc: Elf32_Dyn / Elf64_Dyn; d_tag is signed in the gABI, read here as its raw bits.
        seq:
          - id: d_tag
            type: *word
          - id: d_val
            type: *word
      note_header:
        doc: |
          Elf_Nhdr. Three 4-byte words in both classes; name and descriptor follow,
          each padded to 4 bytes (gABI "Note Section").
        seq:
          - id: n_namesz
            type: u4
          - id: n_descsz
            type: u4
          - id: n_type
            type: u4
