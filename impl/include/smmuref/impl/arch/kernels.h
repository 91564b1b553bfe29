// Hot bit kernels of the optimized SMMUv3 engine: selection and masks, field extraction,
// VMSAv8-64 level arithmetic and descriptor classification, output-address assembly, the
// input-range check, permission sets, circular-queue arithmetic, the range TLBI address
// computation and the TLB tag compares [IHI0070 §3.4, §3.5.1, §4.4.1, §5.2, §5.4, §7.3;
// DDI0487 D8.2-D8.4]. The STE and CD decoders are in config_kernels.h.
//
// Every kernel is a template over the integer type `U` and never branches on a `U` value: it
// uses only shifts, masks, &, |, ^, ~, +, -, *, /, comparisons (unsigned), the combinators
// &&, || and ! on their results, and Select to turn a condition into a value. A proof
// instantiates the same source with a symbolic bit-vector type (proofs/lib/bv.h) whose
// comparisons yield a symbolic boolean and whose Select is an if-then-else term; a stand-in
// type whose booleans cannot convert to `bool` (tests/impl/arch/standin.h) keeps every kernel
// symbolic-safe at compile time. Engine code outside the kernels uses them with uint64_t.
// Tests: tests/impl/arch/kernels_test.cc, proofs/equiv/*.cc
#pragma once

#include <cstdint>

#include "smmuref/impl/arch/layout.h"

namespace smmuref::impl::arch {

// ---- Selection and masks --------------------------------------------------------------------

// `a` when `c` holds, else `b`, without a branch: for integers, `c` is a bool; a symbolic type
// provides its own non-template Select (found by argument-dependent lookup).
template <typename C, typename U>
constexpr U Select(C c, U a, U b) {
  return b ^ ((a ^ b) & (U(0) - static_cast<U>(c)));
}

// All ones when `c` holds, else zero.
template <typename U, typename C>
constexpr U MaskIf(C c) {
  return Select(c, ~U(0), U(0));
}

template <typename U>
constexpr U Min(U a, U b) {
  return Select(a < b, a, b);
}

template <typename U>
constexpr U Max(U a, U b) {
  return Select(a < b, b, a);
}

// Bits [n-1:0] set; every bit from n = 64 on, so that a width computed from an invalid
// structure (which may wrap below zero) still gives a defined mask whose value the caller
// discards. The shift is split in two halves so that n equal to the width does not shift by
// the width.
template <typename U>
constexpr U LowMask(U n) {
  const U m = Min<U>(n, U(64));
  const U half = m >> 1;
  return ((U(1) << half) << (m - half)) - U(1);
}

// word[msb:lsb], right-aligned.
template <typename U>
constexpr U ExtractBits(U word, U msb, U lsb) {
  return (word >> lsb) & LowMask<U>(msb - lsb + U(1));
}

// The position of a constant mask's lowest set bit (63 for an empty mask). One instruction, so
// the compiler folds it even where it does not unroll a loop over the mask's bits.
constexpr unsigned MaskShift(uint64_t mask) {
  return mask == 0 ? 63u : static_cast<unsigned>(__builtin_ctzll(mask));
}

// The field `mask` of `word`, right-aligned.
template <typename U>
constexpr U FieldGet(U word, uint64_t mask) {
  return (word >> U(MaskShift(mask))) & U(mask >> MaskShift(mask));
}

// `value` placed in the field `mask` (bits outside the field dropped).
template <typename U>
constexpr U FieldPrep(uint64_t mask, U value) {
  return (value << U(MaskShift(mask))) & U(mask);
}

// A field of a multi-doubleword structure (layout.h), right-aligned.
template <typename U>
constexpr U Get(const U* raw, layout::Field f) {
  return FieldGet<U>(raw[f.dw], f.mask);
}

// A field that holds address bits in place (S1ContextPtr, S2TTB, TTBx): the address it names.
template <typename U>
constexpr U GetAddr(const U* raw, layout::Field f) {
  return raw[f.dw] & U(f.mask);
}

// ---- VMSAv8-64 level arithmetic [DDI0487 D8.2] -------------------------------------------

// The lowest input-address bit resolved by a level-`level` lookup with granule 2^g: a level-3
// entry maps one granule, each level above multiplies by the 2^(g-3) entries of a table.
template <typename U>
constexpr U LevelShift(U level, U granule_shift) {
  return granule_shift + (U(3) - level) * (granule_shift - U(3));
}

// Stage-1 start level for an input of ia_bits bits: 4 - ceil((IA - g) / (g - 3)).
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

// Blocks exist at levels 1 and 2 with 4KB, at level 2 with 16KB and 64KB (R-WALK-009).
template <typename U>
constexpr auto BlockAllowed(U granule_shift, U level) {
  return (granule_shift == U(12) && (level == U(1) || level == U(2))) ||
         (granule_shift != U(12) && level == U(2));
}

// What a descriptor is at `level` (R-WALK-008 / R-WALK-009): kDescInvalid, kDescTable or
// kDescLeaf (block or page). `block_ok` is BlockAllowed for the level and granule.
enum : unsigned { kDescInvalid = 0, kDescTable = 1, kDescLeaf = 2 };
template <typename U, typename C>
constexpr U ClassifyDescriptor(U desc, U level, C block_ok) {
  const auto valid = (desc & U(layout::desc::kValid)) != U(0);
  const auto bit1 = (desc & U(layout::desc::kTableOrPage)) != U(0);
  const U below3 = Select(bit1, U(kDescTable), Select(block_ok, U(kDescLeaf), U(kDescInvalid)));
  const U at3 = Select(bit1, U(kDescLeaf), U(kDescInvalid));
  return Select(valid, Select(level == U(3), at3, below3), U(kDescInvalid));
}

// R-WALK-002: VA[AddrTop:IA] equal to the half's sign (all ones for TTB1, zero for TTB0);
// AddrTop is 55 with TBI, else 63.
template <typename U>
constexpr auto InputInRange(U va, U ia_bits, U tbi, U upper_half) {
  const U width = Select(tbi != U(0), U(56), U(64)) - ia_bits;
  const U upper = (va >> ia_bits) & LowMask<U>(width);
  return upper == (LowMask<U>(width) & MaskIf<U>(upper_half != U(0)));
}

// Stage-1 hierarchical attributes of a table descriptor: APTable[1:0] in bits [1:0],
// UXNTable/XNTable in bit 2, PXNTable in bit 3 (R-PERM-007 / R-PERM-008); the walk ORs them
// over the levels unless HADx.
template <typename U>
constexpr U TableAttrBits(U desc) {
  return FieldGet<U>(desc, layout::desc::kApTable) |
         (FieldGet<U>(desc, layout::desc::kUxnTable) << 2) |
         (FieldGet<U>(desc, layout::desc::kPxnTable) << 3);
}

// ---- Permission sets ------------------------------------------------------------------------
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

// ---- TLB invalidation and tags [IHI0070 §4.4] -----------------------------------------------

// The input range a TLBI by VA or IPA covers: one address (inside any entry that holds it) or,
// with IDR3.RIL and TG != 0, (NUM+1) x 2^SCALE granules from Addr [§4.4.1.1]. `addr_mask`
// selects the address operand bits of DW1. A range of 2^56 bytes or more covers every input.
template <typename U>
struct TlbiRange {
  U addr, size;
};
template <typename U>
constexpr TlbiRange<U> TlbiAddressRange(U cmd0, U cmd1, U addr_mask, U ril) {
  const U tg = FieldGet<U>(cmd1, layout::cmd::kTG.mask);
  const U num = FieldGet<U>(cmd0, layout::cmd::kNUM.mask);
  const U scale = FieldGet<U>(cmd0, layout::cmd::kSCALE.mask);
  const U granule = U(10) + (tg << 1);  // 1: 4KB, 2: 16KB, 3: 64KB
  const U log2 = scale + granule;
  const U span = Select(log2 < U(56), (num + U(1)) << log2, ~U(0) >> 8);
  const auto ranged = ril != U(0) && tg != U(0);
  return {cmd1 & addr_mask, Select(ranged, span, U(1))};
}

// Does a range [lo, lo + bytes) of an entry overlap the invalidated range [addr, addr + size)?
// Addresses are 56-bit input addresses (entries drop VA[63:56], which TBI ignores), so a range
// running past 2^56 also covers the entries its wrapped part [0, addr + size - 2^56) holds (an
// invalidation may always remove more than it must). Sums stay below 2^64.
template <typename U>
constexpr auto RangesOverlap(U lo, U bytes, U addr, U size) {
  const U top(uint64_t{1} << 56);
  const U end = addr + size;
  return (addr < lo + bytes && lo < end) || (top < end && lo < end - top);
}

// Translation regimes of TLB and walk-cache entries (tlb.h Regime uses these values).
enum : unsigned {
  kRegimeS1El1 = 1, kRegimeS1El2 = 2, kRegimeS1El2E2h = 3, kRegimeNested = 4, kRegimeS2 = 5
};
constexpr unsigned RegimeMask(unsigned r) { return 1u << r; }

// The invalidation scope of a TLBI command (tlb.h Scope, as integers): the regimes it reaches
// (and `walk_regimes`, those of walk-cache entries), whether the VMID and ASID operands must
// match, whether global entries stay, and the address range [addr, addr + size) when it is by
// address. `op` is a concrete opcode (a proof instantiates each); other opcodes give an empty
// scope. The operands' upper bytes are RES0 with 8-bit VMIDs/ASIDs, the VMID operand without
// stage 2 [IHI0070 §4.4, §4.4.2].
template <typename U>
struct TlbiScopeWords {
  U regimes, walk_regimes, match_vmid, vmid, match_asid, keep_global, asid, match_addr, addr, size;
};
template <typename U>
constexpr TlbiScopeWords<U> TlbiScope(unsigned op, U cmd0, U cmd1, U s2p, U vmid16, U asid16,
                                      U ril) {
  namespace c = layout::cmd;
  const U nh(RegimeMask(kRegimeS1El1) | RegimeMask(kRegimeNested));
  const U el2(RegimeMask(kRegimeS1El2) | RegimeMask(kRegimeS1El2E2h));
  const U s2(RegimeMask(kRegimeS2));
  const U zero(0), one(1);
  TlbiScopeWords<U> s{zero, zero, s2p, zero, zero, zero, zero, zero, zero, zero};
  const U vmid = FieldGet<U>(cmd0, c::kVMID.mask), asid = FieldGet<U>(cmd0, c::kASID.mask);
  s.vmid = Select(vmid16 != zero, vmid, vmid & U(0xff));
  s.asid = Select(asid16 != zero, asid, asid & U(0xff));
  bool by_va = false, by_ipa = false;
  switch (op) {
    case c::kTlbiNhAll: s.regimes = nh; break;  // global entries too
    case c::kTlbiNhAsid: s.regimes = nh; s.match_asid = s.keep_global = one; break;
    case c::kTlbiNhVa: s.regimes = nh; s.match_asid = one; by_va = true; break;
    case c::kTlbiNhVaa: s.regimes = nh; by_va = true; break;
    case c::kTlbiEl2All: s.regimes = el2; s.match_vmid = zero; break;
    case c::kTlbiEl2Asid:
      s.regimes = el2; s.match_vmid = zero; s.match_asid = s.keep_global = one; break;
    case c::kTlbiEl2Va: s.regimes = el2; s.match_vmid = zero; s.match_asid = one; by_va = true; break;
    case c::kTlbiEl2Vaa: s.regimes = el2; s.match_vmid = zero; by_va = true; break;
    case c::kTlbiS12Vmall: s.regimes = nh | s2; break;
    // Stage-2 entries by IPA, and nested entries by their IPA (over-invalidation is allowed);
    // stage-1 walk-cache entries of nested walks hold IPAs stage 2 translates afresh, so they
    // stay.
    case c::kTlbiS2Ipa: s.regimes = s2 | U(RegimeMask(kRegimeNested)); by_ipa = true; break;
    case c::kTlbiNsnhAll: s.regimes = nh | s2; s.match_vmid = zero; break;
    default: s.match_vmid = zero; break;
  }
  s.walk_regimes = by_ipa ? s2 : s.regimes;
  if (by_va || by_ipa) {
    const TlbiRange<U> r =
        TlbiAddressRange<U>(cmd0, cmd1, U(by_ipa ? c::kIPAFull.mask : c::kAddr.mask), ril);
    s.match_addr = one;
    s.addr = r.addr;
    s.size = r.size;
  }
  return s;
}

// The tag compare of an IOTLB lookup: same regime and VMID, and the entry global or of the
// lookup's ASID. (Page, size and walk-parameter tags are compared beside it.)
template <typename U>
constexpr auto TlbTagMatches(U e_regime, U e_vmid, U e_asid, U e_global, U regime, U vmid,
                             U asid) {
  return e_regime == regime && e_vmid == vmid && (e_global != U(0) || e_asid == asid);
}

// The tag part of an invalidation scope (tlb.h Scope): the regime is one of `regimes` (a bit
// per Regime value), the VMID matches when `match_vmid`, and with `match_asid` a non-global
// entry must carry the ASID while a global one stays only with `keep_global` (TLBI_NH_ASID).
template <typename U>
constexpr auto ScopeTagMatches(U e_regime, U e_vmid, U e_asid, U e_global, U regimes,
                               U match_vmid, U vmid, U match_asid, U keep_global, U asid) {
  const auto regime_ok = ((regimes >> e_regime) & U(1)) != U(0);
  const auto vmid_ok = match_vmid == U(0) || e_vmid == vmid;
  const auto global = e_global != U(0);
  // R-TLBI-008 / C-CACHE-016: NS-EL2 entries have no ASID, so TLBI_EL2_VA (match_asid without
  // keep_global) reaches them whatever its ASID operand; TLBI_EL2_ASID (keep_global) does not
  // need to, and keeps their global leaves.
  const auto no_asid = e_regime == U(kRegimeS1El2) && keep_global == U(0);
  const auto asid_ok = match_asid == U(0) || no_asid || (global && keep_global == U(0)) ||
                       (!global && e_asid == asid);
  return regime_ok && vmid_ok && asid_ok;
}

}  // namespace smmuref::impl::arch
