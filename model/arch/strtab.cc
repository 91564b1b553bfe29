// Stream table lookup [IHI0070 §3.3.2, §5.1, §6.3.24-§6.3.25]. Rules R-STRTAB-*.
// Tests: tests/model/arch/smmu_test.cc, corpus/vectors/strtab/*.vec
#include "smmuref/model/arch/strtab.h"

#include "smmuref/model/arch/reserved.h"

#include <algorithm>

#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {

namespace rf = spec::reg;
using spec::EventType;

namespace {

Fault BadStreamId(bool record, const char* rule) {
  Fault f;
  f.type = EventType::C_BAD_STREAMID;
  // R-STRTAB-002: C_BAD_STREAMID is recorded only when CR2.RECINVSID is 1; the transaction is
  // aborted either way.
  f.silent = !record;
  if (!record) SMMUREF_RULE("R-STRTAB-002");
  f.rule = rule;
  return f;
}

Fault SteFetchAbort(uint64_t pa, const char* rule) {
  Fault f;
  f.type = EventType::F_STE_FETCH;
  f.fetch_addr = pa;
  f.rule = rule;
  return f;
}

uint64_t AlignDown(uint64_t a, unsigned log2) {
  return log2 >= 64 ? 0 : a & ~((uint64_t{1} << log2) - 1);
}

// R-STRTAB-011 / C-STRTAB-001: an L1STD or STE address at or above the OAS (a base or an L2Ptr
// out of range, or an index that carries past it) is either truncated to the OAS, and the
// lookup continues, or gives F_STE_FETCH with the calculated address [§3.4.3 (5)].
Step<uint64_t> InRange(uint64_t pa, const spec::Profile& p, Fetcher& fetch) {
  if (p.oas >= 64 || (pa >> p.oas) == 0) return pa;
  SMMUREF_RULE("R-STRTAB-011");
  if (fetch.Choose("C-STRTAB-001", 2) == 0) return pa & ((uint64_t{1} << p.oas) - 1);
  return SteFetchAbort(pa, "R-STRTAB-011");
}

}  // namespace

Step<FetchedSte> LocateSte(const StrtabRegs& in, uint32_t sid, const spec::Profile& p,
                           Fetcher& fetch) {
  StrtabRegs regs = in;
  // C-REG-001: with CR2.RECINVSID UNKNOWN (not written since reset), C_BAD_STREAMID may or may
  // not be recorded.
  if (regs.record_invalid_sid_unknown) regs.record_invalid_sid = fetch.Choose("C-REG-001", 2) == 1;
  const uint64_t base = spec::Get(&regs.base, rf::STRTAB_BASE_ADDR) << 6;
  const unsigned log2size = static_cast<unsigned>(spec::Get(&regs.cfg, rf::STRTAB_BASE_CFG_LOG2SIZE));
  unsigned fmt = static_cast<unsigned>(spec::Get(&regs.cfg, rf::STRTAB_BASE_CFG_FMT));
  unsigned split = static_cast<unsigned>(spec::Get(&regs.cfg, rf::STRTAB_BASE_CFG_SPLIT));

  // R-STRTAB-001: StreamIDs at or above 2^MIN(LOG2SIZE, IDR1.SIDSIZE) are out of range.
  const unsigned eff = std::min(log2size, p.sidsize);
  if (SMMUREF_RULE_IF("R-STRTAB-001", eff < 32 && (uint64_t{sid} >> eff) != 0)) {
    return BadStreamId(regs.record_invalid_sid, "R-STRTAB-001");
  }

  // R-STRTAB-003: FMT values other than 2-level (and any FMT when ST_LEVEL=0, where FMT is RES0)
  // behave as linear.
  if (SMMUREF_RULE_IF("R-STRTAB-003", fmt != 0 && (p.st_level == 0 || fmt != 1))) fmt = 0;
  FetchedSte out;
  FetchTag tag;
  tag.sid = sid;
  if (fmt == 0) {
    // R-STRTAB-004: a linear table is aligned to its literal size 2^LOG2SIZE x 64 bytes (the
    // alignment does not use the SIDSIZE cap); the STE is at base + sid x 64.
    SMMUREF_RULE("R-STRTAB-004");
    out.pa = AlignDown(base, log2size + 6) + uint64_t{sid} * 64;
  } else {
    // R-STRTAB-005: SPLIT values other than 6, 8 and 10 behave as 6.
    if (SMMUREF_RULE_IF("R-STRTAB-005", split != 6 && split != 8 && split != 10)) split = 6;
    // R-STRTAB-006: the level-1 table of 8-byte L1STDs is aligned to MAX(64, its size), with its
    // size from the literal LOG2SIZE.
    SMMUREF_RULE("R-STRTAB-006");
    const unsigned l1_log2 = log2size > split ? log2size - split + 3 : 3;
    auto l1_in = InRange(AlignDown(base, std::max(6u, l1_log2)) + uint64_t{sid >> split} * 8, p,
                         fetch);
    if (auto* f = std::get_if<Fault>(&l1_in)) return *f;
    const uint64_t l1_pa = std::get<uint64_t>(l1_in);
    uint64_t l1std = 0;
    tag.l1_shift = split;
    if (!fetch.Read(FetchKind::kL1Std, tag, l1_pa, 1, &l1std)) {
      // R-STRTAB-007: an external abort reading the L1STD or the STE gives F_STE_FETCH with the
      // PA of the failed read.
      SMMUREF_RULE("R-STRTAB-007");
      return SteFetchAbort(l1_pa, "R-STRTAB-007");
    }
    // R-STRTAB-012 / C-STRTAB-002: an L1STD with a non-zero reserved field is invalid (its
    // StreamIDs are C_BAD_STREAMID), or the field is ignored.
    if (SMMUREF_RULE_IF("R-STRTAB-012", (l1std & L1StdReservedMask()) != 0) &&
        TreatAsInvalid(p, fetch, "C-STRTAB-002")) {
      return BadStreamId(regs.record_invalid_sid, "R-STRTAB-012");
    }
    const unsigned span = static_cast<unsigned>(spec::Get(&l1std, spec::l1std::Span));
    // R-STRTAB-008: Span 0, Span 12..31 (reserved) and Span > SPLIT+1 make every StreamID under
    // the L1STD invalid (C_BAD_STREAMID).
    if (SMMUREF_RULE_IF("R-STRTAB-008", span == 0 || span > 11 || span > split + 1)) {
      return BadStreamId(regs.record_invalid_sid, "R-STRTAB-008");
    }
    const uint32_t low = sid & ((1u << split) - 1);
    // R-STRTAB-009: a StreamID whose low SPLIT bits are at or above 2^(Span-1) is beyond the
    // level-2 array (C_BAD_STREAMID).
    if (SMMUREF_RULE_IF("R-STRTAB-009", (uint64_t{low} >> (span - 1)) != 0)) {
      return BadStreamId(regs.record_invalid_sid, "R-STRTAB-009");
    }
    // R-STRTAB-010: L2Ptr is aligned to the level-2 array size 2^(Span-1) x 64 bytes.
    SMMUREF_RULE("R-STRTAB-010");
    const uint64_t l2 = spec::Get(&l1std, spec::l1std::L2Ptr) << 6;
    out.pa = AlignDown(l2, span - 1 + 6) + uint64_t{low} * 64;
  }
  auto ste_in = InRange(out.pa, p, fetch);
  if (auto* f = std::get_if<Fault>(&ste_in)) return *f;
  out.pa = std::get<uint64_t>(ste_in);
  if (!fetch.Read(FetchKind::kSte, tag, out.pa, 8, out.ste)) {
    SMMUREF_RULE("R-STRTAB-007");
    return SteFetchAbort(out.pa, "R-STRTAB-007");
  }
  return out;
}

}  // namespace smmuref::model::arch
