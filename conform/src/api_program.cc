// Random IOMMU API programs as `api.*` vector lines (api_program.h). Addresses and sizes sit on
// and around the 4K, 16K, 64K, 2M, 32M and 1G boundaries that page-size selection turns on
// (R-MAP-*), PASIDs around min_pasid and small PASID widths (R-PASID-*), DMA addresses at the
// top of a 32-bit mask, where the DMA API allocates first.
// Tests: tests/stateful/api_diff_test.cc, tests/fuzz/api_diff_planted_test.cc.
#include "smmuref/conform/api_program.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace smmuref::conform {
namespace {

constexpr const char* kDevices[] = {"d0", "d1", "d2", "d3", "d4"};

template <typename T>
T Pick(Random& r, const std::vector<T>& v) {
  return v[r.Below(v.size())];
}
std::string Pick(Random& r, std::initializer_list<const char*> v) {
  return *(v.begin() + r.Below(v.size()));
}
std::string Dev(Random& r) { return kDevices[r.Below(std::size(kDevices))]; }
std::string Num(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}
uint64_t Addr(Random& r) {
  const uint64_t unit =
      Pick<uint64_t>(r, {0x1000, 0x4000, 0x10000, 0x200000, 0x2000000, 0x40000000});
  return unit * r.Below(9);
}
uint64_t Size(Random& r) {
  return Pick<uint64_t>(r, {0x1000, 0x2000, 0x4000, 0x10000, 0x1ff000, 0x200000, 0x201000,
                            0x400000, 0x2000000, 0x40000000, 0});
}
std::string Pasid(Random& r) {
  return std::to_string(Pick<uint32_t>(r, {0, 1, 2, 3, 7, 15, 16, 255}));
}

// Builds one line, recording the names it uses.
class Builder {
 public:
  Builder(const ApiNames& n, Random& r) : n_(n), r_(r) {}
  std::string Dom() {
    if (n_.domains == 0) return "!none";
    const int i = static_cast<int>(r_.Below(static_cast<uint64_t>(n_.domains)));
    out_.need_domains = std::max(out_.need_domains, i + 1);
    return "D" + std::to_string(i);
  }
  std::string Handle() {
    if (n_.handles == 0) return "!h";
    const int i = static_cast<int>(r_.Below(static_cast<uint64_t>(n_.handles)));
    out_.need_handles = std::max(out_.need_handles, i + 1);
    return "H" + std::to_string(i);
  }

  ApiOpLine Make(ApiOp op) {
    std::string& l = out_.text;
    switch (op) {
      case ApiOp::kDomainAlloc: l = DomainAlloc(); break;
      case ApiOp::kDomainFree: l = "api.domain.free " + Dom(); break;
      case ApiOp::kAttach:
        l = Pick(r_, {"api.attach", "api.attach_group", "api.detach", "api.detach_group",
                      "api.replace"});
        l += " " + Dom() + " " + Dev(r_);
        break;
      case ApiOp::kOwner: {
        const std::string o = Pick(r_, {"claim", "release", "use_default", "unuse_default"});
        l = "api.owner." + o + " " + Dev(r_) + (o == "claim" ? " " + Pick(r_, {"o1", "o2"}) : "");
        break;
      }
      case ApiOp::kMap: l = Map(); break;
      case ApiOp::kUnmap: l = Unmap(); break;
      case ApiOp::kQuery: l = Query(); break;
      case ApiOp::kPasid: l = PasidOp(); break;
      case ApiOp::kSva: l = Sva(); break;
      case ApiOp::kAux:
        l = "api.aux." + Pick(r_, {"attach", "detach", "pasid"}) + " " + Dom() + " " + Dev(r_);
        break;
      case ApiOp::kDma: l = Dma(); break;
      case ApiOp::kRemove: l = "api.device.remove " + Dev(r_); break;
    }
    return out_;
  }

 private:
  std::string DomainAlloc() {
    out_.new_domain = n_.domains;
    const std::string name = "D" + std::to_string(n_.domains);
    switch (r_.Below(5)) {
      case 0: return "api.domain.alloc " + name + " paging";
      case 1: return "api.domain.default " + name + " " + Dev(r_);
      case 2:
        return "api.domain.alloc " + name + " " + Pick(r_, {"identity", "blocked"}) +
               " dev=" + Dev(r_);
      default: return "api.domain.alloc " + name + " paging dev=" + Dev(r_);
    }
  }
  std::string Map() {
    const uint64_t iova = Addr(r_);
    const std::string dom = Dom();
    if (out_.need_domains > 0) out_.mapped.emplace(out_.need_domains - 1, iova);
    const uint64_t pa = r_.Below(2) == 0 ? iova : Addr(r_) + Addr(r_);
    return "api.map " + dom + " " + Num(iova) + " " + Num(pa) + " " + Num(Size(r_)) + " " +
           Pick(r_, {"rw", "r", "w", "-", "rwn", "rwp", "rc"});
  }
  // At or inside an earlier map line's range most of the time.
  std::string Unmap() {
    if (n_.mapped.empty() || r_.Below(3) == 0) {
      return "api.unmap " + Dom() + " " + Num(Addr(r_)) + " " + Num(Size(r_));
    }
    const auto [dom, iova] = Pick(r_, n_.mapped);
    out_.need_domains = dom + 1;
    const uint64_t inside = Pick<uint64_t>(r_, {0, 0, 0x1000, 0x4000, 0x10000, 0x100000});
    return "api.unmap D" + std::to_string(dom) + " " + Num(iova + inside) + " " + Num(Size(r_));
  }
  std::string Query() {
    const uint64_t iova = Addr(r_) + Pick<uint64_t>(r_, {0, 0x10, 0xfff});
    switch (r_.Below(8)) {
      case 0: return "api.iova_to_phys " + Dom() + " " + Num(iova);
      case 1: return "api.expect.leaf " + Dom() + " " + Num(iova) + " none";
      case 2:
        return "api.expect.access " + Dom() + " " + Num(iova) + " " +
               Pick(r_, {"r", "w", "x", "rp"}) + " ok";
      case 3: return "api.expect.pasid " + Dev(r_) + " " + Pasid(r_) + " any";
      case 4: return "api.expect.domain " + Dev(r_) + " default";
      case 5: return "api.expect.walker_clean " + Dom() + " yes";
      case 6: return "api.expect.aux_path " + Dev(r_) + " on";
      default: return "api.expect.pasid_allocated " + Pasid(r_) + " yes";
    }
  }
  std::string PasidOp() {
    const std::string p = Pasid(r_);
    switch (r_.Below(5)) {
      case 0: return "api.pasid.alloc " + Dev(r_) + (r_.Below(4) == 0 ? " pasid=" + p : "");
      case 1: return "api.pasid.free " + p;
      default:
        return "api.pasid." + Pick(r_, {"attach", "replace", "detach"}) + " " + Dom() + " " +
               Dev(r_) + " " + p;
    }
  }
  std::string Sva() {
    const std::string mm = Pick(r_, {"mm1", "mm2", "mm3"});
    switch (r_.Below(7)) {
      case 0:
      case 1:
        out_.new_handle = n_.handles;
        return "api.sva.bind H" + std::to_string(n_.handles) + " " + Dev(r_) + " " + mm;
      case 2: return "api.sva.unbind " + Handle();
      case 3: return "api.mm.exit " + mm;
      case 4:
        return "api.feature." + Pick(r_, {"enable", "disable"}) + " " + Dev(r_) + " " +
               Pick(r_, {"sva", "iopf", "aux"});
      case 5: return Pick(r_, {"api.sva.init ", "api.sva.shutdown "}) + Dev(r_);
      default: return "api.sva.pasid " + Handle();
    }
  }
  std::string Dma() {
    const std::string dev = Dev(r_);
    const uint64_t phys = Addr(r_) + Pick<uint64_t>(r_, {0, 0x800});
    const uint64_t top =
        Pick<uint64_t>(r_, {0xfffff000, 0xffffe000, 0xffffc000, 0xfffe0000, 0xffe00000});
    switch (r_.Below(6)) {
      case 0:
        return "api.dma.map " + dev + " " + Num(phys) + " " + Num(Size(r_)) + " " +
               Pick(r_, {"to_device", "from_device", "bidir"});
      case 1: return "api.dma.alloc " + dev + " " + Num(Size(r_)) + " " + Num(phys & ~0xfffull);
      case 2: return "api.dma.unmap " + dev + " " + Num(top) + " " + Num(Size(r_));
      case 3: return "api.dma.free " + dev + " " + Num(Size(r_)) + " " + Num(top);
      case 4:
        return "api.dma.sync " + dev + " " + Num(top) + " 0x100 bidir " +
               Pick(r_, {"device", "cpu"});
      default: return "api.dma.mask " + dev + " " + Pick(r_, {"0xffffffff", "0xffffffffff", "0"});
    }
  }

  const ApiNames& n_;
  Random& r_;
  ApiOpLine out_;
};

}  // namespace

bool ApiOpLine::Fits(const ApiNames& n) const {
  return need_domains <= n.domains && need_handles <= n.handles &&
         (new_domain < 0 || new_domain == n.domains) && (new_handle < 0 || new_handle == n.handles);
}

void ApiOpLine::Apply(ApiNames& n) const {
  n.domains += new_domain >= 0 ? 1 : 0;
  n.handles += new_handle >= 0 ? 1 : 0;
  if (mapped) n.mapped.push_back(*mapped);
}

const std::vector<ApiOp>& ApiOpMix() {
  using O = ApiOp;
  static const std::vector<ApiOp> mix = {
      O::kDomainAlloc, O::kDomainAlloc, O::kDomainFree, O::kAttach, O::kAttach, O::kOwner,
      O::kMap,         O::kMap,         O::kMap,        O::kUnmap,  O::kUnmap,  O::kQuery,
      O::kQuery,       O::kPasid,       O::kPasid,      O::kSva,    O::kSva,    O::kSva,
      O::kAux,         O::kDma,         O::kDma,        O::kDma,    O::kRemove};
  return mix;
}

ApiOpLine MakeApiOp(ApiOp op, const ApiNames& names, Random& r) {
  return Builder(names, r).Make(op);
}

std::vector<std::string> MakeApiSetup(Random& r) {
  std::vector<std::string> l;
  std::string knobs = "api.knob partial_unmap=" + Pick(r, {"reject", "split", "whole"});
  knobs += " map_overlap=" + Pick(r, {"replace_tables", "strict"});
  knobs += " domain_scope=" + Pick(r, {"per_device", "legacy", "legacy_cross_instance"});
  knobs += " pasid_lifetime=" + Pick(r, {"mm_exit", "last_unbind"});
  knobs += " sva_init=" + Pick(r, {"modern", "feature_unchecked", "feature", "rfc2018"});
  knobs += " aux_domains=" + Pick(r, {"on", "off"});
  knobs += " min_pasid=" + Pick(r, {"0", "1", "2"});
  l.push_back(knobs);
  for (const char* inst : {"i0", "i1"}) {
    std::string i = std::string("api.instance ") + inst;
    i += " pgsize=" + Pick(r, {"0x40201000", "0x2004000", "0x20010000", "0x1000", "0x40200000"});
    i += " ias=" + Pick(r, {"32", "40", "48"});
    i += " oas=" + Pick(r, {"32", "44", "48"});
    i += " pasid_bits=" + Pick(r, {"0", "2", "4", "20"});
    i += " features=" + Pick(r, {"sva", "sva+iopf", "aux", "sva+iopf+aux", "iopf"});
    i += " coherent_walk=" + Pick(r, {"0", "1"});
    l.push_back(i);
  }
  const std::string bits = " pasid_bits=" + Pick(r, {"0", "3", "20"});
  l.push_back("api.device d0 i0 sids=1" + bits);
  l.push_back("api.device d1 i0 sids=2 alias=d0" + bits);
  l.push_back("api.device d2 i0 sids=3,4 pasid_bits=" + Pick(r, {"0", "4"}) +
              " coherent=" + Pick(r, {"0", "1"}));
  l.push_back("api.device d3 i1 sids=1" + bits + " require_direct=" + Pick(r, {"0", "1"}));
  l.push_back("api.device d4 i1 sids=5 default=" + Pick(r, {"dma", "identity"}));
  return l;
}

std::string RunApiLine(LineExecutor& ex, const std::string& line) {
  auto file = ParseVectorText("smmuref-vectors 1\n" + line + "\n", "api_program.vec");
  if (!file || file->lines.size() != 1) return "generated line does not parse: " + line;
  auto r = ex.Execute(file->lines[0]);
  if (!r) return "generated line is bad input: " + r.error().ToString();
  if (r->mismatches.empty()) return "";
  std::string msg = "impl/model disagreement at: " + line;
  for (const auto& m : r->mismatches) msg += "\n  " + m;
  return msg;
}

ApiProgramRun RunApiProgram(Random& r, LineExecutor& ex, size_t max_ops,
                            const std::function<bool()>& more) {
  ApiProgramRun run{"smmuref-vectors 1\n", ""};
  auto step = [&](const std::string& line) {
    run.vector += line + "\n";
    run.failure = RunApiLine(ex, line);
    return run.failure.empty();
  };
  for (const auto& l : MakeApiSetup(r)) {
    if (!step(l)) return run;
  }
  ApiNames names;
  for (size_t i = 0; i < max_ops && more(); ++i) {
    const ApiOpLine op = MakeApiOp(Pick(r, ApiOpMix()), names, r);
    if (!step(op.text)) return run;
    op.Apply(names);
  }
  return run;
}

}  // namespace smmuref::conform
