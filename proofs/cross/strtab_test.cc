// Cross-checks of the stream-table and substream-selection encodings
// (proofs/encodings/strtab.cc): LocateSte (linear and 2-level, SPLIT, Span, out-of-range
// StreamIDs) against the model's LocateSte with a scripted fetcher, and SelectCd (S1DSS with
// and without a SubstreamID, S1CDMax) against the model's whole transaction path TranslateTxn,
// 100,000 biased samples each.
#include <gtest/gtest.h>

#include "harness.h"
#include "proofs/encodings/strtab.h"
#include "smmuref/model/arch/strtab.h"
#include "smmuref/model/arch/translate.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs::cross {
namespace {

namespace ma = model::arch;

class RecordingFetcher final : public ma::Fetcher {
 public:
  bool Read(ma::FetchKind kind, const ma::FetchTag& tag, uint64_t pa, unsigned dwords,
            uint64_t* out) override {
    reads.push_back({kind, pa, tag.cd_index});
    for (unsigned i = 0; i < dwords; ++i) out[i] = kind == ma::FetchKind::kL1Std ? l1std : ste[i];
    return true;
  }
  struct ReadRec {
    ma::FetchKind kind;
    uint64_t pa;
    uint32_t cd_index;
  };
  std::vector<ReadRec> reads;
  uint64_t l1std = 0;
  uint64_t ste[8] = {};
};

std::vector<uint64_t> ProfileValuesOf(const spec::Profile& prof) {
  ProfileTerms t = ConstantProfile(prof);
  std::vector<uint64_t> values;
  for (auto& [name, term] : ProfileFields(t)) {
    uint64_t v = 0;
    term->expr().is_numeral_u64(v);
    values.push_back(v);
  }
  return values;
}

TEST(CrossStrtab, LocateSteMatchesTheModel) {
  std::vector<Assumption> ignored;
  ProfileTerms p = SymbolicProfile("p", &ignored);
  const Bv base = Bv::Var("STRTAB_BASE"), cfg = Bv::Var("STRTAB_BASE_CFG"), sid = Bv::Var("sid"),
           l1 = Bv::Var("l1std");
  const SteLocationTerms t = LocateSteTerm(base, cfg, sid, l1, p);
  std::vector<std::pair<std::string, z3::expr>> in = {
      {"STRTAB_BASE", base.expr()}, {"STRTAB_BASE_CFG", cfg.expr()}, {"sid", sid.expr()},
      {"l1std", l1.expr()}};
  for (auto& [name, term] : ProfileFields(p)) in.push_back({"p." + name, term->expr()});
  CrossCheck check(in, {{"R-STRTAB-001/008/009 C_BAD_STREAMID", Flag(t.bad_sid).expr()},
                        {"R-STRTAB-003 2-level", Flag(t.two_level).expr()},
                        {"R-STRTAB-006 L1STD address", t.l1_addr.expr()},
                        {"R-STRTAB-004/010 STE address", t.ste_addr.expr()}});
  Rng rng(401);
  for (uint64_t n = 0; n < kSamples; ++n) {
    const spec::Profile prof = RandomProfile(rng);
    ma::StrtabRegs regs;
    regs.base = rng.Biased(64);
    regs.cfg = rng.Biased(32, {0x10006, 0x10208, 0x1028a, 0x10190, 0x8, 0x1, 0x0});
    const uint32_t sid = static_cast<uint32_t>(rng.Biased(32));
    RecordingFetcher f;
    f.l1std = rng.Biased(64, {1, 2, 7, 8, 11, 12, 0x400007});
    const auto r = ma::LocateSte(regs, sid, prof, f);
    const bool bad = std::holds_alternative<ma::Fault>(r) &&
                     std::get<ma::Fault>(r).type == spec::EventType::C_BAD_STREAMID;
    const bool two = !f.reads.empty() && f.reads[0].kind == ma::FetchKind::kL1Std;
    std::vector<std::optional<uint64_t>> want = {bad, std::nullopt, std::nullopt, std::nullopt};
    if (!f.reads.empty()) {
      want[1] = two;
      if (two) want[2] = f.reads[0].pa;
    }
    if (std::holds_alternative<ma::FetchedSte>(r)) want[3] = std::get<ma::FetchedSte>(r).pa;
    std::vector<uint64_t> values = {regs.base, regs.cfg, sid, f.l1std};
    for (uint64_t v : ProfileValuesOf(prof)) values.push_back(v);
    const std::string diff = check.Compare(values, want);
    ASSERT_EQ(diff, "") << "sample " << n;
  }
}

TEST(CrossStrtab, SubstreamSelectionMatchesTranslateTxn) {
  std::vector<Assumption> ignored;
  ProfileTerms p = SymbolicProfile("p", &ignored);
  const Bv ssv = Bv::Var("ssv"), ssid = Bv::Var("ssid"), cdmax = Bv::Var("s1cdmax"),
           dss = Bv::Var("s1dss");
  const SubstreamTerms t = SelectCdTerm(ssv, ssid, cdmax, dss, p);
  std::vector<std::pair<std::string, z3::expr>> in = {
      {"ssv", ssv.expr()}, {"ssid", ssid.expr()}, {"s1cdmax", cdmax.expr()}, {"s1dss", dss.expr()}};
  for (auto& [name, term] : ProfileFields(p)) in.push_back({"p." + name, term->expr()});
  CrossCheck check(in, {{"R-TXN-010..012 selection", t.outcome.expr()},
                        {"CD-table index", t.index.expr()}});
  Rng rng(402);
  for (uint64_t n = 0; n < kSamples; ++n) {
    spec::Profile prof = *spec::LoadProfile(rng.Chance(50) ? "full" : "full-v32");
    prof.ssidsize = static_cast<unsigned>(rng.Chance(20) ? 0 : 1 + rng.Below(20));
    prof.sidsize = 16;
    // A linear stream table at 0 with one stage-1 STE (S1Fmt linear), its CD table anywhere.
    ma::TranslateContext ctx;
    ctx.p = &prof;
    ctx.smmuen = true;
    ctx.strtab.base = 0;
    ctx.strtab.cfg = 0;  // LOG2SIZE 0: StreamID 0 only
    RecordingFetcher f;
    const unsigned cdmax = static_cast<unsigned>(rng.Below(prof.ssidsize + 1));
    const unsigned s1dss = static_cast<unsigned>(rng.Below(4));
    f.ste[0] = 0xb | uint64_t{0x300000} | uint64_t{cdmax} << 59;  // V, Config=0b101
    f.ste[1] = s1dss;
    spec::Txn txn;
    txn.sid = 0;
    txn.ssv = rng.Chance(60);
    txn.ssid = static_cast<uint32_t>(rng.Biased(20, {0, 1, (1u << cdmax) - 1, 1u << cdmax}));
    txn.addr = 0x1000;
    const spec::TxnOutcome o = ma::TranslateTxn(ctx, txn, f);
    // What happened after the STE: a CD read (its index), a stage-1 bypass (no CD read, ok),
    // or a fault.
    uint64_t outcome = kSelectCd, index = 0;
    bool cd_read = false;
    for (const auto& r : f.reads) {
      if (r.kind == ma::FetchKind::kCd) {
        cd_read = true;
        index = r.cd_index;
      }
    }
    if (!cd_read) {
      if (o.event && o.event->type == spec::EventType::C_BAD_SUBSTREAMID) outcome = kSelectBadSubstream;
      else if (o.event && o.event->type == spec::EventType::F_STREAM_DISABLED) outcome = kSelectDisabled;
      else outcome = kSelectBypass;
    }
    const unsigned dss_decoded = cdmax != 0 && prof.ssidsize != 0 && s1dss != 3 ? s1dss : 0;
    std::vector<uint64_t> values = {txn.ssv, txn.ssid, prof.ssidsize ? cdmax : 0u, dss_decoded};
    for (uint64_t v : ProfileValuesOf(prof)) values.push_back(v);
    const std::string diff = check.Compare(
        values, {outcome, outcome == kSelectCd ? std::optional<uint64_t>(index) : std::nullopt});
    ASSERT_EQ(diff, "") << "sample " << n;
  }
}

}  // namespace
}  // namespace smmuref::proofs::cross
