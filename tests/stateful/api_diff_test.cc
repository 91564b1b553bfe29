// RapidCheck stateful test: impl/api against model/api on random sequences of IOMMU API
// operations (issue 13 item 5, the API part). Every command is one `api.*` vector line, run by
// the vector executor on the lockstep API device (conform/include/smmuref/conform/api_device.h),
// which compares every result of impl and model and adopts impl's PASID and IOVA choices. The
// systems have random knobs, two instances of different page sizes, widths, features and
// coherency, and groups of several devices. A failure shrinks and prints the replayable vector
// (`smmuref vectors run --dut impl stateful_api_failure.vec`).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "smmuref/conform/api_device.h"
#include "smmuref/conform/api_vectors.h"
#include "smmuref/conform/vector.h"

namespace smmuref::stateful {
namespace {

constexpr const char* kDevices[] = {"d0", "d1", "d2", "d3", "d4"};

// What the generator knows: the names bound so far.
struct ApiModel {
  int domains = 0;                               // D0 .. D(n-1)
  int handles = 0;                               // H0 .. H(n-1)
  std::vector<std::pair<int, uint64_t>> mapped;  // (domain, iova) of the map lines so far
};

// The executor in lockstep, and the vector so far.
class ApiSut {
 public:
  ApiSut() : ex_(conform::MakeApiExecutor("impl")), vector_("smmuref-vectors 1\n") {}
  void Run(const std::string& line) {
    vector_ += line + "\n";
    auto file = conform::ParseVectorText("smmuref-vectors 1\n" + line + "\n", "stateful_api.vec");
    if (!file || file->lines.size() != 1) Fail("generated line does not parse: " + line + "\n");
    auto r = ex_->Execute(file->lines[0]);
    if (!r) Fail("generated line is bad input: " + r.error().ToString() + "\n");
    if (!r->mismatches.empty()) {
      std::string msg = "impl/model disagreement at: " + line + "\n";
      for (const auto& m : r->mismatches) msg += "  " + m + "\n";
      Fail(msg);
    }
  }

 private:
  void Fail(const std::string& why) {
    std::ofstream("stateful_api_failure.vec") << vector_;
    RC_FAIL(why + "vector (stateful_api_failure.vec):\n" + vector_);
  }
  std::unique_ptr<conform::LineExecutor> ex_;
  std::string vector_;
};

using ApiCommand = rc::state::Command<ApiModel, ApiSut>;

std::string Dev() {
  return *rc::gen::elementOf(std::vector<std::string>(std::begin(kDevices), std::end(kDevices)));
}
std::string Pick(const std::vector<std::string>& v) { return *rc::gen::elementOf(v); }
std::string Num(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}
// Addresses around 4K, 16K, 64K, 2M, 32M and 1G boundaries.
uint64_t Addr() {
  const uint64_t unit = *rc::gen::elementOf(
      std::vector<uint64_t>{0x1000, 0x4000, 0x10000, 0x200000, 0x2000000, 0x40000000});
  return unit * *rc::gen::inRange<uint64_t>(0, 9);
}
uint64_t Size() {
  return *rc::gen::elementOf(std::vector<uint64_t>{0x1000, 0x2000, 0x4000, 0x10000, 0x1ff000,
                                                   0x200000, 0x201000, 0x400000, 0x2000000,
                                                   0x40000000, 0});
}
uint32_t Pasid() { return *rc::gen::elementOf(std::vector<uint32_t>{0, 1, 2, 3, 7, 15, 16, 255}); }

// One line built when the command is generated. The names it uses must still be bound when a
// shrunk sequence runs it: a creating command binds exactly the next name, a using command
// names only bound ones.
class Line : public ApiCommand {
 public:
  void checkPreconditions(const ApiModel& m) const override {
    RC_PRE(need_domains_ <= m.domains && need_handles_ <= m.handles);
    RC_PRE(new_domain_ < 0 || new_domain_ == m.domains);
    RC_PRE(new_handle_ < 0 || new_handle_ == m.handles);
  }
  void apply(ApiModel& m) const override {
    m.domains += new_domain_ >= 0 ? 1 : 0;
    m.handles += new_handle_ >= 0 ? 1 : 0;
  }
  void run(const ApiModel&, ApiSut& sut) const override { sut.Run(line_); }
  void show(std::ostream& os) const override { os << line_; }

 protected:
  std::string Dom(const ApiModel& m) {
    if (m.domains == 0) return "!none";
    const int i = *rc::gen::inRange(0, m.domains);
    need_domains_ = std::max(need_domains_, i + 1);
    return "D" + std::to_string(i);
  }
  std::string Handle(const ApiModel& m) {
    if (m.handles == 0) return "!h";
    const int i = *rc::gen::inRange(0, m.handles);
    need_handles_ = std::max(need_handles_, i + 1);
    return "H" + std::to_string(i);
  }
  std::string line_;
  int need_domains_ = 0, need_handles_ = 0;
  int new_domain_ = -1, new_handle_ = -1;
};

struct ApiDomainAlloc : Line {
  explicit ApiDomainAlloc(const ApiModel& m) {
    new_domain_ = m.domains;
    const std::string name = "D" + std::to_string(m.domains);
    const int kind = *rc::gen::inRange(0, 5);
    switch (kind) {
      case 0: line_ = "api.domain.alloc " + name + " paging"; break;
      case 1: line_ = "api.domain.default " + name + " " + Dev(); break;
      case 2:
        line_ = "api.domain.alloc " + name + " " + Pick({"identity", "blocked"}) + " dev=" + Dev();
        break;
      default: line_ = "api.domain.alloc " + name + " paging dev=" + Dev(); break;
    }
  }
};

struct ApiDomainFree : Line {
  explicit ApiDomainFree(const ApiModel& m) { line_ = "api.domain.free " + Dom(m); }
};

struct ApiAttach : Line {
  explicit ApiAttach(const ApiModel& m) {
    line_ =
        Pick({"api.attach", "api.attach_group", "api.detach", "api.detach_group", "api.replace"}) +
        " " + Dom(m) + " " + Dev();
  }
};

struct ApiOwner : Line {
  explicit ApiOwner(const ApiModel&) {
    const std::string op = Pick({"claim", "release", "use_default", "unuse_default"});
    line_ = "api.owner." + op + " " + Dev() + (op == "claim" ? " " + Pick({"o1", "o2"}) : "");
  }
};

struct ApiMap : Line {
  explicit ApiMap(const ApiModel& m) : iova_(Addr()) {
    const std::string dom = Dom(m);
    domain_ = need_domains_ - 1;
    const uint64_t pa = *rc::gen::inRange(0, 2) == 0 ? iova_ : Addr() + Addr();
    line_ = "api.map " + dom + " " + Num(iova_) + " " + Num(pa) + " " + Num(Size()) + " " +
            Pick({"rw", "r", "w", "-", "rwn", "rwp", "rc"});
  }
  void apply(ApiModel& m) const override {
    Line::apply(m);
    if (domain_ >= 0) m.mapped.emplace_back(domain_, iova_);
  }
  uint64_t iova_;
  int domain_ = -1;
};

// Unmaps at or inside an earlier map line's range most of the time.
struct ApiUnmap : Line {
  explicit ApiUnmap(const ApiModel& m) {
    if (m.mapped.empty() || *rc::gen::inRange(0, 3) == 0) {
      line_ = "api.unmap " + Dom(m) + " " + Num(Addr()) + " " + Num(Size());
      return;
    }
    const auto [dom, iova] = m.mapped[*rc::gen::inRange<size_t>(0, m.mapped.size())];
    need_domains_ = dom + 1;
    const uint64_t inside =
        *rc::gen::elementOf(std::vector<uint64_t>{0, 0, 0x1000, 0x4000, 0x10000, 0x100000});
    line_ = "api.unmap D" + std::to_string(dom) + " " + Num(iova + inside) + " " + Num(Size());
  }
};

struct ApiQuery : Line {
  explicit ApiQuery(const ApiModel& m) {
    const uint64_t iova = Addr() + *rc::gen::elementOf(std::vector<uint64_t>{0, 0x10, 0xfff});
    switch (*rc::gen::inRange(0, 8)) {
      case 0: line_ = "api.iova_to_phys " + Dom(m) + " " + Num(iova); break;
      case 1: line_ = "api.expect.leaf " + Dom(m) + " " + Num(iova) + " none"; break;
      case 2:
        line_ = "api.expect.access " + Dom(m) + " " + Num(iova) + " " +
                Pick({"r", "w", "x", "rp"}) + " ok";
        break;
      case 3: line_ = "api.expect.pasid " + Dev() + " " + std::to_string(Pasid()) + " any"; break;
      case 4: line_ = "api.expect.domain " + Dev() + " default"; break;
      case 5: line_ = "api.expect.walker_clean " + Dom(m) + " yes"; break;
      case 6: line_ = "api.expect.aux_path " + Dev() + " on"; break;
      default: line_ = "api.expect.pasid_allocated " + std::to_string(Pasid()) + " yes"; break;
    }
  }
};

struct ApiPasid : Line {
  explicit ApiPasid(const ApiModel& m) {
    const std::string p = std::to_string(Pasid());
    switch (*rc::gen::inRange(0, 5)) {
      case 0:
        line_ = "api.pasid.alloc " + Dev() + (*rc::gen::inRange(0, 4) == 0 ? " pasid=" + p : "");
        break;
      case 1: line_ = "api.pasid.free " + p; break;
      default:
        line_ = "api.pasid." + Pick({"attach", "replace", "detach"}) + " " + Dom(m) + " " + Dev() +
                " " + p;
    }
  }
};

struct ApiSva : Line {
  explicit ApiSva(const ApiModel& m) {
    const std::string mm = Pick({"mm1", "mm2", "mm3"});
    switch (*rc::gen::inRange(0, 7)) {
      case 0:
      case 1:
        new_handle_ = m.handles;
        line_ = "api.sva.bind H" + std::to_string(m.handles) + " " + Dev() + " " + mm;
        break;
      case 2: line_ = "api.sva.unbind " + Handle(m); break;
      case 3: line_ = "api.mm.exit " + mm; break;
      case 4:
        line_ = "api.feature." + Pick({"enable", "disable"}) + " " + Dev() + " " +
                Pick({"sva", "iopf", "aux"});
        break;
      case 5: line_ = Pick({"api.sva.init ", "api.sva.shutdown "}) + Dev(); break;
      default: line_ = "api.sva.pasid " + Handle(m); break;
    }
  }
};

struct ApiAux : Line {
  explicit ApiAux(const ApiModel& m) {
    line_ = "api.aux." + Pick({"attach", "detach", "pasid"}) + " " + Dom(m) + " " + Dev();
  }
};

struct ApiDma : Line {
  explicit ApiDma(const ApiModel&) {
    const std::string dev = Dev();
    const uint64_t phys = Addr() + *rc::gen::elementOf(std::vector<uint64_t>{0, 0x800});
    const uint64_t top = *rc::gen::elementOf(
        std::vector<uint64_t>{0xfffff000, 0xffffe000, 0xffffc000, 0xfffe0000, 0xffe00000});
    switch (*rc::gen::inRange(0, 6)) {
      case 0:
        line_ = "api.dma.map " + dev + " " + Num(phys) + " " + Num(Size()) + " " +
                Pick({"to_device", "from_device", "bidir"});
        break;
      case 1:
        line_ = "api.dma.alloc " + dev + " " + Num(Size()) + " " + Num(phys & ~uint64_t{0xfff});
        break;
      case 2: line_ = "api.dma.unmap " + dev + " " + Num(top) + " " + Num(Size()); break;
      case 3: line_ = "api.dma.free " + dev + " " + Num(Size()) + " " + Num(top); break;
      case 4:
        line_ = "api.dma.sync " + dev + " " + Num(top) + " 0x100 bidir " + Pick({"device", "cpu"});
        break;
      default:
        line_ = "api.dma.mask " + dev + " " + Pick({"0xffffffff", "0xffffffffff", "0"});
        break;
    }
  }
};

struct ApiRemove : Line {
  explicit ApiRemove(const ApiModel&) { line_ = "api.device.remove " + Dev(); }
};

// The system: knobs, two instances, five devices (d1 aliases d0, d4 is identity-default).
std::vector<std::string> Setup() {
  std::vector<std::string> l;
  l.push_back("api.knob partial_unmap=" + Pick({"reject", "split", "whole"}) +
              " map_overlap=" + Pick({"replace_tables", "strict"}) +
              " domain_scope=" + Pick({"per_device", "legacy", "legacy_cross_instance"}) +
              " pasid_lifetime=" + Pick({"mm_exit", "last_unbind"}) +
              " sva_init=" + Pick({"modern", "feature_unchecked", "feature", "rfc2018"}) +
              " aux_domains=" + Pick({"on", "off"}) + " min_pasid=" + Pick({"0", "1", "2"}));
  for (const char* inst : {"i0", "i1"}) {
    l.push_back(std::string("api.instance ") + inst + " pgsize=" +
                Pick({"0x40201000", "0x2004000", "0x20010000", "0x1000", "0x40200000"}) +
                " ias=" + Pick({"32", "40", "48"}) + " oas=" + Pick({"32", "44", "48"}) +
                " pasid_bits=" + Pick({"0", "2", "4", "20"}) +
                " features=" + Pick({"sva", "sva+iopf", "aux", "sva+iopf+aux", "iopf"}) +
                " coherent_walk=" + Pick({"0", "1"}));
  }
  const std::string bits = " pasid_bits=" + Pick({"0", "3", "20"});
  l.push_back("api.device d0 i0 sids=1" + bits);
  l.push_back("api.device d1 i0 sids=2 alias=d0" + bits);
  l.push_back("api.device d2 i0 sids=3,4 pasid_bits=" + Pick({"0", "4"}) +
              " coherent=" + Pick({"0", "1"}));
  l.push_back("api.device d3 i1 sids=1" + bits + " require_direct=" + Pick({"0", "1"}));
  l.push_back("api.device d4 i1 sids=5 default=" + Pick({"dma", "identity"}));
  return l;
}

void CheckSequences() {
  ApiSut sut;
  for (const auto& l : Setup()) sut.Run(l);
  ApiModel init;
  const auto gen = rc::state::gen::execOneOfWithArgs<
      ApiDomainAlloc, ApiDomainAlloc, ApiDomainFree, ApiAttach, ApiAttach, ApiOwner, ApiMap, ApiMap,
      ApiMap, ApiUnmap, ApiUnmap, ApiQuery, ApiQuery, ApiPasid, ApiPasid, ApiSva, ApiSva, ApiSva,
      ApiAux, ApiDma, ApiDma, ApiDma, ApiRemove>();
  const auto cmds = *rc::gen::resize(120, rc::state::gen::commands(init, gen));
  rc::state::runAll(cmds, init, sut);
}

RC_GTEST_PROP(StatefulApiDiff, ImplAgreesWithModelOnRandomOperations, ()) { CheckSequences(); }

}  // namespace
}  // namespace smmuref::stateful
