// Random realistic programs for differential checking (see progen.h).
// Structures are encoded through the spec field tables; page tables are built level by level
// with the VMSAv8-64 index arithmetic.
#include "smmuref/conform/progen.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "smmuref/spec/profile.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform {

uint64_t SeededRandom::Below(uint64_t n) {
  uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return (z ^ (z >> 31)) % n;
}

namespace {

namespace fs = spec::ste;
namespace fc = spec::cd;

constexpr uint64_t kStrtab = 0x100000, kEvtq = 0x200000, kCmdq = 0x210000;
constexpr uint64_t kS2Page = 0x7ff;   // valid page: MemAttr 0xF, S2AP RW, SH ISH, AF
constexpr uint64_t kS2Block = 0x7fd;  // the same as a block

struct Root {
  uint64_t base = 0;
  int start = 0;
  unsigned g = 12;
  unsigned ia = 48;
};

struct Leaf {
  uint64_t va = 0;       // input address (VA or IPA)
  uint64_t desc_pa = 0;
  unsigned size_log2 = 12;
  bool s2 = false;
  unsigned g = 12;       // granule of its table
  int level = 3;
};

enum class Kind { kAbort, kInvalid, kBypass, kS1, kS2, kNested };

struct Stream {
  uint32_t sid = 0;
  Kind kind = Kind::kBypass;
  uint64_t ste_pa = 0;
  uint64_t ste[8] = {};
  uint64_t cd_pa = 0;
  uint64_t cd[8] = {};
  bool substreams = false;
  uint16_t asid = 0, vmid = 0;
  std::vector<Leaf> leaves;
};

struct Dirty {
  enum class What { kConfig, kS1, kS2 } what;
  const Stream* s;
  uint64_t va;
  unsigned g = 12;
  int level = 3;
};

unsigned LevelShift(unsigned g, int level) { return g + static_cast<unsigned>(3 - level) * (g - 3); }

class Generator {
 public:
  explicit Generator(Random& r) : r_(r) {}
  std::string Run(const GenOptions& o);

 private:
  void Line(const char* fmt, uint64_t a = 0, uint64_t b = 0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, fmt, static_cast<unsigned long long>(a),
                  static_cast<unsigned long long>(b));
    out_ += buf;
    out_ += '\n';
  }
  void W(uint64_t pa, uint64_t v) {
    mem_[pa] = v;
    Line("mem.write64 0x%llx 0x%llx", pa, v);
    if (!p_.coherent_walk && r_.Chance(70)) Line("mem.clean 0x%llx 8", pa);
  }
  uint64_t Rd(uint64_t pa) const {
    auto it = mem_.find(pa);
    return it == mem_.end() ? 0 : it->second;
  }
  uint64_t Alloc(uint64_t size, uint64_t align) {
    next_ = (next_ + align - 1) & ~(align - 1);
    const uint64_t a = next_;
    next_ += size;
    return a;
  }
  // The command queue holds 16 commands (CMDQ_BASE LOG2SIZE 4); a driver lets the SMMU consume
  // them before the queue is full, and the runner rejects a `cmd` into a full queue.
  void Cmd(uint64_t dw0, uint64_t dw1) {
    if (queued_ == 16) Process();
    Line("cmd 0x%llx 0x%llx", dw0, dw1);
    ++queued_;
  }
  void Process() {
    Line("process");
    queued_ = 0;
  }
  void Sync() {
    Cmd(0x46, 0);
    Process();
  }

  void ChooseProfile();
  Root NewRoot(unsigned g, unsigned ia, int start);
  uint64_t LeafAddress(const Root& rt, uint64_t va, int level);
  void MapS1(Stream& s, const Root& rt, bool nested);
  void MapS2(Stream& s, const Root& rt);
  Root S2Identity();
  void BuildStream(Stream& s);
  void BuildCd(Stream& s, uint16_t asid, Root* rt);
  void WriteSte(Stream& s);
  void Txn();
  void Remap();
  void RewriteConfig();
  void Invalidate();
  // A range CMD_TLBI_NH_VA (IDR3.RIL) whose range holds the changed entry at a random position,
  // with the TTL of its level [IHI0070 §4.4.1].
  uint64_t RangeTlbiNhVa(const Dirty& d, uint64_t vmid) {
    range_num_ = r_.Below(4);
    range_scale_ = r_.Below(2);
    const uint64_t pages = (range_num_ + 1) << range_scale_;
    range_before_ = r_.Below(pages);
    return 0x12 | (range_num_ << 12) | (range_scale_ << 20) | vmid | (uint64_t{d.s->asid} << 48);
  }
  uint64_t RangeAddress(const Dirty& d) const {
    const uint64_t tg = d.g == 12 ? 1 : d.g == 14 ? 2 : 3;
    const uint64_t base = (d.va >> d.g << d.g) - (range_before_ << d.g);
    return (base & ~0xfffull) | (tg << 10) | (static_cast<uint64_t>(d.level) << 8);
  }
  uint64_t range_num_ = 0, range_scale_ = 0, range_before_ = 0;

  Random& r_;
  spec::Profile p_;
  std::string out_;
  std::map<uint64_t, uint64_t> mem_;
  uint64_t next_ = 0x1000000;
  int queued_ = 0;  // commands written since the last `process`
  std::vector<Stream> streams_;
  std::vector<Dirty> dirty_;
  Root s2_identity_;
  bool have_identity_ = false;
};

void Generator::ChooseProfile() {
  static const char* kProfiles[] = {"full", "full", "full-v32", "s1only-nossid", "s2only",
                                    "noncoherent"};
  const char* name = kProfiles[r_.Below(6)];
  std::string overrides;
  if (r_.Chance(15)) overrides += " attr_perms_ovr=1";
  if (r_.Chance(10)) overrides += " cmd_res0_ill=1";
  auto p = spec::LoadProfile(name);
  for (const char* o : {"attr_perms_ovr=1", "cmd_res0_ill=1"}) {
    if (overrides.find(o) != std::string::npos) spec::SetProfileKey(*p, std::string(o).substr(0, std::string(o).find('=')), "1");
  }
  p_ = *p;
  out_ += std::string("profile ") + name + overrides + "\n";
}

Root Generator::NewRoot(unsigned g, unsigned ia, int start) {
  Root rt{0, start, g, ia};
  const unsigned bits = ia - LevelShift(g, start);
  const uint64_t size = std::max<uint64_t>(64, uint64_t{8} << bits);
  rt.base = Alloc(size, std::max<uint64_t>(size, 1u << g));
  return rt;
}

// The PA of the descriptor for `va` at `level`, creating intermediate tables as needed.
uint64_t Generator::LeafAddress(const Root& rt, uint64_t va, int level) {
  uint64_t table = rt.base;
  for (int l = rt.start;; ++l) {
    const unsigned shift = LevelShift(rt.g, l);
    const unsigned bits = l == rt.start ? rt.ia - shift : rt.g - 3;
    const uint64_t pa = table + ((va >> shift) & ((uint64_t{1} << bits) - 1)) * 8;
    if (l == level) return pa;
    uint64_t d = Rd(pa);
    if ((d & 3) != 3) {
      d = Alloc(uint64_t{1} << rt.g, uint64_t{1} << rt.g) | 3;
      W(pa, d);
    }
    table = d & 0x0000fffffffff000ull & ~((uint64_t{1} << rt.g) - 1);
  }
}

void Generator::MapS1(Stream& s, const Root& rt, bool nested) {
  const int n = 2 + static_cast<int>(r_.Below(4));
  for (int i = 0; i < n; ++i) {
    const bool block = r_.Chance(20) && rt.start <= 2;
    const int level = block ? 2 : 3;
    const unsigned size_log2 = LevelShift(rt.g, level);
    // Pages in the lower half of the input range, blocks in the upper half: they never share a
    // table.
    const uint64_t half = uint64_t{1} << (rt.ia - 1);
    const uint64_t va = (block ? half : 0) + (r_.Below(half >> size_log2) << size_log2);
    const uint64_t oa = 0x40000000 + (r_.Below(0x80000000ull >> size_log2) << size_log2);
    uint64_t d = oa | (block ? 1 : 3);
    if (!r_.Chance(10)) spec::Set(&d, spec::desc_s1::AF, 1);
    spec::Set(&d, spec::desc_s1::AP, r_.Below(4));
    spec::Set(&d, spec::desc_s1::nG, r_.Chance(70));
    if (r_.Chance(20)) spec::Set(&d, spec::desc_s1::UXN, 1);
    if (r_.Chance(20)) spec::Set(&d, spec::desc_s1::PXN, 1);
    const uint64_t pa = LeafAddress(rt, va, level);
    W(pa, d);
    s.leaves.push_back(Leaf{va, pa, size_log2, false, rt.g, level});
  }
  (void)nested;
}

void Generator::MapS2(Stream& s, const Root& rt) {
  const int n = 2 + static_cast<int>(r_.Below(4));
  for (int i = 0; i < n; ++i) {
    const unsigned size_log2 = rt.g;
    const uint64_t ipa = r_.Below((uint64_t{1} << (rt.ia - 1)) >> size_log2) << size_log2;
    const uint64_t oa = 0x40000000 + (r_.Below(0x80000000ull >> size_log2) << size_log2);
    uint64_t d = oa | kS2Page;
    spec::Set(&d, spec::desc_s2::S2AP, r_.Chance(70) ? 3 : r_.Below(4));
    if (r_.Chance(10)) spec::Set(&d, spec::desc_s2::AF, 0);
    if (r_.Chance(20)) spec::Set(&d, spec::desc_s2::XN, r_.Below(4));
    const uint64_t pa = LeafAddress(rt, ipa, 3);
    W(pa, d);
    s.leaves.push_back(Leaf{ipa, pa, size_log2, true, rt.g, 3});
  }
}

// Stage 2 mapping IPA [0, 4GB) to the same PAs with 1GB blocks: 4KB granule, S2T0SZ=32, start
// level 1 (S2SL0=1).
Root Generator::S2Identity() {
  if (!have_identity_) {
    s2_identity_ = NewRoot(12, 32, 1);
    for (uint64_t i = 0; i < 4; ++i) W(s2_identity_.base + 8 * i, (i << 30) | kS2Block);
    have_identity_ = true;
  }
  return s2_identity_;
}

void Generator::BuildCd(Stream& s, uint16_t asid, Root* rt) {
  const S1Shape shape = RandomS1Shape(r_, p_);
  *rt = NewRoot(shape.granule_shift, shape.ia, shape.start_level);
  RandomCd(r_, p_, shape, asid, rt->base, s.cd);
}

void Generator::WriteSte(Stream& s) {
  for (int i = 7; i >= 0; --i) W(s.ste_pa + 8 * i, s.ste[i]);
}

void Generator::BuildStream(Stream& s) {
  std::fill(s.ste, s.ste + 8, 0);
  s.vmid = static_cast<uint16_t>(1 + r_.Below(2));
  s.asid = static_cast<uint16_t>(1 + r_.Below(3));
  spec::Set(s.ste, fs::V, s.kind != Kind::kInvalid);
  const unsigned config = s.kind == Kind::kAbort ? 0 : s.kind == Kind::kBypass ? 4
                          : s.kind == Kind::kS1 ? 5 : s.kind == Kind::kS2 ? 6 : 7;
  spec::Set(s.ste, fs::Config, s.kind == Kind::kInvalid ? 5 : config);
  if (p_.attr_perms_ovr && r_.Chance(30)) {
    spec::Set(s.ste, fs::PRIVCFG, r_.Below(4));
    spec::Set(s.ste, fs::INSTCFG, r_.Below(4));
  }
  if (p_.s2p) spec::Set(s.ste, fs::S2VMID, s.vmid);
  if (s.kind == Kind::kS1 || s.kind == Kind::kNested) {
    Root rt;
    BuildCd(s, s.asid, &rt);
    MapS1(s, rt, s.kind == Kind::kNested);
    s.substreams = p_.ssidsize > 0 && r_.Chance(30);
    if (s.substreams) {
      // A linear table of four CDs; CD[0] is the stream's, the others share its tables with
      // other ASIDs or stay invalid.
      s.cd_pa = Alloc(256, 256);
      for (uint32_t i = 0; i < 4; ++i) {
        if (i > 0 && r_.Chance(40)) continue;
        uint64_t cd[8];
        std::copy(s.cd, s.cd + 8, cd);
        if (i > 0) spec::Set(cd, fc::ASID, s.asid + 4 * i);
        for (int k = 7; k >= 0; --k) W(s.cd_pa + 64 * i + 8 * k, cd[k]);
      }
      spec::Set(s.ste, fs::S1CDMax, 2);
      spec::Set(s.ste, fs::S1DSS, r_.Below(3));
    } else {
      s.cd_pa = Alloc(64, 64);
      for (int k = 7; k >= 0; --k) W(s.cd_pa + 8 * k, s.cd[k]);
    }
    spec::Set(s.ste, fs::S1ContextPtr, s.cd_pa >> 6);
  }
  if (s.kind == Kind::kS2 || s.kind == Kind::kNested) {
    Root rt;
    if (s.kind == Kind::kNested) {
      rt = S2Identity();
    } else {
      const bool g64 = p_.gran64k && r_.Chance(40);
      rt = NewRoot(g64 ? 16 : 12, 32, g64 ? 2 : 1);
      MapS2(s, rt);
    }
    spec::Set(s.ste, fs::S2T0SZ, 32);
    spec::Set(s.ste, fs::S2SL0, 1);
    spec::Set(s.ste, fs::S2TG, rt.g == 16 ? 1 : 0);
    spec::Set(s.ste, fs::S2PS, 5);
    spec::Set(s.ste, fs::S2AA64, 1);
    spec::Set(s.ste, fs::S2R, r_.Chance(90));
    spec::Set(s.ste, fs::S2AFFD, r_.Chance(20));
    spec::Set(s.ste, fs::S2TTB, rt.base >> 4);
  }
  WriteSte(s);
}

void Generator::Txn() {
  const bool known = !streams_.empty() && r_.Chance(90);
  const Stream* s = known ? &streams_[r_.Below(streams_.size())] : nullptr;
  const uint64_t sid = s ? s->sid : r_.Below(20);
  uint64_t addr = r_.Below(uint64_t{1} << 40) & ~uint64_t{7};
  if (s && !s->leaves.empty() && r_.Chance(85)) {
    const Leaf& l = s->leaves[r_.Below(s->leaves.size())];
    addr = l.va + (r_.Below(uint64_t{1} << l.size_log2) & ~uint64_t{7});
  }
  if (r_.Chance(5)) addr |= r_.Below(256) << 56;  // top byte: TBI and range checks
  static const char* kAccess[] = {"r", "w", "x", "rp", "wp", "xp", "rp", "wp"};
  char ssid[16] = "-";
  if (s && s->substreams && r_.Chance(40)) std::snprintf(ssid, sizeof ssid, "%u", static_cast<unsigned>(r_.Below(5)));
  char buf[96];
  std::snprintf(buf, sizeof buf, "txn 0x%llx %s 0x%llx %s\n", static_cast<unsigned long long>(sid),
                ssid, static_cast<unsigned long long>(addr), kAccess[r_.Below(8)]);
  out_ += buf;
}

void Generator::Remap() {
  std::vector<Stream*> with;
  for (auto& s : streams_) if (!s.leaves.empty()) with.push_back(&s);
  if (with.empty()) return;
  Stream& s = *with[r_.Below(with.size())];
  const Leaf& l = s.leaves[r_.Below(s.leaves.size())];
  uint64_t d = Rd(l.desc_pa);
  switch (r_.Below(5)) {
    case 0: d = 0; break;                                        // unmap
    case 1: d = (d & ~0x0000fffffffff000ull) |                    // new output address
                (0x40000000 + (r_.Below(0x80000000ull >> l.size_log2) << l.size_log2)); break;
    case 2: d ^= uint64_t{3} << 6; break;                         // AP / S2AP
    case 3: d ^= uint64_t{1} << 10; break;                        // AF
    default: d ^= uint64_t{1} << 54; break;                       // UXN / XN[1]
  }
  if ((Rd(l.desc_pa) & 1) == 0 && d == 0) return;
  W(l.desc_pa, d);
  dirty_.push_back(Dirty{l.s2 ? Dirty::What::kS2 : Dirty::What::kS1, &s, l.va, l.g, l.level});
}

void Generator::RewriteConfig() {
  if (streams_.empty()) return;
  Stream& s = streams_[r_.Below(streams_.size())];
  if ((s.kind == Kind::kS1 || s.kind == Kind::kNested) && r_.Chance(50)) {
    uint64_t cd0 = Rd(s.cd_pa);
    switch (r_.Below(3)) {
      case 0: spec::Set(&cd0, fc::ASID, spec::Get(&cd0, fc::ASID) ^ 8); break;
      case 1: spec::Set(&cd0, fc::A, spec::Get(&cd0, fc::A) ^ 1); break;
      default: spec::Set(&cd0, fc::EPD0, spec::Get(&cd0, fc::EPD0) ^ 1); break;
    }
    W(s.cd_pa, cd0);
  } else {
    uint64_t dw0 = Rd(s.ste_pa);
    if (r_.Chance(50)) dw0 ^= 1;  // V
    else if (s.substreams) {
      uint64_t ste[2] = {dw0, Rd(s.ste_pa + 8)};  // S1DSS is STE bits [65:64], in DW1
      spec::Set(ste, fs::S1DSS, r_.Below(3));
      W(s.ste_pa + 8, ste[1]);
    }
    W(s.ste_pa, dw0);
  }
  dirty_.push_back(Dirty{Dirty::What::kConfig, &s, 0});
}

void Generator::Invalidate() {
  const bool proper = r_.Chance(75);
  for (const Dirty& d : dirty_) {
    if (!proper && r_.Chance(50)) continue;
    const uint64_t sid = uint64_t{d.s->sid} << 32;
    const uint64_t vmid = p_.s2p ? uint64_t{d.s->vmid} << 32 : 0;
    switch (d.what) {
      case Dirty::What::kConfig:
        Cmd(0x03 | sid, r_.Below(2));  // CFGI_STE (Leaf either way: linear or span unchanged)
        break;
      case Dirty::What::kS1:
        if (p_.ril && r_.Chance(40)) {
          Cmd(RangeTlbiNhVa(d, vmid), RangeAddress(d));
        } else if (r_.Chance(50)) {
          Cmd(0x12 | vmid | (uint64_t{d.s->asid} << 48), d.va & ~0xfffull);
        }
        else Cmd(p_.s2p || r_.Chance(50) ? 0x10 | vmid : 0x30, 0);
        // A remapped ASID (CD rewrite) may have cached entries under either ASID.
        Cmd(0x11 | vmid | (static_cast<uint64_t>(d.s->asid ^ 8) << 48), 0);
        break;
      case Dirty::What::kS2:
        Cmd(0x2a | vmid, d.va & ~0xfffull);
        break;
    }
  }
  if (proper || r_.Chance(50)) Sync();
  else Process();
  if (proper) {
    // Stage-1 entries combined with changed stage-2 entries go only with a later stage-1
    // invalidation (R-TLBI-011).
    bool s2 = false;
    for (const Dirty& d : dirty_) s2 = s2 || d.what == Dirty::What::kS2;
    if (s2) {
      Cmd(p_.s1p ? 0x10 : 0x30, 0);
      Sync();
    }
    dirty_.clear();
  }
}

std::string Generator::Run(const GenOptions& o) {
  out_ = "smmuref-vectors 1\n# generated by smmuref's random program generator\n";
  ChooseProfile();
  const bool two_level = p_.st_level && r_.Chance(20);
  Line("reg.write64 STRTAB_BASE 0x%llx", kStrtab);
  Line("reg.write32 STRTAB_BASE_CFG 0x%llx", two_level ? (1u << 16) | (6u << 6) | 8 : 4);
  Line("reg.write64 EVENTQ_BASE 0x%llx", kEvtq | (2 + r_.Below(4)));
  Line("reg.write64 CMDQ_BASE 0x%llx", kCmdq | 4);
  // The queue indexes reset to UNKNOWN values (spec/choices.md C-REG-001): a driver programs them.
  Line("reg.write32 CMDQ_PROD 0");
  Line("reg.write32 CMDQ_CONS 0");
  Line("reg.write32 EVENTQ_PROD 0");
  Line("reg.write32 EVENTQ_CONS 0");
  const bool enable_first = r_.Chance(40);
  if (enable_first) Line("reg.write32 CR0 0xd");
  uint64_t l2 = kStrtab;
  if (two_level) {
    l2 = Alloc(64 * 64, 64 * 64);
    W(kStrtab, l2 | 7);  // Span 7: SIDs 0..63
  }
  std::vector<Kind> kinds{Kind::kBypass, Kind::kAbort, Kind::kInvalid};
  if (p_.s1p) kinds.insert(kinds.end(), {Kind::kS1, Kind::kS1, Kind::kS1});
  if (p_.s2p) kinds.insert(kinds.end(), {Kind::kS2, Kind::kS2});
  if (p_.s1p && p_.s2p) kinds.insert(kinds.end(), {Kind::kNested, Kind::kNested});
  const unsigned n = 2 + static_cast<unsigned>(r_.Below(3));
  for (unsigned i = 0; i < n; ++i) {
    Stream s;
    s.sid = static_cast<uint32_t>(i * 3 + r_.Below(3));
    s.kind = kinds[r_.Below(kinds.size())];
    s.ste_pa = l2 + uint64_t{s.sid} * 64;
    BuildStream(s);
    streams_.push_back(s);
  }
  if (!enable_first) Line("reg.write32 CR0 0xd");
  for (int i = 0; i < o.ops; ++i) {
    const uint64_t k = r_.Below(100);
    if (k < 55) Txn();
    else if (k < 70) Remap();
    else if (k < 78) RewriteConfig();
    else Invalidate();
  }
  return out_;
}

}  // namespace

S1Shape RandomS1Shape(Random& r, const spec::Profile& p) {
  static const unsigned kGranules[] = {12, 14, 16};
  static const unsigned k4[] = {16, 25, 34}, k16[] = {16, 20, 28}, k64[] = {16, 25};
  S1Shape s;
  do s.granule_shift = kGranules[r.Below(3)];
  while ((s.granule_shift == 12 && !p.gran4k) || (s.granule_shift == 14 && !p.gran16k) ||
         (s.granule_shift == 16 && !p.gran64k));
  const unsigned g = s.granule_shift;
  s.t0sz = g == 12 ? k4[r.Below(3)] : g == 14 ? k16[r.Below(3)] : k64[r.Below(2)];
  s.ia = 64 - s.t0sz;
  const unsigned stride = g - 3;
  s.start_level = 4 - static_cast<int>((s.ia - g + stride - 1) / stride);
  return s;
}

void RandomCd(Random& r, const spec::Profile& p, const S1Shape& shape, uint16_t asid,
              uint64_t ttb0, uint64_t cd[8]) {
  const unsigned g = shape.granule_shift;
  std::fill(cd, cd + 8, 0);
  spec::Set(cd, fc::T0SZ, shape.t0sz);
  spec::Set(cd, fc::TG0, g == 12 ? 0 : g == 16 ? 1 : 2);
  spec::Set(cd, fc::EPD1, 1);
  spec::Set(cd, fc::V, 1);
  spec::Set(cd, fc::IPS, 5);
  spec::Set(cd, fc::AA64, 1);
  spec::Set(cd, fc::A, r.Chance(90));
  spec::Set(cd, fc::R, r.Chance(90));
  spec::Set(cd, fc::ASID, asid);
  spec::Set(cd, fc::TBI0, r.Chance(20));
  spec::Set(cd, fc::PAN, r.Chance(20));
  spec::Set(cd, fc::WXN, r.Chance(10));
  spec::Set(cd, fc::AFFD, r.Chance(20));
  if (p.had) spec::Set(cd, fc::HAD0, r.Chance(10));
  spec::Set(cd, fc::TTB0, ttb0 >> 4);
}

std::string GenerateProgram(Random& r, const GenOptions& o) {
  Generator g(r);
  return g.Run(o);
}

}  // namespace smmuref::conform
