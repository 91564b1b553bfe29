// Hot bit kernels of the optimized SMMUv3 engine: field extraction, VMSAv8-64 level arithmetic,
// output-address assembly, permission sets and circular-queue arithmetic [IHI0070 §3.4, §3.5.1,
// §5.2, §5.4; DDI0487 D8.2-D8.4].
//
// Every kernel is a template over the unsigned integer type `U` and uses only shifts, masks,
// &, |, ^, +, -, / and comparisons, never a branch on a `U` value, so that a proof can instantiate
// the same source with a symbolic bit-vector type (whose operators map to the unsigned bit-vector
// operations). Conditions are turned into all-ones/all-zeros masks with MaskIf.
// Tests: tests/impl/arch/kernels_test.cc
#pragma once

#include <cstdint>

namespace smmuref::impl::arch {

// All ones when `c` holds, else zero. A symbolic instantiation provides its own overload.
template <typename U>
constexpr U MaskIf(bool c) {
  return U(0) - U(c ? 1 : 0);
}

// Bits [n-1:0] set, for 0 <= n <= width of U. The shift is split in two halves so that n equal
// to the width does not shift by the width.
template <typename U>
constexpr U LowMask(U n) {
  const U half = n >> 1;
  return ((U(1) << half) << (n - half)) - U(1);
}

// word[msb:lsb], right-aligned.
template <typename U>
constexpr U ExtractBits(U word, U msb, U lsb) {
  return (word >> lsb) & LowMask<U>(msb - lsb + U(1));
}

// The lowest input-address bit resolved by a level-`level` lookup with granule 2^g: a level-3
// entry maps one granule, each level above multiplies by the 2^(g-3) entries of a table.
template <typename U>
constexpr U LevelShift(U level, U granule_shift) {
  return granule_shift + (U(3) - level) * (granule_shift - U(3));
}

// Stage-1 start level for an input of ia_bits bits: 4 - ceil((IA - g) / (g - 3)) [DDI0487 D8.2].
template <typename U>
constexpr U StartLevel(U ia_bits, U granule_shift) {
  const U stride = granule_shift - U(3);
  return U(4) - (ia_bits - granule_shift + stride - U(1)) / stride;
}

// Table index of `va` at `level`: the g-3 bits above LevelShift.
template <typename U>
constexpr U LevelIndex(U va, U level, U granule_shift) {
  return (va >> LevelShift<U>(level, granule_shift)) & LowMask<U>(granule_shift - U(3));
}

// Index into the start-level table, which resolves every input bit up to ia_bits (more than g-3
// bits for concatenated stage-2 tables, fewer for a partial stage-1 start table).
template <typename U>
constexpr U StartIndex(U va, U level, U granule_shift, U ia_bits) {
  const U shift = LevelShift<U>(level, granule_shift);
  return (va >> shift) & LowMask<U>(ia_bits - shift);
}

// A block or page output: the descriptor's OA bits above block_shift, the input bits below.
template <typename U>
constexpr U OutputAddress(U oa_field, U input, U block_shift) {
  const U low = LowMask<U>(block_shift);
  return (oa_field & ~low) | (input & low);
}

// True when addr has a bit set at or above `bits` (an Address Size fault or out-of-range check).
template <typename U>
constexpr auto ExceedsBits(U addr, U bits) {
  return (addr & ~LowMask<U>(bits)) != U(0);
}

// ---- Permission sets -----------------------------------------------------------------------
// A permission set is six bits: read, write, execute for privileged accesses (bits 0..2) and for
// unprivileged accesses (bits 3..5). A stage grants an access when its bit is set.
enum : unsigned {
  kPermPrivR = 1u << 0, kPermPrivW = 1u << 1, kPermPrivX = 1u << 2,
  kPermUserR = 1u << 3, kPermUserW = 1u << 4, kPermUserX = 1u << 5,
};

// Mask of all ones when bit 0 of b is set.
template <typename U>
constexpr U MaskIfBit(U b) {
  return U(0) - (b & U(1));
}

// The bit an access needs; writes are always data accesses.
template <typename U>
constexpr U AccessBit(U write, U instr, U priv) {
  const U kind = (write & U(1)) | ((instr & ~write & U(1)) << 1);  // 0 read, 1 write, 2 exec
  return U(1) << (kind + (U(3) & ~MaskIfBit<U>(priv)));
}

// Stage-1 permissions of a leaf in an EL1&0-type StreamWorld (NS-EL1, NS-EL2-E2H), with the
// hierarchical table bits already merged and HADx applied by the caller [DDI0487 D8.4.1-D8.4.2]:
// ap = AP[2:1] (descriptor bits [7:6]), aptable = APTable[1:0], each other input is bit 0.
template <typename U>
constexpr U S1PermsEl1(U ap, U uxn, U pxn, U aptable, U uxntable, U pxntable, U wxn, U pan) {
  const U ro = ((ap >> 1) | (aptable >> 1)) & U(1);  // AP[2] or APTable[1]: no writes
  const U el0 = ap & ~aptable & U(1);                // AP[1] and not APTable[0]: EL0 access
  const U pw = ~ro & U(1);
  const U uw = el0 & pw;
  const U pan_block = pan & el0;  // PAN: no privileged data access to EL0-accessible memory
  const U pr = ~pan_block & U(1);
  // Privileged execute: not PXN/PXNTable, not EL0-writable (implicit PXN), not WXN && writable.
  const U px = ~(pxn | pxntable | uw | (wxn & pw)) & U(1);
  const U ux = ~(uxn | uxntable | (wxn & uw)) & U(1);
  return pr | ((pr & pw) << 1) | (px << 2) | (el0 << 3) | (uw << 4) | (ux << 5);
}

// Stage-1 permissions in the single-privilege NS-EL2 StreamWorld: AP[1], PXN, PXNTable,
// APTable[0] and PAN have no effect; XN (bit 54) with XNTable controls execution.
template <typename U>
constexpr U S1PermsEl2(U ap, U xn, U aptable, U xntable, U wxn) {
  const U w = ~((ap >> 1) | (aptable >> 1)) & U(1);
  const U x = ~(xn | xntable | (wxn & w)) & U(1);
  const U one = U(1) | (w << 1) | (x << 2);
  return one | (one << 3);
}

// Stage-2 permissions: S2AP[0] read, S2AP[1] write; XN[1:0] with IDR3.XNX (0b00 both, 0b01 not
// privileged, 0b10 neither, 0b11 not unprivileged), XN[1] alone without [DDI0487 D8.4.3].
template <typename U>
constexpr U S2Perms(U s2ap, U xn, U xnx) {
  const U r = s2ap & U(1);
  const U w = (s2ap >> 1) & U(1);
  const U xn1 = (xn >> 1) & U(1);
  const U xn0 = xn & xnx & U(1);
  const U px = ~(xn1 ^ xn0) & U(1);
  const U ux = ~xn1 & U(1);
  return r | (w << 1) | (px << 2) | (r << 3) | (w << 4) | (ux << 5);
}

// Merge of the two stages: an access must be granted by both (stage 1 is checked first when
// attributing a fault).
template <typename U>
constexpr U MergePerms(U s1, U s2) {
  return s1 & s2;
}

// ---- Circular queues [IHI0070 §3.5.1] --------------------------------------------------------
// PROD/CONS hold the index in bits [log2size-1:0] and the wrap flag in bit log2size.
template <typename U>
constexpr U QueueIndex(U reg, U log2size) {
  return reg & LowMask<U>(log2size);
}

template <typename U>
constexpr U QueueNext(U reg, U log2size) {
  return (reg + U(1)) & LowMask<U>(log2size + U(1));
}

template <typename U>
constexpr auto QueueEmpty(U prod, U cons, U log2size) {
  return ((prod ^ cons) & LowMask<U>(log2size + U(1))) == U(0);
}

template <typename U>
constexpr auto QueueFull(U prod, U cons, U log2size) {
  return ((prod ^ cons) & LowMask<U>(log2size + U(1))) == (U(1) << log2size);
}

}  // namespace smmuref::impl::arch
