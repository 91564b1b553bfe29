// Full-width proofs of the fast IOMMU core's kernels (smmuref/impl/api/kernels.h), the source that
// ships in impl/api: iommu_pgsize's page size and run length (PageRun, used by map.cc) equal the
// API model's encoding (proofs/encodings/api.cc PgSizeTerm, R-MAP-004) for every 64-bit bitmap,
// iova, pa and size (the page size for every bitmap, the run length for each SMMUv3 domain's page
// sizes); the PASID bitmap's find-first-zero within a word (FirstClearFrom, used by
// pasid_bitmap.cc) returns the lowest clear bit at or above its start, or 64 when there is none,
// for every word and start. Wrong variants: a run that is not cut at the next larger size's
// boundary, and a search that starts one bit late; no engine mutant makes these mistakes, so
// they are shown by their counterexamples only.
// Tests: tests/proofs/equiv_main.cc
#include <string>

#include "proofs/encodings/api.h"
#include "proofs/equiv/registry.h"
#include "smmuref/impl/api/kernels.h"
#include "smmuref/spec/format.h"

namespace smmuref::proofs {

namespace iapi = impl::api;

namespace {

// iommu_pgsize. The page size is proved for every bitmap; the run length for every iova, pa and
// size under a fixed bitmap (`fixed`, 0: symbolic), the page sizes an SMMUv3 domain offers:
// with a symbolic bitmap the two 64-step bit searches on each side are beyond the budget.
ProofResult PgSizeProof(const std::string& id, uint64_t fixed, bool wrong, const ProveOptions& o) {
  const Bv bitmap = fixed != 0 ? Bv(fixed) : Bv::Var("bitmap");
  const Bv iova = Bv::Var("iova"), pa = Bv::Var("pa"), size = Bv::Var("size");
  iapi::PageRunWords<Bv> engine = iapi::PageRun<Bv>(bitmap, iova, pa, size);
  if (wrong) {
    // Never cut: the whole size in the first page size, even where a larger one could follow.
    const Bv pg = engine.pgsize;
    engine.count = Select(pg == Bv(0), Bv(0), size >> (Bv(63) - iapi::CountLeadingZeros<Bv>(pg)));
  }
  const PgSizeTerms model = PgSizeTerm(bitmap, iova, pa, size);
  if (fixed == 0) return Prove(id, engine.pgsize == model.pgsize, {}, o);
  // Split on the page size chosen (none, or each size of the bitmap; the page-size proof shows
  // the two sides choose the same): each side's shift amount is then a constant.
  std::vector<Case> cases = {{"pgsize=0", engine.pgsize == Bv(0) && model.pgsize == Bv(0)}};
  for (unsigned k = 0; k < 64; ++k) {
    if ((fixed >> k & 1) == 0) continue;
    const Bv v(uint64_t{1} << k);
    cases.push_back({"pgsize=2^" + std::to_string(k), engine.pgsize == v && model.pgsize == v});
  }
  return ProveByCases(id, engine.pgsize == model.pgsize && engine.count == model.count, {}, cases,
                      o);
}

ProofResult FirstClearProof(const std::string& id, bool wrong, const ProveOptions& o) {
  const Bv word = Bv::Var("word"), from = Bv::Var("from");
  const Bv start = wrong ? from + Bv(1) : from;
  const Bv r = iapi::FirstClearFrom<Bv>(word, start);
  // The specification: bits [r-1:from] of the word are all set, and r is 64 or a clear bit at or
  // above `from` (the lowest free PASID of the word, as the model's search finds it).
  const Bv below_r = Select(r >= Bv(64), ~Bv(0), (Bv(1) << r) - Bv(1));
  const Bv from_up = ~Bv(0) << from;
  const Bool ones_between = (word & below_r & from_up) == (below_r & from_up);
  const Bool at_r = r == Bv(64) || (r >= from && r < Bv(64) && ((word >> r) & Bv(1)) == Bv(0));
  return Prove(id, ones_between && at_r,
               {{"a bit position in the word: from <= 63", from <= Bv(63)}}, o);
}

ProofCase Wrong(ProofCase c) {
  c.wrong = true;
  c.describe = [](const ProofResult& r) { return DescribeInputs(r); };
  return c;
}

}  // namespace

void AddApiProofs(std::vector<ProofCase>* out) {
  out->push_back({"api/pgsize", "full width: page size for every 64-bit bitmap, iova, pa, size",
                  [](const ProveOptions& o) { return PgSizeProof("api/pgsize", 0, false, o); }});
  // The page sizes of an SMMUv3 domain per granule (4 KB, 16 KB, 64 KB and their blocks), and
  // of a domain spanning instances of all three.
  const std::pair<const char*, uint64_t> kBitmaps[] = {
      {"4k", 0x40201000ull}, {"16k", 0x1002004000ull}, {"64k", 0x40020010000ull},
      {"all", 0x40201000ull | 0x1002004000ull | 0x40020010000ull}};
  for (const auto& [name, bitmap] : kBitmaps) {
    const std::string id = std::string("api/pgsize-run/") + name;
    const std::string width = "bounded: bitmap fixed to " + spec::Hex(bitmap) +
                              "; full width: every 64-bit iova, pa and size";
    const uint64_t b = bitmap;
    out->push_back({id, width, [=](const ProveOptions& o) { return PgSizeProof(id, b, false, o); }});
  }
  out->push_back(Wrong({"api/pgsize-run/4k/wrong", "as api/pgsize-run/4k; a run never cut at the next size",
                        [](const ProveOptions& o) {
                          return PgSizeProof("api/pgsize-run/4k/wrong", 0x40201000ull, true, o);
                        }}));
  const std::string ffz = "full width: every 64-bit word and start bit 0..63";
  out->push_back({"api/pasid-first-zero", ffz, [=](const ProveOptions& o) {
                    return FirstClearProof("api/pasid-first-zero", false, o);
                  }});
  out->push_back(Wrong({"api/pasid-first-zero/wrong", ffz + "; the search starts one bit late",
                        [=](const ProveOptions& o) {
                          return FirstClearProof("api/pasid-first-zero/wrong", true, o);
                        }}));
}

}  // namespace smmuref::proofs
