// `--ask iova-for-pa`: an IOVA that the memory image of a vector file translates to a given PA
// for a StreamID (and SubstreamID), or unsat (ask.h). The configuration (stream table, STE,
// CD) is read from the image with the model's decoders; the walk is the walk encoding
// (proofs/encodings/walk.cc) over a symbolic IOVA, each descriptor read from the image at its
// symbolic address. Stage 1, stage 2, nested (the CD and every stage-1 table read through
// stage 2 at its symbolic IPA, then the output IPA) and bypass.
// Tests: tests/proofs/query_test.cc, corpus/queries/iova_for_pa*.ask
#include <functional>
#include <map>

#include "proofs/encodings/strtab.h"
#include "proofs/encodings/walk.h"
#include "proofs/query/ask_args.h"
#include "proofs/query/ask_internal.h"
#include "smmuref/conform/vector.h"
#include "smmuref/model/arch/cd.h"
#include "smmuref/model/arch/ste.h"
#include "smmuref/model/arch/strtab.h"
#include "smmuref/spec/format.h"

namespace smmuref::proofs {

using spec::Hex;
namespace ma = model::arch;

namespace {

struct Image {
  spec::Profile profile;
  std::map<uint64_t, uint64_t> mem;  // 8-byte words written
  uint64_t strtab_base = 0, strtab_cfg = 0;
};

class ImageFetcher final : public ma::Fetcher {
 public:
  explicit ImageFetcher(const Image& i) : i_(i) {}
  bool Read(ma::FetchKind, const ma::FetchTag&, uint64_t pa, unsigned dwords, uint64_t* out) override {
    for (unsigned k = 0; k < dwords; ++k) {
      auto it = i_.mem.find((pa & ~uint64_t{7}) + 8 * k);
      out[k] = it == i_.mem.end() ? 0 : it->second;
    }
    return true;
  }

 private:
  const Image& i_;
};

spec::Result<Image> ReadImage(const std::string& path) {
  auto file = conform::ReadVectorFile(path);
  if (!file) return file.error();
  Image img;
  img.profile = *spec::LoadProfile("full");
  for (const conform::VectorLine& l : file->lines) {
    auto num = [&](size_t i) { return conform::ParseNumber(l, l.args.at(i)); };
    if (l.op == "profile" && !l.args.empty()) {
      auto p = spec::LoadProfile(l.args[0], std::vector<std::string>(l.args.begin() + 1, l.args.end()));
      if (!p) return spec::Error{l.Where(), p.error().message};
      img.profile = *p;
      img.mem.clear();
    } else if (l.op == "mem.write64" && l.args.size() == 2) {
      auto a = num(0), v = num(1);
      if (!a) return a.error();
      if (!v) return v.error();
      img.mem[*a & ~uint64_t{7}] = *v;
    } else if ((l.op == "reg.write64" || l.op == "reg.write32") && l.args.size() == 2) {
      auto v = num(1);
      if (!v) return v.error();
      if (l.args[0] == "STRTAB_BASE") img.strtab_base = *v;
      if (l.args[0] == "STRTAB_BASE_CFG") img.strtab_cfg = *v;
    }
  }
  return img;
}

// A read of the image at a symbolic 8-byte-aligned address (unwritten memory reads 0).
Bv ReadTerm(const Image& img, const Bv& addr) {
  Bv v(0);
  for (const auto& [a, x] : img.mem) v = Select(addr == Bv(a), Bv(x), v);
  return v;
}

// A stage-2 translation of a symbolic IPA for the walk of a nested stage 1 (R-WALK-013): the
// PA a table read goes to, and whether stage 2 lets it through.
struct S2Step {
  Bv pa;
  Bool ok;
};
using S2Walk = std::function<S2Step(const Bv& ipa)>;

// The walk over a symbolic IOVA, each descriptor read from the image; with `s2`, the table
// addresses are IPAs that stage 2 translates first, and `tables_ok` says whether every table
// read the walk made got through stage 2.
WalkTerms ImageWalk(const Image& img, const WalkParams& w, const Bv& va, const Bv access[3],
                    const S2Walk& s2 = nullptr, Bool* tables_ok = nullptr) {
  Bv desc[4] = {Bv(0), Bv(0), Bv(0), Bv(0)};
  Bool through[4] = {true, true, true, true};
  // Each read address depends only on the descriptors before it: build them in order.
  for (int i = 0; i < 4; ++i) {
    const WalkTerms t = WalkTerm(w, va, desc, access[0], access[1], access[2]);
    if (s2) {
      const S2Step step = s2(t.read_addr[i]);
      desc[i] = ReadTerm(img, step.pa);
      through[i] = step.ok;
    } else {
      desc[i] = ReadTerm(img, t.read_addr[i]);
    }
  }
  const WalkTerms r = WalkTerm(w, va, desc, access[0], access[1], access[2]);
  if (tables_ok != nullptr) {
    *tables_ok = true;
    for (int i = 0; i < 4; ++i) *tables_ok = *tables_ok && (Bv(i) >= r.reads || through[i]);
  }
  return r;
}

// The stage-2 walk parameters of an STE.
WalkParams Stage2Params(const ma::S2Config& s2, const spec::Profile& p) {
  WalkParams w;
  w.stage2 = true;
  w.tsz = Bv(s2.t0sz), w.granule_shift = Bv(s2.granule_shift), w.ttb = Bv(s2.ttb);
  w.start_level = Bv(static_cast<uint64_t>(s2.start_level)), w.oa_bits = Bv(s2.ps_bits);
  w.affd = Bv(s2.affd), w.xnx = Bv(p.xnx);
  return w;
}

}  // namespace

AskResult AskIovaForPa(const std::vector<std::string>& words, const ProveOptions& o) {
  const std::string q = "smmuref query --ask iova-for-pa: ";
  auto args = ParseAskArgs(words, {"--vectors", "--sid", "--ssid", "--pa", "--access"});
  if (!args) return {2, q + args.error().message + "\n"};
  for (const char* need : {"--vectors", "--sid", "--pa"}) {
    if (!args->options.count(need)) return {2, q + "needs --vectors FILE --sid S --pa X\n"};
  }
  auto img = ReadImage(args->options["--vectors"]);
  if (!img) return {2, q + img.error().ToString() + "\n"};
  auto sid = AskNumber("--sid", args->options["--sid"], 0xffffffffu);
  auto pa = AskNumber("--pa", args->options["--pa"]);
  if (!sid) return {2, q + sid.error().message + "\n"};
  if (!pa) return {2, q + pa.error().message + "\n"};
  const bool ssv = args->options.count("--ssid") != 0;
  uint64_t ssid = 0;
  if (ssv) {
    auto v = AskNumber("--ssid", args->options["--ssid"], 0xfffff);
    if (!v) return {2, q + v.error().message + "\n"};
    ssid = *v;
  }
  const std::string access = args->options.count("--access") ? args->options["--access"] : "rp";
  if (access.empty() || (access[0] != 'r' && access[0] != 'w' && access[0] != 'x') ||
      (access.size() == 2 && access[1] != 'p') || access.size() > 2) {
    return {2, q + "--access is r, w or x, then optional p, got '" + access + "'\n"};
  }
  const Bv acc[3] = {Bv(access[0] == 'w'), Bv(access[0] == 'x'), Bv(access.size() == 2)};
  const spec::Profile& p = img->profile;
  ma::StrtabRegs regs{img->strtab_base, img->strtab_cfg, true};
  ImageFetcher fetch(*img);
  auto located = ma::LocateSte(regs, static_cast<uint32_t>(*sid), p, fetch);
  if (auto* f = std::get_if<ma::Fault>(&located)) {
    return {0, "unsat: StreamID " + Hex(*sid) + " has no STE (" + f->rule + ")\n"};
  }
  const uint64_t* raw = std::get<ma::FetchedSte>(located).ste;
  const ma::SteConfig ste = ma::DecodeSte(raw, p, false);
  const auto bad = ma::SteIllegalReasons(raw, p);
  if (!ste.valid || ste.abort || !bad.empty()) {
    return {0, "unsat: the STE of StreamID " + Hex(*sid) + " translates nothing (" +
                   (!ste.valid ? "R-STE-001" : ste.abort ? "R-STE-002" : bad.front().rule) + ")\n"};
  }
  const Bv va = Bv::Var("iova");
  Bool claim = false;
  std::string how;
  if (ste.s1 && ste.s2 && ste.s2cfg.ptw) {
    // R-PERM-015 depends on the memory type stage 2 gives a table, which the walk encoding
    // does not carry.
    return {1, "not modelled by this question: nested translation with STE.S2PTW=1 (R-PERM-015)\n"};
  }
  // Stage 2 of an IPA: the walk over the image and the IPA range check (R-WALK-014). A table
  // fetch of a nested stage 1 is a privileged data read (R-WALK-013), a CD fetch a read
  // (R-TXN-008).
  const Bv fetch_acc[3] = {Bv(0), Bv(0), Bv(1)};
  const WalkParams w2 = ste.s2 ? Stage2Params(ste.s2cfg, p) : WalkParams{};
  auto stage2 = [&](const Bv& ipa, const Bv* a) {
    const WalkTerms t = ImageWalk(*img, w2, ipa, a);
    return S2Step{t.out, t.outcome == Bv(kWalkOk) && !AddressTooLargeTerm(ipa, Bv(p.ias()))};
  };
  const S2Walk s2_fetch = [&](const Bv& ipa) { return stage2(ipa, fetch_acc); };
  // A structure address of a nested stage 1 (L1CD, CD): its PA, or false when stage 2 stops it.
  auto structure_pa = [&](uint64_t ipa, uint64_t* out) {
    if (!ste.s2) {
      *out = ipa;
      return true;
    }
    const S2Step step = s2_fetch(Bv(ipa));
    if (!step.ok.expr().simplify().is_true()) return false;
    *out = step.pa.expr().simplify().get_numeral_uint64();
    return true;
  };
  if (!ste.s1 && !ste.s2) {
    claim = va == Bv(*pa) && !AddressTooLargeTerm(va, Bv(p.oas));  // R-TXN-007
    how = "bypass";
  } else if (!ste.s1) {
    const S2Step t = stage2(va, acc);
    claim = t.ok && t.pa == Bv(*pa);
    how = "stage 2";
  } else {
    const SubstreamTerms sel = SelectCdTerm(Bv(ssv), Bv(ssid), Bv(ste.s1cdmax), Bv(ste.s1dss), ConstantProfile(p));
    const uint64_t outcome = sel.outcome.expr().simplify().get_numeral_uint64();
    if (outcome != kSelectCd) return {0, "unsat: the transaction reaches no CD (select-cd " + std::to_string(outcome) + ")\n"};
    const uint32_t index = static_cast<uint32_t>(sel.index.expr().simplify().get_numeral_uint64());
    const ma::CdPath path = ma::LocateCd(ste, index);
    // Nested: L1CD and CD addresses are IPAs that stage 2 translates as reads (R-TXN-008); a
    // stage-2 fault there translates nothing.
    const std::string s2_stops = "unsat: stage 2 stops the fetch of the ";
    uint64_t cd_addr = path.cd_addr;
    if (path.two_level) {
      uint64_t l1 = 0, l1_pa = 0;
      if (!structure_pa(path.l1cd_addr, &l1_pa)) return {0, s2_stops + "L1CD (R-TXN-008)\n"};
      fetch.Read(ma::FetchKind::kL1Cd, {}, l1_pa, 1, &l1);
      if (!ma::CdAddressFromL1Cd(l1, ste, index, &cd_addr)) return {0, "unsat: the L1CD is invalid (R-TXN-013)\n"};
    }
    uint64_t cd[8], cd_pa = 0;
    if (!structure_pa(cd_addr, &cd_pa)) return {0, s2_stops + "CD (R-TXN-008)\n"};
    fetch.Read(ma::FetchKind::kCd, {}, cd_pa, 8, cd);
    ma::CdContext ctx;
    ctx.world = ste.world;
    ctx.s1stalld = ste.s1stalld;
    const auto cd_bad = ma::CdIllegalReasons(cd, p, ctx);
    if (!cd_bad.empty()) return {0, std::string("unsat: the CD translates nothing (") + cd_bad.front().rule + ")\n"};
    const ma::CdConfig c = ma::DecodeCd(cd, p, ctx);
    for (unsigned h = 0; h < 2; ++h) {
      const ma::TtbConfig& t = c.ttb[h];
      if (!t.enabled) continue;
      WalkParams w;
      w.tsz = Bv(t.tsz), w.granule_shift = Bv(t.granule_shift), w.ttb = Bv(t.ttb);
      w.oa_bits = Bv(c.ips_bits), w.affd = Bv(c.affd), w.had = Bv(t.had), w.wxn = Bv(c.wxn);
      w.pan = Bv(c.pan), w.tbi = Bv(t.tbi);
      w.world = Bv(ste.world == ma::StreamWorld::kNsEl2 ? 1 : ste.world == ma::StreamWorld::kNsEl2E2H ? 2 : 0);
      if (!ste.s2) {
        const WalkTerms r = ImageWalk(*img, w, va, acc);
        claim = claim || (SelectTtbTerm(w.world, va) == Bv(h) && r.outcome == Bv(kWalkOk) &&
                          r.out == Bv(*pa));
        continue;
      }
      // Nested: every table read and the output IPA through stage 2 (R-WALK-013), the access's
      // own permissions checked at both stages.
      Bool tables_ok = true;
      const WalkTerms r = ImageWalk(*img, w, va, acc, s2_fetch, &tables_ok);
      const S2Step out = stage2(r.out, acc);
      claim = claim || (SelectTtbTerm(w.world, va) == Bv(h) && r.outcome == Bv(kWalkOk) &&
                        tables_ok && out.ok && out.pa == Bv(*pa));
    }
    how = std::string(ste.s2 ? "nested" : "stage 1") + ", CD " + std::to_string(index);
  }
  const ProofResult r = Solve("iova-for-pa", claim, {}, o);
  const std::string what = "StreamID " + Hex(*sid) + (ssv ? " SubstreamID " + Hex(ssid) : "") + ", " + how;
  if (r.verdict == Verdict::kCounterexample) {
    return {0, "sat: IOVA " + Hex(Input(r, "iova")) + " translates to " + Hex(*pa) + " (" + what +
                   ", access " + access + ")\n"};
  }
  if (r.verdict == Verdict::kProved) {
    return {0, "unsat: no IOVA translates to " + Hex(*pa) + " (" + what + ", access " + access + ")\n"};
  }
  return {1, "unknown: " + r.reason + "\n"};
}

}  // namespace smmuref::proofs
