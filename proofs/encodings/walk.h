// The model's VMSAv8-64 walk arithmetic as Z3 terms (model/arch/walk.cc): start level from the
// input size, start table base and index width (with concatenation), the descriptor address of
// each level, descriptor decode with the legal block levels, next-table and output-address
// assembly, the address-size check, TTB selection and the input-range check with TBI
// [IHI0070 §3.4, §5.4; DDI0487 D8.2-D8.3].
// Tests: proofs/cross/walk_test.cc, tests/proofs/equiv_main.cc
#pragma once

#include "../lib/bv.h"

namespace smmuref::proofs {

// LevelShift: the lowest input bit a level-`level` lookup resolves.
Bv LevelShiftTerm(const Bv& g, const Bv& level);
// R-WALK-004: 4 - ceil((IA - g) / (g - 3)).
Bv S1StartLevelTerm(const Bv& ia_bits, const Bv& g);

// R-WALK-005: the start table (aligned to its size) and how many input bits index it.
struct StartTableTerm {
  Bv base, index_bits;
};
StartTableTerm StartTable(const Bv& ttb, const Bv& level, const Bv& ia_bits, const Bv& g);
// R-WALK-006: table + 8 * IA[LevelShift + index_bits - 1 : LevelShift].
Bv DescriptorAddressTerm(const Bv& table, const Bv& ia, const Bv& g, const Bv& level,
                         const Bv& index_bits);

// R-WALK-008 / R-WALK-009: 0 invalid, 1 table, 2 block, 3 page.
enum : uint64_t { kKindInvalid = 0, kKindTable = 1, kKindBlock = 2, kKindPage = 3 };
Bool BlockAllowedTerm(const Bv& g, const Bv& level);
Bv DecodeDescriptorTerm(const Bv& desc, const Bv& level, const Bv& g);
// R-WALK-010: NLTA[47:g].
Bv NextTableAddressTerm(const Bv& desc, const Bv& g);
// R-WALK-012: OA[47:shift] from the descriptor, the input bits below.
Bv OutputAddressTerm(const Bv& desc, const Bv& ia, const Bv& shift);
// R-WALK-011: a bit at or above `bits` set.
Bool AddressTooLargeTerm(const Bv& addr, const Bv& bits);

// A whole stage-1 or stage-2 walk (S1Translate / S2Translate without nesting) over the
// descriptors the walk reads, given in order as `desc[0..3]` (whatever memory holds at each
// read address): which addresses it reads, and how it ends. Stage 1 takes the enabled half's
// TxSZ/granule/TTB (with the input-range check done before) and the CD's IPS/HAD/AFFD/WXN/PAN;
// stage 2 the decoded S2T0SZ/granule/start level/TTB/PS/AFFD.
enum : uint64_t { kWalkOk = 0, kWalkTranslation = 1, kWalkAddrSize = 2, kWalkAccess = 3,
                  kWalkPermission = 4 };
struct WalkTerms {
  Bv reads;          // number of descriptors read (1..4)
  Bv read_addr[4];   // the address of each read (meaningful below `reads`)
  Bv outcome;        // kWalk*
  Bv level;          // the level it ended at
  Bv out;            // the output address when kWalkOk
};
struct WalkParams {
  bool stage2 = false;
  Bv tsz, granule_shift, ttb, start_level;  // start_level: stage 2 only (stage 1 computes it)
  Bv oa_bits, affd;
  Bv had, wxn, pan, world, tbi;  // stage 1 (world 1 = NS-EL2)
  Bv xnx;                        // stage 2
};
// Before any read: stage 1 checks the input range of the selected half (R-WALK-002), stage 2
// that the IPA is below 2^(64 - S2T0SZ) (R-WALK-014); either ends with reads = 0.
WalkTerms WalkTerm(const WalkParams& w, const Bv& va, const Bv* desc, const Bv& write,
                   const Bv& instr, const Bv& priv);

// R-WALK-001: the half a VA selects (NS-EL2: TTB0 only); world 1 is NS-EL2.
Bv SelectTtbTerm(const Bv& world, const Bv& va);
// R-WALK-002: VA[AddrTop:IA] equal to the half's sign.
Bool InputInRangeTerm(const Bv& world, const Bv& tsz, const Bv& tbi, const Bv& va);

}  // namespace smmuref::proofs
