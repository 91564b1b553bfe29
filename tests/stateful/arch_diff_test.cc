// RapidCheck stateful test: impl/arch in lockstep with the model on realistic programs (issue 4,
// item 3). Commands build stream tables, CDs and page tables for random profiles, change them
// (remaps, permission changes, unmaps, block splits, STE and CD rewrites) sometimes with and
// sometimes without the required invalidations and CMD_SYNC, and translate in between; every impl
// outcome must be in the model's allowed set (LockstepDevice: both fault or neither, then the same
// event record, then the same observation). A failure shrinks and prints a replayable vector.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "arch_state.h"
#include "rc_random.h"
#include "smmuref/conform/runner.h"
#include "smmuref/conform/vector.h"

namespace smmuref::stateful {
namespace {

namespace fs = spec::ste;
namespace fc = spec::cd;
namespace op = spec::cmd::op;

using ArchCommand = rc::state::Command<ArchModel, ArchSut>;

// A command whose lines are built once, from the state it was generated for.
class LinesCommand : public ArchCommand {
 public:
  void show(std::ostream& os) const override {
    os << name_;
    for (const auto& l : lines_) os << "\n    " << l;
  }
  void run(const ArchModel&, ArchSut& sut) const override {
    auto mismatches = sut.Run(name_, lines_);
    if (mismatches.empty()) return;
    std::string msg = "impl/model mismatch after " + name_ + ":\n";
    for (const auto& m : mismatches) msg += "  " + m + "\n";
    const std::string vec = sut.Vector();
    std::ofstream("stateful_failure.vec") << vec;
    // The vector is the replay: confirm it reproduces through the ordinary runner.
    auto file = conform::ParseVectorText(vec, "stateful_failure.vec");
    int replayed = -1;
    if (file) replayed = conform::RunVectorFile(*file, {"impl"}).mismatches;
    msg += "replay (smmuref vectors run --dut impl stateful_failure.vec): " +
           std::to_string(replayed) + " mismatch(es)\nvector:\n" + vec;
    RC_FAIL(msg);
  }

 protected:
  std::string name_;
  std::vector<std::string> lines_;
  unsigned cmds_ = 0;  // commands left in the queue (not processed) by these lines
  void Take(Program& prog) {
    lines_ = std::move(prog.lines());
    for (const auto& l : lines_) {
      if (l.rfind("cmd ", 0) == 0) ++cmds_;
      if (l == "process") cmds_ = 0;
    }
  }
  void CheckQueue(const ArchModel& m) const { RC_PRE(m.queued + cmds_ <= kMaxQueued); }
  void ApplyQueue(ArchModel& m, bool processes) const {
    m.queued = processes ? cmds_ : m.queued + cmds_;
  }
  bool Processes() const {
    return std::find(lines_.begin(), lines_.end(), "process") != lines_.end();
  }
};

// ---- Invalidation encodings -------------------------------------------------------------------

void CfgiSteLines(Program& out, uint32_t sid, bool leaf) {
  uint64_t c[2];
  EncodeCmd(c, op::CMD_CFGI_STE);
  spec::Set(c, spec::cmd::StreamID, sid);
  spec::Set(c, spec::cmd::Leaf, leaf);
  out.Cmd(c);
}
void CfgiCdLines(Program& out, uint32_t sid, uint32_t ssid, bool leaf) {
  uint64_t c[2];
  EncodeCmd(c, op::CMD_CFGI_CD);
  spec::Set(c, spec::cmd::StreamID, sid);
  spec::Set(c, spec::cmd::SubstreamID, ssid);
  spec::Set(c, spec::cmd::Leaf, leaf);
  out.Cmd(c);
}
void TlbiNhVaLines(Program& out, uint16_t asid, uint16_t vmid, uint64_t va, bool leaf) {
  uint64_t c[2];
  EncodeCmd(c, op::CMD_TLBI_NH_VA);
  spec::Set(c, spec::cmd::ASID, asid);
  spec::Set(c, spec::cmd::VMID, vmid);
  spec::Set(c, spec::cmd::Leaf, leaf);
  spec::Set(c, spec::cmd::Addr, va >> 12);
  out.Cmd(c);
}
void TlbiNhAsidLines(Program& out, uint16_t asid, uint16_t vmid) {
  uint64_t c[2];
  EncodeCmd(c, op::CMD_TLBI_NH_ASID);
  spec::Set(c, spec::cmd::ASID, asid);
  spec::Set(c, spec::cmd::VMID, vmid);
  out.Cmd(c);
}
// TLBI_NH_ALL for a VMID where stage 2 exists; TLBI_NSNH_ALL otherwise.
void TlbiAllLines(Program& out, const spec::Profile& p, uint16_t vmid, bool nsnh) {
  uint64_t c[2];
  EncodeCmd(c, nsnh || !p.s1p ? op::CMD_TLBI_NSNH_ALL : op::CMD_TLBI_NH_ALL);
  if (!nsnh && p.s1p) spec::Set(c, spec::cmd::VMID, vmid);
  out.Cmd(c);
}
void TlbiS2IpaLines(Program& out, uint16_t vmid, uint64_t ipa, bool leaf) {
  uint64_t c[2];
  EncodeCmd(c, op::CMD_TLBI_S2_IPA);
  spec::Set(c, spec::cmd::VMID, vmid);
  spec::Set(c, spec::cmd::Leaf, leaf);
  spec::Set(c, spec::cmd::IPAddr, ipa >> 12);
  out.Cmd(c);
}

// The invalidations software owes after changing a leaf, then CMD_SYNC. Stage-1 entries combined
// with a changed stage-2 entry go only with a later stage-1 invalidation (R-TLBI-011).
void MaintainLeaf(Program& out, const ArchModel& m, const Stream& s, const Leaf& l, bool leaf) {
  conform::Random& r = *out.random();
  if (l.s2) {
    TlbiS2IpaLines(out, m.Vmid(s), l.va, leaf);
    out.Sync();
    TlbiAllLines(out, m.p, m.Vmid(s), false);
  } else if (r.Chance(70)) {
    TlbiNhVaLines(out, s.asid, m.Vmid(s), l.va, leaf);
  } else if (r.Chance(50)) {
    TlbiNhAsidLines(out, s.asid, m.Vmid(s));
  } else {
    TlbiAllLines(out, m.p, m.Vmid(s), r.Chance(30));
  }
  out.Sync();
}

// ---- Set-up -------------------------------------------------------------------------------------

void MapS1(Stream& s, Program& out, conform::Random& r) {
  const Root& rt = s.s1;
  const int n = 1 + static_cast<int>(r.Below(4));
  for (int i = 0; i < n; ++i) {
    const bool block = rt.start <= 2 && r.Chance(25);
    const int level = block ? 2 : 3;
    const unsigned size_log2 = LevelShift(rt.g, level);
    // Pages in the lower half of the input range, blocks in the upper half: never a shared table.
    const uint64_t half = uint64_t{1} << (rt.ia - 1);
    const uint64_t va = (block ? half : 0) + (r.Below(std::min<uint64_t>(half >> size_log2, 64)) << size_log2);
    const uint64_t oa = 0x40000000 + (r.Below(0x80000000ull >> size_log2) << size_log2);
    uint64_t attrs = block ? 1 : 3;
    spec::Set(&attrs, spec::desc_s1::AF, !r.Chance(10));
    spec::Set(&attrs, spec::desc_s1::AP, r.Below(4));
    spec::Set(&attrs, spec::desc_s1::nG, r.Chance(70));
    if (r.Chance(20)) spec::Set(&attrs, spec::desc_s1::UXN, 1);
    if (r.Chance(20)) spec::Set(&attrs, spec::desc_s1::PXN, 1);
    const uint64_t pa = LeafAddress(s, rt, va, level, out);
    bool taken = false;
    for (const auto& l : s.leaves) taken = taken || l.desc_pa == pa;
    if (taken) continue;
    out.W(pa, oa | attrs);
    s.leaves.push_back(Leaf{va, pa, size_log2, false, block, false, oa | attrs, attrs});
  }
}

void MapS2(Stream& s, Program& out, conform::Random& r) {
  const Root& rt = s.s2;
  const int n = 1 + static_cast<int>(r.Below(4));
  for (int i = 0; i < n; ++i) {
    const unsigned size_log2 = rt.g;
    const uint64_t ipa = r.Below(std::min<uint64_t>((uint64_t{1} << (rt.ia - 1)) >> size_log2, 256)) << size_log2;
    const uint64_t oa = 0x40000000 + (r.Below(0x80000000ull >> size_log2) << size_log2);
    uint64_t attrs = kS2Page;
    spec::Set(&attrs, spec::desc_s2::S2AP, r.Chance(70) ? 3 : r.Below(4));
    if (r.Chance(10)) spec::Set(&attrs, spec::desc_s2::AF, 0);
    if (r.Chance(20)) spec::Set(&attrs, spec::desc_s2::XN, r.Below(4));
    const uint64_t pa = LeafAddress(s, rt, ipa, 3, out);
    bool taken = false;
    for (const auto& l : s.leaves) taken = taken || l.desc_pa == pa;
    if (taken) continue;
    out.W(pa, oa | attrs);
    s.leaves.push_back(Leaf{ipa, pa, size_log2, true, false, false, oa | attrs, attrs});
  }
}

void BuildCd(Stream& s, const spec::Profile& p, conform::Random& r) {
  const conform::S1Shape shape = conform::RandomS1Shape(r, p);
  s.s1 = NewRoot(s, shape.granule_shift, shape.ia, shape.start_level);
  conform::RandomCd(r, p, shape, s.asid, s.s1.base, s.cd);
}

void WriteS2Identity(Program& out) {
  // IPA [0, 4GB) to the same PAs with 1GB blocks: 4KB granule, S2T0SZ=32, start level 1.
  for (uint64_t i = 0; i < 4; ++i) out.W(kS2Identity + 8 * i, (i << 30) | kS2Block);
}

Stream BuildStream(const ArchModel& m, uint32_t sid, Kind kind, Program& out, conform::Random& r) {
  const spec::Profile& p = m.p;
  Stream s;
  s.sid = sid;
  s.kind = kind;
  s.next = kRegionBase + sid * kRegionSize;
  s.ste_pa = kStrtab + uint64_t{sid} * 64;
  // ASIDs and VMIDs sometimes shared between streams, as address spaces shared by devices.
  s.asid = static_cast<uint16_t>(r.Chance(40) ? 1 + r.Below(3) : 16 + sid);
  s.vmid = static_cast<uint16_t>(r.Chance(50) ? 1 + r.Below(2) : 16 + sid);
  spec::Set(s.ste, fs::V, kind != Kind::kInvalid);
  const unsigned config = kind == Kind::kAbort ? 0 : kind == Kind::kBypass ? 4
                          : kind == Kind::kS2 ? 6 : kind == Kind::kNested ? 7 : 5;
  spec::Set(s.ste, fs::Config, config);
  if (p.attr_perms_ovr && r.Chance(30)) {
    spec::Set(s.ste, fs::PRIVCFG, r.Below(4));
    spec::Set(s.ste, fs::INSTCFG, r.Below(4));
  }
  if (p.s2p) spec::Set(s.ste, fs::S2VMID, s.vmid);
  if (s.HasS1()) {
    BuildCd(s, p, r);
    MapS1(s, out, r);
    s.substreams = p.ssidsize > 0 && r.Chance(30);
    if (s.substreams) {
      // A linear table of four CDs; CD[0] is the stream's, the others share its tables under
      // other ASIDs or stay invalid.
      s.cd_pa = Alloc(s, 256, 256);
      for (uint32_t i = 0; i < 4; ++i) {
        if (i > 0 && r.Chance(40)) continue;
        uint64_t cd[8];
        std::copy(s.cd, s.cd + 8, cd);
        if (i > 0) spec::Set(cd, fc::ASID, s.asid + 4 * i);
        for (int k = 7; k >= 0; --k) out.W(s.cd_pa + 64 * i + 8 * k, cd[k]);
      }
      spec::Set(s.ste, fs::S1CDMax, 2);
      spec::Set(s.ste, fs::S1DSS, r.Below(3));
    } else {
      s.cd_pa = Alloc(s, 64, 64);
      for (int k = 7; k >= 0; --k) out.W(s.cd_pa + 8 * k, s.cd[k]);
    }
    spec::Set(s.ste, fs::S1ContextPtr, s.cd_pa >> 6);
  }
  if (kind == Kind::kS2 || kind == Kind::kNested) {
    if (kind == Kind::kNested) {
      WriteS2Identity(out);
      s.s2 = Root{kS2Identity, 1, 12, 32};
    } else {
      const bool g64 = p.gran64k && r.Chance(40);
      s.s2 = NewRoot(s, g64 ? 16 : 12, 32, g64 ? 2 : 1);
      MapS2(s, out, r);
    }
    spec::Set(s.ste, fs::S2T0SZ, 32);
    spec::Set(s.ste, fs::S2SL0, 1);
    spec::Set(s.ste, fs::S2TG, s.s2.g == 16 ? 1 : 0);
    spec::Set(s.ste, fs::S2PS, 5);
    spec::Set(s.ste, fs::S2AA64, 1);
    spec::Set(s.ste, fs::S2R, r.Chance(90));
    spec::Set(s.ste, fs::S2AFFD, r.Chance(20));
    spec::Set(s.ste, fs::S2TTB, s.s2.base >> 4);
  }
  // Dwords 7..1 first, then dword 0 (holding V) last, as a driver publishes an STE.
  for (int i = 7; i >= 0; --i) out.W(s.ste_pa + 8 * i, s.ste[i]);
  return s;
}

// ---- Commands -----------------------------------------------------------------------------------

class CmdSetUpStream final : public LinesCommand {
 public:
  explicit CmdSetUpStream(const ArchModel& m) {
    RcRandom r;
    std::vector<uint32_t> free;
    for (uint32_t sid = 0; sid < kSids; ++sid) if (!m.Find(sid)) free.push_back(sid);
    RC_PRE(!free.empty());
    std::vector<Kind> kinds{Kind::kBypass, Kind::kAbort, Kind::kInvalid};
    if (m.p.s1p) kinds.insert(kinds.end(), {Kind::kS1, Kind::kS1, Kind::kS1});
    if (m.p.s2p) kinds.insert(kinds.end(), {Kind::kS2, Kind::kS2});
    if (m.p.s1p && m.p.s2p) kinds.insert(kinds.end(), {Kind::kNested, Kind::kNested});
    const uint32_t sid = free[r.Below(free.size())];
    Program prog(m.p, &r);
    stream_ = BuildStream(m, sid, kinds[r.Below(kinds.size())], prog, r);
    maintain_ = r.Chance(70);
    if (maintain_) {
      CfgiSteLines(prog, sid, r.Chance(50));
      prog.Sync();
    }
    Take(prog);
    name_ = "SetUpStream sid=" + std::to_string(sid) + " " + KindName(stream_.kind) +
            (maintain_ ? " +CFGI_STE+SYNC" : "");
  }
  void checkPreconditions(const ArchModel& m) const override {
    RC_PRE(!m.Find(stream_.sid));
    CheckQueue(m);
  }
  void apply(ArchModel& m) const override {
    m.streams.push_back(stream_);
    if (!maintain_) m.dirty.push_back(Dirty{Dirty::What::kSte, stream_.sid, 0, 0, 0});
    ApplyQueue(m, Processes());
  }

 private:
  Stream stream_;
  bool maintain_ = false;
};

class CmdTranslate final : public LinesCommand {
 public:
  explicit CmdTranslate(const ArchModel& m) {
    RcRandom r;
    const Stream* s = !m.streams.empty() && r.Chance(90) ? &m.streams[r.Below(m.streams.size())]
                                                         : nullptr;
    const uint64_t sid = s ? s->sid : r.Chance(90) ? r.Below(kSids) : kSids + r.Below(1u << 16);
    uint64_t addr = r.Below(uint64_t{1} << 40) & ~uint64_t{7};
    if (s && !s->leaves.empty() && r.Chance(85)) {
      const Leaf& l = s->leaves[r.Below(s->leaves.size())];
      addr = l.va + (r.Below(uint64_t{1} << l.size_log2) & ~uint64_t{7});
    }
    if (r.Chance(5)) addr |= r.Below(256) << 56;  // top byte: TBI and range checks
    static const char* kAccess[] = {"r", "w", "x", "rp", "wp", "xp"};
    std::string ssid = "-";
    if (s && s->substreams && r.Chance(40)) ssid = std::to_string(r.Below(5));
    lines_ = {"txn " + Hex(sid) + " " + ssid + " " + Hex(addr) + " " + kAccess[r.Below(6)]};
    name_ = "Translate";
  }
};

// A write of one leaf descriptor: RemapPage, ChangePermission, UnmapPage.
class LeafWrite : public LinesCommand {
 public:
  void checkPreconditions(const ArchModel& m) const override {
    const Stream* s = m.Find(sid_);
    RC_PRE((s && index_ < s->leaves.size()));
    RC_PRE((s->leaves[index_].desc_pa == desc_pa_ && !s->leaves[index_].split));
    CheckQueue(m);
  }
  void apply(ArchModel& m) const override {
    Stream& s = *m.Find(sid_);
    Leaf& l = s.leaves[index_];
    l.desc = desc_;
    if (!maintain_) {
      m.dirty.push_back(Dirty{l.s2 ? Dirty::What::kS2 : Dirty::What::kS1, sid_, s.asid,
                              m.Vmid(s), l.va});
    }
    ApplyQueue(m, Processes());
  }

 protected:
  // Picks a leaf, then `change` gives the new descriptor from the current one.
  template <typename F>
  void Build(const ArchModel& m, const char* what, F change) {
    RcRandom r;
    std::vector<std::pair<const Stream*, size_t>> leaves;
    for (const auto& s : m.streams) {
      for (size_t i = 0; i < s.leaves.size(); ++i) {
        if (!s.leaves[i].split) leaves.emplace_back(&s, i);
      }
    }
    RC_PRE(!leaves.empty());
    const auto [s, i] = leaves[r.Below(leaves.size())];
    const Leaf& l = s->leaves[i];
    sid_ = s->sid;
    index_ = i;
    desc_pa_ = l.desc_pa;
    desc_ = change(l, r);
    Program prog(m.p, &r);
    prog.W(l.desc_pa, desc_);
    maintain_ = r.Chance(60);
    if (maintain_) MaintainLeaf(prog, m, *s, l, r.Chance(50));
    Take(prog);
    name_ = std::string(what) + " sid=" + std::to_string(sid_) + " " + (l.s2 ? "ipa=" : "va=") +
            Hex(l.va) + " desc=" + Hex(desc_) + (maintain_ ? " +TLBI+SYNC" : "");
  }
  uint32_t sid_ = 0;
  size_t index_ = 0;
  uint64_t desc_pa_ = 0, desc_ = 0;
  bool maintain_ = false;
};

class CmdRemapPage final : public LeafWrite {
 public:
  explicit CmdRemapPage(const ArchModel& m) {
    Build(m, "RemapPage", [](const Leaf& l, conform::Random& r) {
      const uint64_t oa = 0x40000000 + (r.Below(0x80000000ull >> l.size_log2) << l.size_log2);
      return ((l.desc & 1) ? l.desc & ~kOaMask : l.attrs) | oa;
    });
  }
};

class CmdChangePermission final : public LeafWrite {
 public:
  explicit CmdChangePermission(const ArchModel& m) {
    Build(m, "ChangePermission", [](const Leaf& l, conform::Random& r) {
      const uint64_t d = (l.desc & 1) ? l.desc : l.attrs | 0x40000000;
      switch (r.Below(5)) {
        case 0: return d ^ (uint64_t{1} << 6);   // AP[1] / S2AP[0]
        case 1: return d ^ (uint64_t{1} << 7);   // AP[2] / S2AP[1]
        case 2: return d ^ (uint64_t{1} << 10);  // AF
        case 3: return d ^ (uint64_t{1} << 53);  // PXN / XN[0]
        default: return d ^ (uint64_t{1} << 54);  // UXN / XN[1]
      }
    });
  }
};

class CmdUnmapPage final : public LeafWrite {
 public:
  explicit CmdUnmapPage(const ArchModel& m) {
    Build(m, "UnmapPage", [](const Leaf&, conform::Random&) { return uint64_t{0}; });
  }
};

// Replaces a stage-1 block by a table of pages with the same output and attributes, with or
// without break-before-make.
class CmdSplitBlock final : public LinesCommand {
 public:
  explicit CmdSplitBlock(const ArchModel& m) {
    RcRandom r;
    std::vector<std::pair<const Stream*, size_t>> blocks;
    for (const auto& s : m.streams) {
      for (size_t i = 0; i < s.leaves.size(); ++i) {
        const Leaf& l = s.leaves[i];
        // 4KB and 16KB granules: a 64KB-granule table holds 8192 pages.
        if (l.block && !l.split && (l.desc & 3) == 1 && s.s1.g <= 14) blocks.emplace_back(&s, i);
      }
    }
    RC_PRE(!blocks.empty());
    const auto [s, i] = blocks[r.Below(blocks.size())];
    Stream scratch = *s;
    const Leaf& l = s->leaves[i];
    sid_ = s->sid;
    index_ = i;
    const unsigned g = s->s1.g;
    table_ = Alloc(scratch, uint64_t{1} << g, uint64_t{1} << g);
    next_ = scratch.next;
    Program prog(m.p, &r);
    const bool bbm = r.Chance(50);
    if (bbm) {
      prog.W(l.desc_pa, 0);
      TlbiNhVaLines(prog, s->asid, m.Vmid(*s), l.va, false);
      prog.Sync();
    }
    const uint64_t attrs = l.desc & ~kOaMask & ~uint64_t{3};
    const uint64_t oa = l.desc & kOaMask;
    const uint64_t n = uint64_t{1} << (g - 3);
    for (uint64_t k = 0; k < n; ++k) prog.W(table_ + 8 * k, attrs | (oa + (k << g)) | 3, false);
    if (!m.p.coherent_walk && r.Chance(80)) prog.Clean(table_, uint64_t{1} << g);
    prog.W(l.desc_pa, table_ | 3);
    maintain_ = r.Chance(60);
    if (maintain_) MaintainLeaf(prog, m, *s, l, false);
    Take(prog);
    for (uint64_t k : {uint64_t{0}, uint64_t{1}, n - 1}) {
      pages_.push_back(Leaf{l.va + (k << g), table_ + 8 * k, g, false, false, false,
                            attrs | (oa + (k << g)) | 3, attrs | 3});
    }
    name_ = "SplitBlock sid=" + std::to_string(sid_) + " va=" + Hex(l.va) + " table=" +
            Hex(table_) + (bbm ? " bbm" : "") + (maintain_ ? " +TLBI+SYNC" : "");
  }
  void show(std::ostream& os) const override {
    os << name_ << " (" << lines_.size() << " lines)";
  }
  void checkPreconditions(const ArchModel& m) const override {
    const Stream* s = m.Find(sid_);
    RC_PRE((s && index_ < s->leaves.size() && s->leaves[index_].block));
    RC_PRE(!s->leaves[index_].split);
    RC_PRE(((s->next + (uint64_t{1} << s->s1.g) - 1) & ~((uint64_t{1} << s->s1.g) - 1)) == table_);
    CheckQueue(m);
  }
  void apply(ArchModel& m) const override {
    Stream& s = *m.Find(sid_);
    s.leaves[index_].split = true;
    s.leaves[index_].desc = table_ | 3;
    s.next = next_;
    for (const auto& p : pages_) s.leaves.push_back(p);
    if (!maintain_) {
      m.dirty.push_back(Dirty{Dirty::What::kS1, sid_, s.asid, m.Vmid(s), s.leaves[index_].va});
    }
    ApplyQueue(m, Processes());
  }

 private:
  uint32_t sid_ = 0;
  size_t index_ = 0;
  uint64_t table_ = 0, next_ = 0;
  std::vector<Leaf> pages_;
  bool maintain_ = false;
};

// Rewrites STE dwords 0-1: V, Config (abort, bypass, back to the stream's own), S1DSS, and
// the stage-2 S2R/S2AFFD bits.
class CmdRewriteSte final : public LinesCommand {
 public:
  explicit CmdRewriteSte(const ArchModel& m) {
    RcRandom r;
    RC_PRE(!m.streams.empty());
    const Stream& s = m.streams[r.Below(m.streams.size())];
    sid_ = s.sid;
    std::copy(s.ste, s.ste + 8, ste_);
    const uint64_t own = spec::Get(s.ste, fs::Config);
    switch (r.Below(4)) {
      case 0: spec::Set(ste_, fs::V, spec::Get(ste_, fs::V) ^ 1); break;
      case 1: spec::Set(ste_, fs::Config, r.Chance(50) ? (r.Chance(50) ? 0 : 4) : own); break;
      case 2:
        if (s.substreams) spec::Set(ste_, fs::S1DSS, r.Below(3));
        else spec::Set(ste_, fs::V, spec::Get(ste_, fs::V) ^ 1);
        break;
      default:
        if (s.kind == Kind::kS2 || s.kind == Kind::kNested) {
          spec::Set(ste_, r.Chance(50) ? fs::S2R : fs::S2AFFD,
                    spec::Get(ste_, r.Chance(50) ? fs::S2R : fs::S2AFFD) ^ 1);
        } else {
          spec::Set(ste_, fs::Config, own);
        }
    }
    Program prog(m.p, &r);
    if (ste_[1] != s.ste[1]) prog.W(s.ste_pa + 8, ste_[1]);
    prog.W(s.ste_pa, ste_[0]);
    maintain_ = r.Chance(60);
    if (maintain_) {
      CfgiSteLines(prog, sid_, r.Chance(50));
      prog.Sync();
    }
    Take(prog);
    name_ = "RewriteSte sid=" + std::to_string(sid_) + " dw0=" + Hex(ste_[0]) + " dw1=" +
            Hex(ste_[1]) + (maintain_ ? " +CFGI_STE+SYNC" : "");
  }
  void checkPreconditions(const ArchModel& m) const override {
    RC_PRE(m.Find(sid_) != nullptr);
    CheckQueue(m);
  }
  void apply(ArchModel& m) const override {
    Stream& s = *m.Find(sid_);
    s.ste[0] = ste_[0];
    s.ste[1] = ste_[1];
    if (!maintain_) m.dirty.push_back(Dirty{Dirty::What::kSte, sid_, 0, 0, 0});
    ApplyQueue(m, Processes());
  }

 private:
  uint32_t sid_ = 0;
  uint64_t ste_[8] = {};
  bool maintain_ = false;
};

// Rewrites CD[0] dword 0 of a stage-1 stream: ASID, A, R, EPD0, TBI0, AFFD.
class CmdRewriteCd final : public LinesCommand {
 public:
  explicit CmdRewriteCd(const ArchModel& m) {
    RcRandom r;
    std::vector<const Stream*> with;
    for (const auto& s : m.streams) if (s.HasS1()) with.push_back(&s);
    RC_PRE(!with.empty());
    const Stream& s = *with[r.Below(with.size())];
    sid_ = s.sid;
    old_asid_ = s.asid;
    cd0_ = s.cd[0];
    static const spec::Field kBits[] = {fc::A, fc::R, fc::EPD0, fc::TBI0, fc::AFFD};
    if (r.Chance(30)) spec::Set(&cd0_, fc::ASID, s.asid ^ 8);
    else {
      const spec::Field f = kBits[r.Below(5)];
      spec::Set(&cd0_, f, spec::Get(&cd0_, f) ^ 1);
    }
    Program prog(m.p, &r);
    prog.W(s.cd_pa, cd0_);
    maintain_ = r.Chance(60);
    if (maintain_) {
      if (s.substreams || r.Chance(50)) CfgiCdLines(prog, sid_, 0, r.Chance(50));
      else CfgiSteLines(prog, sid_, false);
      // Entries cached under the old ASID (R-TLBI: software invalidates a retired ASID).
      TlbiNhAsidLines(prog, old_asid_, m.Vmid(s));
      prog.Sync();
    }
    Take(prog);
    name_ = "RewriteCd sid=" + std::to_string(sid_) + " cd0=" + Hex(cd0_) +
            (maintain_ ? " +CFGI+TLBI+SYNC" : "");
  }
  void checkPreconditions(const ArchModel& m) const override {
    const Stream* s = m.Find(sid_);
    RC_PRE((s && s->HasS1()));
    CheckQueue(m);
  }
  void apply(ArchModel& m) const override {
    Stream& s = *m.Find(sid_);
    s.cd[0] = cd0_;
    s.asid = static_cast<uint16_t>(spec::Get(&cd0_, fc::ASID));
    if (!maintain_) m.dirty.push_back(Dirty{Dirty::What::kCd, sid_, old_asid_, m.Vmid(s), 0});
    ApplyQueue(m, Processes());
  }

 private:
  uint32_t sid_ = 0;
  uint16_t old_asid_ = 0;
  uint64_t cd0_ = 0;
  bool maintain_ = false;
};

// A single invalidation command (no CMD_SYNC: Sync consumes it), aimed at a pending change most
// of the time. `Match` says which pending changes it covers.
class Invalidation : public LinesCommand {
 public:
  void checkPreconditions(const ArchModel& m) const override { CheckQueue(m); }
  void apply(ArchModel& m) const override {
    std::erase_if(m.dirty, [&](const Dirty& d) { return Match(d); });
    ApplyQueue(m, false);
  }

 protected:
  virtual bool Match(const Dirty& d) const = 0;
  // A pending change of one of `whats`, or nullptr.
  static const Dirty* PickDirty(const ArchModel& m, conform::Random& r,
                                std::initializer_list<Dirty::What> whats) {
    std::vector<const Dirty*> c;
    for (const auto& d : m.dirty) {
      if (std::find(whats.begin(), whats.end(), d.what) != whats.end()) c.push_back(&d);
    }
    return !c.empty() && r.Chance(75) ? c[r.Below(c.size())] : nullptr;
  }
  void Finish(Program& prog, std::string name) {
    Take(prog);
    name_ = std::move(name);
  }
};

class CmdCfgiSte final : public Invalidation {
 public:
  explicit CmdCfgiSte(const ArchModel& m) {
    RcRandom r;
    const Dirty* d = PickDirty(m, r, {Dirty::What::kSte, Dirty::What::kCd});
    sid_ = d ? d->sid : static_cast<uint32_t>(r.Below(kSids));
    Program prog(m.p, &r);
    CfgiSteLines(prog, sid_, r.Chance(50));
    Finish(prog, "CfgiSte sid=" + std::to_string(sid_));
  }

 private:
  bool Match(const Dirty& d) const override {
    return (d.what == Dirty::What::kSte || d.what == Dirty::What::kCd) && d.sid == sid_;
  }
  uint32_t sid_ = 0;
};

class CmdCfgiCd final : public Invalidation {
 public:
  explicit CmdCfgiCd(const ArchModel& m) {
    RcRandom r;
    RC_PRE(m.p.s1p);
    const Dirty* d = PickDirty(m, r, {Dirty::What::kCd});
    sid_ = d ? d->sid : static_cast<uint32_t>(r.Below(kSids));
    const uint32_t ssid = r.Chance(80) || m.p.ssidsize == 0 ? 0 : static_cast<uint32_t>(r.Below(4));
    Program prog(m.p, &r);
    CfgiCdLines(prog, sid_, ssid, r.Chance(50));
    ssid0_ = ssid == 0;
    Finish(prog, "CfgiCd sid=" + std::to_string(sid_) + " ssid=" + std::to_string(ssid));
  }

 private:
  bool Match(const Dirty& d) const override {
    return ssid0_ && d.what == Dirty::What::kCd && d.sid == sid_;
  }
  uint32_t sid_ = 0;
  bool ssid0_ = false;
};

class CmdTlbiNhVa final : public Invalidation {
 public:
  explicit CmdTlbiNhVa(const ArchModel& m) {
    RcRandom r;
    RC_PRE(m.p.s1p);
    const Dirty* d = PickDirty(m, r, {Dirty::What::kS1});
    if (d) {
      asid_ = d->asid, vmid_ = d->vmid, va_ = d->va;
    } else {
      asid_ = static_cast<uint16_t>(1 + r.Below(3));
      vmid_ = m.p.s2p ? static_cast<uint16_t>(1 + r.Below(2)) : 0;
      va_ = r.Below(uint64_t{1} << 36) << 12;
    }
    Program prog(m.p, &r);
    TlbiNhVaLines(prog, asid_, vmid_, va_, r.Chance(50));
    Finish(prog, "TlbiNhVa asid=" + std::to_string(asid_) + " vmid=" + std::to_string(vmid_) +
                     " va=" + Hex(va_));
  }

 private:
  bool Match(const Dirty& d) const override {
    return d.what == Dirty::What::kS1 && d.asid == asid_ && d.vmid == vmid_ &&
           (d.va >> 12) == (va_ >> 12);
  }
  uint16_t asid_ = 0, vmid_ = 0;
  uint64_t va_ = 0;
};

class CmdTlbiNhAsid final : public Invalidation {
 public:
  explicit CmdTlbiNhAsid(const ArchModel& m) {
    RcRandom r;
    RC_PRE(m.p.s1p);
    const Dirty* d = PickDirty(m, r, {Dirty::What::kS1, Dirty::What::kCd});
    asid_ = d ? d->asid : static_cast<uint16_t>(1 + r.Below(3));
    vmid_ = d ? d->vmid : m.p.s2p ? static_cast<uint16_t>(1 + r.Below(2)) : 0;
    Program prog(m.p, &r);
    TlbiNhAsidLines(prog, asid_, vmid_);
    Finish(prog, "TlbiNhAsid asid=" + std::to_string(asid_) + " vmid=" + std::to_string(vmid_));
  }

 private:
  bool Match(const Dirty& d) const override {
    return d.what == Dirty::What::kS1 && d.asid == asid_ && d.vmid == vmid_;
  }
  uint16_t asid_ = 0, vmid_ = 0;
};

class CmdTlbiNhAll final : public Invalidation {
 public:
  explicit CmdTlbiNhAll(const ArchModel& m) {
    RcRandom r;
    const Dirty* d = PickDirty(m, r, {Dirty::What::kS1, Dirty::What::kS2});
    vmid_ = d ? d->vmid : m.p.s2p ? static_cast<uint16_t>(1 + r.Below(2)) : 0;
    nsnh_ = !m.p.s1p || r.Chance(25);
    Program prog(m.p, &r);
    TlbiAllLines(prog, m.p, vmid_, nsnh_);
    Finish(prog, nsnh_ ? "TlbiNsnhAll" : "TlbiNhAll vmid=" + std::to_string(vmid_));
  }

 private:
  // Stage-2 changes also need TLBI_S2_IPA first; only S1 changes are covered here.
  bool Match(const Dirty& d) const override {
    return d.what == Dirty::What::kS1 && (nsnh_ || d.vmid == vmid_);
  }
  uint16_t vmid_ = 0;
  bool nsnh_ = false;
};

class CmdTlbiS2Ipa final : public Invalidation {
 public:
  explicit CmdTlbiS2Ipa(const ArchModel& m) {
    RcRandom r;
    RC_PRE(m.p.s2p);
    const Dirty* d = PickDirty(m, r, {Dirty::What::kS2});
    vmid_ = d ? d->vmid : static_cast<uint16_t>(1 + r.Below(2));
    ipa_ = d ? d->va : r.Below(uint64_t{1} << 20) << 12;
    Program prog(m.p, &r);
    TlbiS2IpaLines(prog, vmid_, ipa_, r.Chance(50));
    Finish(prog, "TlbiS2Ipa vmid=" + std::to_string(vmid_) + " ipa=" + Hex(ipa_));
  }

 private:
  bool Match(const Dirty& d) const override {
    return d.what == Dirty::What::kS2 && d.vmid == vmid_ && (d.va >> 12) == (ipa_ >> 12);
  }
  uint16_t vmid_ = 0;
  uint64_t ipa_ = 0;
};

// CMD_SYNC and process, or process alone.
class CmdSync final : public LinesCommand {
 public:
  explicit CmdSync(const ArchModel& m) {
    RcRandom r;
    Program prog(m.p, &r);
    if (r.Chance(75)) prog.Sync();
    else prog.Line("process");
    Take(prog);
    name_ = lines_.size() == 2 ? "Sync" : "Process";
  }
  void checkPreconditions(const ArchModel& m) const override { CheckQueue(m); }
  void apply(ArchModel& m) const override { m.queued = 0; }
};

// Non-coherent walker only: cleans one stream's region (or the stream table) late.
class CmdMemClean final : public LinesCommand {
 public:
  explicit CmdMemClean(const ArchModel& m) {
    RcRandom r;
    RC_PRE(!m.p.coherent_walk);
    Program prog(m.p, &r);
    if (r.Chance(30)) prog.Clean(kStrtab, 64 * kSids);
    else prog.Clean(kRegionBase + r.Below(kSids) * kRegionSize, kRegionSize);
    Take(prog);
    name_ = "MemClean";
  }
};

// ---- The system under test ----------------------------------------------------------------------

std::vector<std::string> ResetLinesImpl(const ArchModel& m) {
  return {"profile " + m.profile_line,
          "reg.write64 STRTAB_BASE " + Hex(kStrtab),
          "reg.write32 STRTAB_BASE_CFG 0x4",  // linear, LOG2SIZE 4
          "reg.write64 EVENTQ_BASE " + Hex(kEvtq | 5),
          "reg.write64 CMDQ_BASE " + Hex(kCmdq | kCmdqLog2),
          // The queue indexes reset to UNKNOWN values (C-REG-001): a driver programs them.
          "reg.write32 CMDQ_PROD 0", "reg.write32 CMDQ_CONS 0", "reg.write32 EVENTQ_PROD 0",
          "reg.write32 EVENTQ_CONS 0",
          "reg.write32 CR0 0xd"};
}

}  // namespace

std::vector<std::string> ResetLines(const ArchModel& m) { return ResetLinesImpl(m); }

ArchSut::ArchSut(const ArchModel& m) : p_(m.p) {
  auto impl = conform::MakeDevice("impl", p_);
  auto model = conform::MakeDevice("model", p_);
  SMMUREF_CHECK(impl && model, "stateful_tests is built only with impl (tests/CMakeLists.txt)");
  dev_ = std::make_unique<conform::LockstepDevice>(std::move(*impl), std::move(*model));
  vector_ = "smmuref-vectors 1\n# RapidCheck stateful test tests/stateful/arch_diff_test.cc\n";
  const auto reset = ResetLines(m);
  vector_ += reset[0] + "\n";
  Run("reset", {reset.begin() + 1, reset.end()});
}

std::vector<std::string> ArchSut::Run(const std::string& what,
                                      const std::vector<std::string>& lines) {
  vector_ += "# " + what + "\n";
  for (const auto& l : lines) {
    vector_ += l + "\n";
    if (!bounded_) Exec(l);
  }
  auto out = dev_->TakeMismatches();
  out.insert(out.end(), errors_.begin(), errors_.end());
  errors_.clear();
  return out;
}

void ArchSut::Exec(const std::string& line) {
  std::istringstream in(line);
  std::string op, a, b, c, d;
  in >> op >> a >> b >> c >> d;
  const auto num = [](const std::string& s) { return std::strtoull(s.c_str(), nullptr, 0); };
  if (op == "mem.write64") {
    dev_->MemWrite64(num(a), num(b));
  } else if (op == "mem.clean") {
    dev_->MemClean(num(a), num(b));
  } else if (op == "reg.write32" || op == "reg.write64") {
    spec::Reg r;
    if (!spec::ParseReg(a, &r)) SMMUREF_UNREACHABLE("stateful: unknown register in a generated line");
    if (op == "reg.write32") dev_->RegWrite32(r, false, static_cast<uint32_t>(num(b)));
    else dev_->RegWrite(r, num(b));
  } else if (op == "cmd") {
    const conform::QueueGeometry q = conform::CommandQueue(*dev_, p_);
    const uint64_t prod = dev_->RegRead(spec::Reg::CMDQ_PROD);
    const uint64_t slot = q.base + q.Index(prod) * 16;
    dev_->MemWrite64(slot, num(a));
    dev_->MemWrite64(slot + 8, num(b));
    dev_->RegWrite(spec::Reg::CMDQ_PROD, q.Next(prod));
  } else if (op == "process") {
    dev_->ProcessCommands();
  } else if (op == "txn") {
    spec::Txn t;
    t.sid = static_cast<uint32_t>(num(a));
    t.ssv = b != "-";
    t.ssid = t.ssv ? static_cast<uint32_t>(num(b)) : 0;
    t.addr = num(c);
    t.write = d[0] == 'w';
    t.instr = d[0] == 'x';
    t.priv = d.size() == 2;
    auto outcomes = dev_->Translate(t);
    if (!outcomes) {
      // The model's allowed-set bound (R-CACHE-009) ends the program, never a mismatch.
      if (outcomes.error().kind != spec::ErrorKind::kBound) {
        errors_.push_back("txn " + ToString(t) + ": " + outcomes.error().message);
      }
      bounded_ = true;
      return;
    }
    if (outcomes->empty()) {
      errors_.push_back("txn " + ToString(t) + ": impl returned no outcome");
      return;
    }
    dev_->Adopt(outcomes->front());
  } else {
    SMMUREF_UNREACHABLE("stateful: unknown operation in a generated line");
  }
}

namespace {

// ---- The property -------------------------------------------------------------------------------

ArchModel GenInitial(const std::string& profile) {
  ArchModel m;
  m.profile_line = profile;
  auto p = spec::LoadProfile(profile);
  SMMUREF_CHECK(p, "built-in profile missing");
  m.p = *p;
  if (*rc::gen::inRange(0, 100) < 15) {
    m.profile_line += " attr_perms_ovr=1";
    spec::SetProfileKey(m.p, "attr_perms_ovr", "1");
  }
  return m;
}

// Program length: sequences of at most this many commands keep each property well under a
// second, so the whole test stays at a few seconds in CI.
constexpr int kMaxCommands = 150;

void CheckPrograms(const std::string& profile) {
  const ArchModel init = GenInitial(profile);
  const auto gen = rc::state::gen::execOneOfWithArgs<
      CmdSetUpStream, CmdSetUpStream, CmdTranslate, CmdTranslate, CmdTranslate, CmdTranslate,
      CmdTranslate, CmdTranslate, CmdRemapPage, CmdChangePermission, CmdUnmapPage, CmdSplitBlock,
      CmdRewriteSte, CmdRewriteCd, CmdCfgiSte, CmdCfgiCd, CmdTlbiNhVa, CmdTlbiNhAsid, CmdTlbiNhAll,
      CmdTlbiS2Ipa, CmdSync, CmdMemClean>();
  const auto cmds = *rc::gen::resize(kMaxCommands, rc::state::gen::commands(init, gen));
  ArchSut sut(init);
  rc::state::runAll(cmds, init, sut);
}

RC_GTEST_PROP(StatefulArchDiff, ImplAllowedByModelOnFull, ()) { CheckPrograms("full"); }
RC_GTEST_PROP(StatefulArchDiff, ImplAllowedByModelOnFullV32, ()) { CheckPrograms("full-v32"); }
RC_GTEST_PROP(StatefulArchDiff, ImplAllowedByModelOnS1OnlyNoSsid, ()) {
  CheckPrograms("s1only-nossid");
}
RC_GTEST_PROP(StatefulArchDiff, ImplAllowedByModelOnS2Only, ()) { CheckPrograms("s2only"); }
RC_GTEST_PROP(StatefulArchDiff, ImplAllowedByModelOnNoncoherent, ()) {
  CheckPrograms("noncoherent");
}

}  // namespace
}  // namespace smmuref::stateful
