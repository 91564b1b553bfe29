// The program as a whole: profile choice, queue and control set-up, the operation loop and the
// client transactions [IHI0070 §3 (operation), §6.3 (registers)]. A program is a vector file:
// set-up, then operations drawn by weight (raised for the program's focus), then a final
// invalidation and a last round of translations.
// Tests: tests/conform/gen_test.cc, tests/conform/campaign_test.cc
#include <cstdarg>
#include <cstdio>
#include <iterator>

#include "gen.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform::gen {

unsigned LevelShift(unsigned g, int level) {
  return g + static_cast<unsigned>(3 - level) * (g - 3);
}

unsigned RandomGranule(Random& r, const spec::Profile& p) {
  // Uniform over the granules the profile has, by retrying a uniform pick (the campaign's
  // programs depend on this sequence of choices); a source of choices that repeats itself (a
  // fuzzer's exhausted input) ends the retries after a bounded number with the first granule
  // the profile has (a profile always has one).
  static const unsigned kGranules[] = {12, 14, 16};
  auto have = [&](unsigned g) {
    return (g == 12 && p.gran4k) || (g == 14 && p.gran16k) || (g == 16 && p.gran64k);
  };
  for (int attempt = 0; attempt < 64; ++attempt) {
    const unsigned g = kGranules[r.Below(3)];
    if (have(g)) return g;
  }
  return p.gran4k ? 12 : p.gran16k ? 14 : 16;
}

void Generator::Linef(const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  out_ += buf;
  out_ += '\n';
}

void Generator::W(uint64_t pa, uint64_t v) {
  mem_[pa] = v;
  Tokens("mem.write64", Hex{pa}, Hex{v});
  // A non-coherent walker needs the line cleaned; software sometimes forgets.
  if (!p_.coherent_walk && Chance(80)) Tokens("mem.clean", Hex{pa}, "8");
}

void Generator::WriteStruct(uint64_t pa, const uint64_t* dw, int n) {
  for (int i = n - 1; i >= 0; --i) {
    if (Rd(pa + 8 * i) != dw[i] || i == 0) {
      mem_[pa + 8 * i] = dw[i];
      Tokens("mem.write64", Hex{pa + 8 * i}, Hex{dw[i]});
    }
  }
  if (!p_.coherent_walk && Chance(80)) {
    Linef("mem.clean 0x%llx %d", static_cast<unsigned long long>(pa), 8 * n);
  }
}

uint64_t Generator::Rd(uint64_t pa) const {
  auto it = mem_.find(pa);
  return it == mem_.end() ? 0 : it->second;
}

uint64_t Generator::Alloc(uint64_t size, uint64_t align) {
  next_ = (next_ + align - 1) & ~(align - 1);
  const uint64_t a = next_;
  next_ += size;
  return a;
}

uint64_t Generator::AboveOas(Focus f, unsigned pct) {
  if (p_.oas >= 56 || !ChanceIn(f, pct)) return 0;
  return uint64_t{1} << (p_.oas + Below(56 - p_.oas));
}

bool Generator::ChanceIn(Focus f, unsigned pct) {
  if (o_.focus == f) pct = pct * 3 + 10;
  return Chance(pct > 100 ? 100 : pct);
}

void Generator::ChooseProfile() {
  if (!o_.platform.profile.empty()) {
    // The platform's own: a device is checked only on what it claims.
    auto p = spec::LoadProfile(o_.platform.profile);
    SMMUREF_CHECK(p.ok(), "a platform names a built-in profile");
    p_ = *p;
    Line("profile " + o_.platform.profile);
    return;
  }
  static const char* kProfiles[] = {"full", "full", "full-v32", "full-v32", "s1only-nossid",
                                    "s2only", "noncoherent"};
  const char* name = kProfiles[Below(7)];
  if (o_.focus == Focus::kEl2) name = "full-v32";
  std::vector<std::pair<std::string, std::string>> over;
  auto maybe = [&](Focus f, unsigned pct, const char* key, std::string value) {
    if (ChanceIn(f, pct)) over.emplace_back(key, std::move(value));
  };
  maybe(Focus::kPerm, 15, "attr_perms_ovr", "1");
  maybe(Focus::kQueues, 10, "cmd_res0_ill", "1");
  maybe(Focus::kStrtab, 5, "st_level", "0");
  maybe(Focus::kCd, 5, "cd2l", "0");
  maybe(Focus::kCd, 5, "asid16", "0");
  maybe(Focus::kStage2, 5, "vmid16", "0");
  maybe(Focus::kCd, 5, "term_model", "1");
  maybe(Focus::kPerm, 8, "xnx", "0");
  maybe(Focus::kPerm, 8, "had", "0");
  maybe(Focus::kWalk, 10, "stt", "1");
  maybe(Focus::kInval, 15, "ril", "1");
  maybe(Focus::kEl2, 10, "hyp", "1");
  maybe(Focus::kQueues, 5, "msi", "0");
  maybe(Focus::kWalk, 10, "oas", std::to_string(32 + 4 * Below(3)));
  maybe(Focus::kWalk, 5, "oas", Chance(50) ? "42" : "44");
  maybe(Focus::kStrtab, 8, "sidsize", std::to_string(4 + Below(12)));
  maybe(Focus::kCd, 8, "ssidsize", std::to_string(Below(12)));
  maybe(Focus::kQueues, 15, "cmdqs", std::to_string(1 + Below(4)));
  maybe(Focus::kQueues, 15, "eventqs", std::to_string(1 + Below(3)));
  if (ChanceIn(Focus::kWalk, 8)) {
    static const char* kGranules[] = {"gran4k", "gran16k", "gran64k"};
    over.emplace_back(kGranules[Below(3)], "0");
  }
  if (ChanceIn(Focus::kLifecycle, 5)) over.emplace_back("arch_minor", Chance(50) ? "1" : "2");
  auto p = spec::LoadProfile(name);
  p_ = *p;
  std::string line = std::string("profile ") + name;
  for (const auto& [k, v] : over) {
    if (!spec::SetProfileKey(p_, k, v)) continue;
    line += " " + k + "=" + v;
  }
  // At least one granule must remain.
  if (!p_.gran4k && !p_.gran16k && !p_.gran64k) {
    spec::SetProfileKey(p_, "gran4k", "1");
    line += " gran4k=1";
  }
  Line(line);
}

void Generator::SetupQueuesAndControl() {
  // Command queue: usually roomy, sometimes small enough to wrap often [IHI0070 §3.5].
  cmdq_log2_ = ChanceIn(Focus::kQueues, 25) ? 1 + static_cast<unsigned>(Below(3))
                                            : 4 + static_cast<unsigned>(Below(4));
  cmdq_base_ = Alloc(uint64_t{16} << cmdq_log2_, std::max<uint64_t>(32, uint64_t{16} << cmdq_log2_));
  Linef("reg.write64 CMDQ_BASE 0x%llx",
        static_cast<unsigned long long>(cmdq_base_ | cmdq_log2_ | AboveOas(Focus::kQueues, 3)));
  evtq_log2_ = ChanceIn(Focus::kQueues, 25) ? static_cast<unsigned>(Below(3))
                                            : 3 + static_cast<unsigned>(Below(3));
  evtq_base_ = Alloc(uint64_t{32} << evtq_log2_, std::max<uint64_t>(32, uint64_t{32} << evtq_log2_));
  Linef("reg.write64 EVENTQ_BASE 0x%llx",
        static_cast<unsigned long long>(evtq_base_ | evtq_log2_ | AboveOas(Focus::kQueues, 3)));
  // The queue indexes reset to UNKNOWN values (spec/choices.md C-REG-001): a driver programs them.
  Line("reg.write32 CMDQ_PROD 0x0");
  Line("reg.write32 CMDQ_CONS 0x0");
  Line("reg.write32 EVENTQ_PROD 0x0");
  Line("reg.write32 EVENTQ_CONS 0x0");
  // CR2: E2H selects NS-EL2-E2H for STRW=0b10; RECINVSID records C_BAD_STREAMID.
  e2h_ = p_.hyp && ChanceIn(Focus::kEl2, 30);
  const bool recinvsid = !Chance(15);
  uint64_t cr2 = 0;
  spec::Set(&cr2, spec::reg::CR2_E2H, e2h_);
  spec::Set(&cr2, spec::reg::CR2_RECINVSID, recinvsid);
  Linef("reg.write32 CR2 0x%llx", static_cast<unsigned long long>(cr2));
  if (ChanceIn(Focus::kLifecycle, 10)) {
    uint64_t gbpa = 0;
    spec::Set(&gbpa, spec::reg::GBPA_ABORT, Chance(50));
    spec::Set(&gbpa, spec::reg::GBPA_UPDATE, 1);
    Linef("reg.write32 GBPA 0x%llx", static_cast<unsigned long long>(gbpa));
  }
  evtq_on_ = !ChanceIn(Focus::kQueues, 5);
  msi_ = Alloc(64, 64);
}

const char* Generator::RandomAccess() {
  static const char* kAccess[] = {"r", "w", "x", "rp", "wp", "xp", "r", "w", "rp", "wp"};
  return kAccess[Below(10)];
}

void Generator::Txn(uint32_t sid, int64_t ssid, uint64_t addr, const char* access) {
  // What the platform cannot present becomes what it can: no SubstreamID, a data access, a
  // privileged one.
  const Platform& pl = o_.platform;
  if (!pl.substreams) ssid = -1;
  std::string acc = access;
  if (!pl.exec && acc[0] == 'x') acc[0] = 'r';
  if (!pl.unprivileged && acc.size() == 1) acc += 'p';
  access = acc.c_str();
  touched_.insert(sid);
  if (two_level_) touched_l1_.insert(sid >> split_);
  if (ssid < 0) {
    Tokens("txn", Hex{sid}, "-", Hex{addr}, access);
  } else {
    Tokens("txn", Hex{sid}, Dec{static_cast<int64_t>(ssid)}, Hex{addr}, access);
  }
}

// A transaction on `s`: through a leaf of the address space its SubstreamID selects, or at an
// address of the kind its configuration sees (bypass, stage 2 only, abort).
void Generator::TxnStream(const Stream& s, bool leaf_address) {
  const SteFields& f = s.ste;
  const bool translate = f.v && (f.config & 4) != 0;
  if (translate && (f.config & 1) && s.cdtab >= 0) {
    int ctx = -1;
    const int64_t ssid = PickSsid(s, &ctx);
    if (ctx >= 0 && leaf_address) {
      const S1Ctx& c = s1_[ctx];
      const int root = c.root1 >= 0 && Chance(30) ? c.root1 : c.root0;
      if (!roots_[root].leaves.empty()) {
        TxnLeaf(s, ssid, root, Pick(roots_[root].leaves));
        return;
      }
    }
    // Each draw its own statement: the order of evaluation of a call's arguments is
    // unspecified, and the same seed must give the same program with every compiler.
    const char* access = RandomAccess();
    const uint64_t addr = Below(uint64_t{1} << 40) << 3;
    Txn(s.sid, ssid, addr, access);
    return;
  }
  if (translate && (f.config & 2) && s.s2ctx >= 0 && leaf_address) {
    const int root = s2_[s.s2ctx].root;
    if (!roots_[root].leaves.empty()) {
      const Leaf& leaf = Pick(roots_[root].leaves);
      TxnLeaf(s, Chance(5) ? 0 : -1, root, leaf);
      return;
    }
  }
  // Bypass (the OAS range check, R-TXN-007), abort, or an invalid STE.
  const uint64_t addr = Chance(80) ? out_base_ + (Below(out_size_) & ~uint64_t{7})
                                   : Below(uint64_t{1} << (p_.oas - 3)) << 4;
  const char* access = RandomAccess();
  Txn(s.sid, Chance(5) ? 1 : -1, addr, access);
}

void Generator::TxnLeaf(const Stream& s, int64_t ssid, int root, const Leaf& l) {
  const Root& rt = roots_[root];
  const uint64_t size = uint64_t{1} << LevelShift(rt.g, l.level);
  uint64_t off = 0;
  const unsigned k = static_cast<unsigned>(Below(10));
  if (k >= 4 && k < 7) off = size - 8;
  else if (k >= 7) off = Below(size) & ~uint64_t{7};
  uint64_t addr = l.va + off;
  // A top byte: ignored with TBI, else outside the range (R-WALK-002, R-FAULT-004).
  if (ChanceIn(Focus::kWalk, 8)) addr = (addr & ~(uint64_t{0xff} << 56)) | (Below(256) << 56);
  Txn(s.sid, ssid, addr, RandomAccess());
}

// A transaction at `va` of `root` through some live stream that uses it (caches warmed with the
// entry, or checked after an invalidation).
void Generator::Warm(int root, uint64_t va) {
  const Root& rt = roots_[root];
  const uint64_t off = Below(uint64_t{1} << std::min(rt.g, 12u)) & ~uint64_t{7};
  static const char* kRead[] = {"r", "rp", "w", "x"};
  const char* access = kRead[Below(Chance(70) ? 2 : 4)];
  // Any of the streams and SubstreamIDs that reach the tree: with shared tables, each of the
  // address spaces sharing them gets checked.
  std::vector<std::pair<uint32_t, int64_t>> users;
  for (const Stream& s : streams_) {
    if (!s.live) continue;
    if (rt.stage == 2 && s.s2ctx >= 0 && s2_[s.s2ctx].root == root && s.ste.config == kCfgS2) {
      users.emplace_back(s.sid, -1);
    }
    if (rt.stage != 1 || s.cdtab < 0) continue;
    const CdTable& t = cdtabs_[s.cdtab];
    for (const CdSlot& c : t.slots) {
      if (c.ctx < 0 || (s1_[c.ctx].root0 != root && s1_[c.ctx].root1 != root)) continue;
      int64_t ssid = t.single ? int64_t{-1} : int64_t{c.ssid};
      if (ssid == 0 && s.ste.s1dss == 2) ssid = -1;  // CD[0] without a SubstreamID
      users.emplace_back(s.sid, ssid);
    }
  }
  if (users.empty()) return;
  const auto [sid, ssid] = Pick(users);
  Txn(sid, ssid, va + off, access);
}

void Generator::WarmAndCheck(const Dirty& d, int times) {
  using What = Dirty::What;
  for (int i = 0; i < times; ++i) {
    if (d.what == What::kS1 || d.what == What::kS2) {
      Warm(d.root, d.va);
      continue;
    }
    for (const Stream& s : streams_) {
      const bool hit = d.what == What::kSte || d.what == What::kL1Std
                           ? s.sid == d.sid || (d.what == What::kL1Std && two_level_ &&
                                                (s.sid >> split_) == (d.sid >> split_))
                           : s.cdtab == d.cdtab;
      if (hit && s.live) {
        TxnStream(s, true);
        break;
      }
    }
  }
}

void Generator::RandomTxn() {
  const uint32_t sid = BandSid();
  int64_t ssid = -1;
  if (Chance(20)) ssid = static_cast<int64_t>(Below(Chance(50) ? 4 : 1u << 20));
  uint64_t addr = Below(uint64_t{1} << 45) << 3;
  if (!roots_.empty() && Chance(50)) {
    const Root& rt = Pick(roots_);
    if (!rt.leaves.empty()) {
      const uint64_t va = Pick(rt.leaves).va;
      addr = va + (Below(4096) & ~uint64_t{7});
    }
  }
  Txn(sid, ssid, addr, RandomAccess());
}

void Generator::TxnAny() {
  std::vector<const Stream*> live;
  for (const Stream& s : streams_) if (s.live) live.push_back(&s);
  if (live.empty() || Chance(12)) RandomTxn();
  else {
    const bool leaf_address = !Chance(10);
    TxnStream(*live[Below(live.size())], leaf_address);
  }
}

void Generator::MapMore() {
  if (roots_.empty()) return;
  const int root = static_cast<int>(Below(roots_.size()));
  MapLeaves(root, 1 + static_cast<int>(Below(2)), roots_[root].s2ctx);
}

void Generator::RunOps() {
  struct Op {
    Focus a, b;
    unsigned weight;
    void (Generator::*fn)();
  };
  static const Op kOps[] = {
      {Focus::kMix, Focus::kMix, 30, &Generator::TxnAny},
      {Focus::kInval, Focus::kPerm, 12, &Generator::Remap},
      {Focus::kWalk, Focus::kPerm, 3, &Generator::Retable},
      {Focus::kWalk, Focus::kInval, 2, &Generator::SplitBlock},
      {Focus::kWalk, Focus::kInval, 1, &Generator::MergeToBlock},
      {Focus::kWalk, Focus::kStage2, 3, &Generator::MapMore},
      {Focus::kSte, Focus::kEl2, 4, &Generator::RewriteSte},
      {Focus::kCd, Focus::kPerm, 4, &Generator::RewriteCd},
      {Focus::kStrtab, Focus::kStrtab, 2, &Generator::RewriteL1Std},
      {Focus::kCd, Focus::kCd, 2, &Generator::RewriteL1Cd},
      {Focus::kSte, Focus::kStrtab, 2, &Generator::NewStream},
      {Focus::kInval, Focus::kNested, 12, &Generator::Invalidate},
      {Focus::kInval, Focus::kEl2, 3, &Generator::SpuriousInvalidation},
      {Focus::kQueues, Focus::kQueues, 2, &Generator::CmdqError},
      {Focus::kQueues, Focus::kQueues, 3, &Generator::EvtqOp},
      {Focus::kAbort, Focus::kAbort, 2, &Generator::AbortOp},
      {Focus::kLifecycle, Focus::kLifecycle, 2, &Generator::LifecycleOp},
  };
  unsigned weights[std::size(kOps)];
  unsigned total = 0;
  for (size_t i = 0; i < std::size(kOps); ++i) {
    const bool focused = o_.focus != Focus::kMix && (kOps[i].a == o_.focus || kOps[i].b == o_.focus);
    weights[i] = kOps[i].weight * (focused ? 5 : 1);
    total += weights[i];
  }
  for (int n = 0; n < o_.ops; ++n) {
    uint64_t k = Below(total);
    size_t i = 0;
    while (k >= weights[i]) k -= weights[i++];
    // Through a local: GCC's bounds sanitizer misreads an array element's member-function
    // pointer called in place (a stack address reported as the index).
    void (Generator::*const fn)() = kOps[i].fn;
    (this->*fn)();
    // Rarely, a program the model cannot bound (the campaign counts it, R-CACHE-009).
    if (o_.focus == Focus::kInval && Below(8000) == 0) ExplodeAllowedSet();
    // Un-invalidated changes multiply the allowed set: a driver that lost track starts over.
    if (improper_ > 8) CleanupAll();
  }
}

std::string Generator::Run() {
  out_ = "smmuref-vectors 1\n# generated by smmuref's random program generator (focus ";
  out_ += FocusName(o_.focus);
  out_ += ")\n";
  ChooseProfile();
  SetupQueuesAndControl();
  SetupStrtab();
  const bool enable_first = Chance(40);
  if (enable_first) EnableAll();
  const unsigned n = 2 + static_cast<unsigned>(Below(o_.focus == Focus::kMix ? 3 : 4));
  for (unsigned i = 0; i < n; ++i) NewStream();
  if (!enable_first) EnableAll();
  Invalidate();
  RunOps();
  Invalidate();
  for (int i = 0; i < 3 && !streams_.empty(); ++i) TxnStream(Pick(streams_), true);
  return out_;
}

}  // namespace smmuref::conform::gen
