package dev.a64patch.core.cfi;

/**
 * A Common Information Entry of {@code .eh_frame}.
 *
 * @param vaddr address of the entry's length field
 * @param fdeEncoding pointer encoding of its FDEs' pc_begin/pc_range (augmentation 'R')
 * @param lsdaEncoding encoding of the FDEs' LSDA pointer ('L'), or {@link Dwarf#PE_OMIT}
 * @param signalFrame augmentation 'S': the FDEs describe frames interrupted at the exact pc
 * @param bKey augmentation 'B': return addresses are signed with the PAC B key
 * @param initialInstructions the call-frame program every FDE of this CIE starts from
 */
public record Cie(
    long vaddr,
    int version,
    String augmentation,
    long codeAlign,
    long dataAlign,
    int raColumn,
    int fdeEncoding,
    int lsdaEncoding,
    boolean signalFrame,
    boolean bKey,
    byte[] initialInstructions) {}
