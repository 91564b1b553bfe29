// The random program generator's state and operations, shared by the files of conform/src/gen/
// (one per spec concept: strtab, ste, cd, pgtable, cmds, events, program). The generator keeps a
// shadow of what it wrote (memory, stream table, streams, CD tables, translation tables and the
// contexts that use them) so that every change can be followed by the invalidations it needs,
// and so that caches can be warmed before a change and checked after it.
// Tests: tests/conform/gen_test.cc, tests/conform/campaign_test.cc
#pragma once

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "build.h"
#include "smmuref/conform/progen.h"
#include "smmuref/spec/profile.h"

namespace smmuref::conform::gen {

// Physical layout: the platform's (GenOptions::platform); by default structures from 16 MiB and
// client output addresses in [1 GiB, 2 GiB). Everything fits the smallest OAS (32 bits).

// The lowest input-address bit a level-`level` entry resolves [DDI0487 D8.2].
unsigned LevelShift(unsigned g, int level);
// A granule shift (12, 14, 16) the profile advertises.
unsigned RandomGranule(Random& r, const spec::Profile& p);

struct Leaf {
  uint64_t va = 0;  // input address of the block or page (VA or IPA)
  int level = 3;
  uint64_t desc_pa = 0;
};

// A translation table tree.
struct Root {
  unsigned stage = 1;
  unsigned g = 12;   // granule shift
  unsigned ia = 48;  // input address bits
  int start = 0;     // start level
  unsigned start_bits = 0;  // index bits at the start level (with stage-2 concatenation)
  uint64_t base = 0;
  bool upper = false;       // a TTB1 tree: VAs have bits [63:ia] set
  unsigned oa_bits = 48;    // effective IPS (stage 1) or S2PS (stage 2) of its users
  int s2ctx = -1;           // a nested stage-1 tree: the VM that maps its tables
  std::vector<Leaf> leaves;
};

// A stage-1 address space (StreamWorld, VMID, ASID) and the CD contents that describe it. CDs
// with the same address space are identical, so TLB entries never conflict (R-CACHE-002 note).
struct S1Ctx {
  CdFields cd;
  int root0 = -1, root1 = -1;
  uint16_t vmid = 0;
  bool el2 = false;   // NS-EL2 or NS-EL2-E2H
  int s2ctx = -1;     // the stage 2 under it (nested)
  bool dead = false;  // no live stream uses it; its ASID may be reused
};

// A stage-2 address space (VMID) and its STE fields; streams sharing a VMID share all of them.
struct S2Ctx {
  SteFields s2;
  uint16_t vmid = 0;
  int root = -1;
  bool vm = false;   // maps the structure region and output window (a nested VM)
  int vm_level = 3;  // the level of its identity mappings
  bool dead = false;
};

struct CdSlot {
  uint32_t ssid = 0;
  uint64_t pa = 0;
  int ctx = -1;  // -1: an invalid or ILLEGAL CD
};

struct CdTable {
  bool single = true;  // S1CDMax = 0: one CD at S1ContextPtr
  unsigned fmt = 0;    // S1Fmt: 0 linear, 1 2-level 4KB leaves, 2 2-level 64KB leaves
  unsigned cdmax = 0;
  uint64_t base = 0;
  std::map<uint32_t, uint64_t> l2;  // L1CD index -> leaf table PA
  std::vector<CdSlot> slots;
};

struct Stream {
  uint32_t sid = 0;
  uint64_t ste_pa = 0;
  SteFields ste;
  int cdtab = -1;
  int s2ctx = -1;
  bool live = true;
};

// A change that needs an invalidation before it is certain to be seen.
struct Dirty {
  enum class What { kSte, kL1Std, kCd, kL1Cd, kS1, kS2 } what = What::kSte;
  uint32_t sid = 0;
  uint32_t ssid = 0;
  int cdtab = -1;
  int root = -1;
  uint64_t va = 0;
  int level = 3;
  bool table = false;   // a table descriptor changed (Leaf=1 does not cover it)
  bool global = false;  // a stage-1 leaf that is (or was) global: NH_ASID does not cover it
  // Every translation under the table descriptor at `level` changed (removed, merged, table
  // attributes, NLTA): only a range or ASID/VMID-wide invalidation reaches all their entries.
  bool subtree = false;
  std::vector<int> ctx1, ctx2;  // with `context`: the S1Ctx and S2Ctx whose TLB entries to drop
  bool context = false; // translation configuration changed: ASIDs/VMIDs are always invalidated
};

class Generator {
 public:
  Generator(Random& r, const GenOptions& o)
      : r_(r), o_(o), out_base_(o.platform.out_base), out_size_(o.platform.out_size),
        next_(o.platform.struct_base) {}
  std::string Run();

 private:
  // ---- program.cc: emitting, choices, profile, the operation loop, transactions
  void Line(const std::string& s) { out_ += s; out_ += '\n'; }
  void Linef(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  // The same as Linef for the lines every program has many of (stores, commands,
  // transactions), without a format string to interpret: space-separated tokens, numbers as
  // 0x-prefixed lowercase hex (Hex) or decimal (Dec), as Linef's %llx and %lld print them.
  struct Hex { uint64_t v; };
  struct Dec { int64_t v; };
  template <typename... T>
  void Tokens(const T&... t) {
    (Put(t), ...);
    out_.back() = '\n';  // the separator after the last token
  }
  void Put(std::string_view s) { out_ += s; out_ += ' '; }
  void Put(const char* s) { Put(std::string_view(s)); }
  void Put(Hex h) { out_ += "0x"; PutNumber(h.v, 16); }
  void Put(Dec d) { PutNumber(d.v, 10); }
  template <typename N>
  void PutNumber(N v, int base) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, base);
    out_.append(buf, r.ptr);
    out_ += ' ';
  }
  void W(uint64_t pa, uint64_t v);
  void WriteStruct(uint64_t pa, const uint64_t* dw, int n);  // V word (DW0) last
  uint64_t Rd(uint64_t pa) const;
  uint64_t Alloc(uint64_t size, uint64_t align);
  // Occasionally (pct, raised under focus `f`) an address bit at or above the OAS that a base
  // register or table pointer can hold (bits up to 55), else 0: the SMMU truncates such an
  // address or, for stream-table fetches, may fault instead [IHI0070 §3.4.3].
  uint64_t AboveOas(Focus f, unsigned pct);
  uint64_t Below(uint64_t n) { return r_.Below(n); }
  bool Chance(unsigned pct) { return r_.Chance(pct); }
  // `pct`, raised when the program focuses on `f`.
  bool ChanceIn(Focus f, unsigned pct);
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }
  void ChooseProfile();
  void SetupQueuesAndControl();
  void RunOps();
  void Txn(uint32_t sid, int64_t ssid, uint64_t addr, const char* access);
  void TxnStream(const Stream& s, bool leaf_address);
  void TxnLeaf(const Stream& s, int64_t ssid, int root, const Leaf& l);
  void RandomTxn();
  void TxnAny();
  void MapMore();
  void WarmAndCheck(const Dirty& d, int times);
  const char* RandomAccess();

  // The platform's StreamIDs (empty: any), whether `sid` is one, and the index bits they need.
  const std::vector<uint32_t>& Sids() const { return o_.platform.sids; }
  bool SidExists(uint32_t sid) const;
  unsigned SidBits() const;

  // ---- strtab.cc
  void SetupStrtab();
  std::optional<uint64_t> SteAddress(uint32_t sid) const;
  std::optional<uint32_t> FreeSid();
  uint32_t BandSid();
  void RewriteL1Std();

  // ---- ste.cc
  void NewStream();
  void BreakSte(SteFields& f);
  int NewS2Ctx(bool vm);
  void WriteSte(Stream& s);
  void RewriteSte();
  void Teardown();
  void RetireUnused();

  // ---- cd.cc
  int NewS1Ctx(uint16_t vmid, bool el2, int s2ctx);
  void BreakCd(CdFields& f);
  int NewCdTable(const Stream& s, int ctx);
  void WriteCd(uint64_t pa, const CdFields& f);
  void RewriteCd();
  void RewriteL1Cd();
  int64_t PickSsid(const Stream& s, int* ctx);

  // ---- pgtable.cc
  int NewRoot(unsigned stage, unsigned g, unsigned ia, int start, bool upper);
  std::optional<uint64_t> DescAddress(int root, uint64_t va, int level, int s2ctx);
  void MapLeaves(int root, int n, int s2ctx);
  void MapAlike(int root, int other, int s2ctx);
  bool MapOne(int root, int level, int s2ctx, bool broken);
  uint64_t RandomS1Leaf(uint64_t oa, int level);
  uint64_t RandomS2Leaf(uint64_t oa, int level);
  uint64_t RandomOa(unsigned size_log2, unsigned oa_bits);
  void EnsureVmMapped(int s2ctx, uint64_t ipa, uint64_t len);
  // remap.cc: changes to live translation tables.
  void Changed(const Dirty& d);
  void Remap();
  void Retable();
  void SplitBlock();
  void MergeToBlock();
  void ExplodeAllowedSet();
  void Warm(int root, uint64_t va);
  void MoveTable(int root, uint64_t desc_pa, int level);
  std::vector<int> S1UsersOf(int root) const;   // S1Ctx indices
  std::vector<int> S2UsersOf(int root) const;   // S2Ctx indices
  std::vector<uint64_t> TablePath(int root, uint64_t va, int level);

  // ---- cmds.cc
  void Cmd(const gen::Cmd& c);
  void Sync();
  void Process();
  void Invalidate() { Flush(false); }
  void Flush(bool force_proper);  // the outstanding changes, properly when forced
  void InvalidateOne(const Dirty& d, bool proper);
  void InvalidateS1(int ctx, const Dirty& d, bool proper);
  void InvalidateS2(int ctx, const Dirty& d, bool proper);
  void InvalidateContexts(const Dirty& d);
  void SpuriousInvalidation();
  TlbiAddr AddressOperand(const Root& rt, uint64_t va, int level, bool leaf_ok);
  void CleanupAll();

  // ---- queues.cc
  void WriteCr0();
  void SetCr0(bool smmuen, bool evtq, bool cmdq);
  void CmdqError();
  void ResetCmdq();
  void EvtqOp();
  void ResetEvtq();
  // ---- abort.cc
  void Abort(uint64_t pa, uint64_t len);
  void AbortOp();
  // ---- control.cc
  void EnableAll();
  void LifecycleOp();
  void RegisterPoke();

  Random& r_;
  GenOptions o_;
  spec::Profile p_;
  std::string out_;
  std::map<uint64_t, uint64_t> mem_;
  const uint64_t out_base_, out_size_;  // the platform's client output window
  uint64_t next_;

  // Control state as written.
  bool e2h_ = false;
  bool enabled_ = false;      // CR0.SMMUEN
  bool evtq_on_ = true;
  uint64_t cr0_ = 0;
  // Command queue as the generator tracks it (CONS equals PROD after every `process` unless an
  // error stopped it; errors are always recovered before more commands).
  uint64_t cmdq_base_ = 0;
  unsigned cmdq_log2_ = 0;
  uint32_t cmdq_pending_ = 0;
  uint32_t cmdq_prod_ = 0;  // PROD as written (index and wrap)
  uint64_t evtq_base_ = 0;
  unsigned evtq_log2_ = 0;

  // Stream table.
  bool two_level_ = false;
  unsigned log2size_ = 0, split_ = 0;
  uint64_t strtab_ = 0;
  struct L2Array {
    uint64_t pa = 0;
    unsigned span = 0;
  };
  std::map<uint32_t, L2Array> l1_;  // L1 index -> level-2 array as written

  std::vector<Root> roots_;
  std::vector<S1Ctx> s1_;
  std::vector<S2Ctx> s2_;
  std::vector<CdTable> cdtabs_;
  std::vector<Stream> streams_;
  std::vector<Dirty> dirty_;
  uint16_t next_asid_ = 1, next_vmid_ = 1;
  std::vector<uint16_t> free_asids_, free_vmids_;
  std::set<uint32_t> touched_, touched_l1_;  // StreamIDs (L1 indices) transactions have used
  uint64_t msi_ = 0;  // MSI target page of CMD_SYNC
  int improper_ = 0;  // un-invalidated changes outstanding (bounds the allowed set)
  bool vm_structures_dirty_ = false;  // see Changed (remap.cc)
  uint32_t msi_data_ = 1;
};

}  // namespace smmuref::conform::gen
