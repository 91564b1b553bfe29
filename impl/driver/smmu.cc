// The SMMUv3 driver's runtime: probe, reset, the stream table, the queues, allocation of ASIDs
// and VMIDs, domains, stream and PASID attach and map/unmap with TLB maintenance, all through
// spec::Bus (smmu.h says which sections each step follows).
// Tests: tests/e2e/driver_e2e_test.cc, tests/impl/driver/smmu_test.cc
#include "smmuref/impl/driver/smmu.h"

#include <algorithm>

#include "smmuref/impl/driver/update.h"

namespace smmuref::impl::driver {
SMMUREF_DRIVER_BUILD_BEGIN

namespace reg = layout::reg;
using layout::Get;
using layout::Prep;
using spec::Reg;
using spec::api::Errno;

namespace {

constexpr unsigned kSteBytes = 64, kCdBytes = 64;
constexpr unsigned kStrtabSplit = 8;       // 256 STEs (16 KB) per level-2 table
constexpr unsigned kCdLeafLog2 = 6;        // 64 CDs (4 KB) per CD leaf table (S1Fmt=0b01)
constexpr unsigned kCdLinearMaxLog2 = 10;  // a linear CD table holds at most 1024 CDs (64 KB)
constexpr unsigned kCmdqMaxLog2 = 8, kEventqMaxLog2 = 7;
// More invalidations than this for one unmap and the driver invalidates the whole ASID/VMID.
constexpr uint64_t kMaxTlbiPerUnmap = 256;

unsigned OasBits(uint64_t enc) {
  static constexpr unsigned kBits[] = {32, 36, 40, 42, 44, 48, 52, 52};
  return kBits[enc & 7];
}

uint64_t OasEncoding(unsigned bits) {
  switch (bits) {
    case 32:
      return 0b000;
    case 36:
      return 0b001;
    case 40:
      return 0b010;
    case 42:
      return 0b011;
    case 44:
      return 0b100;
    default:
      return 0b101;
  }
}

// The granule shift of a page-size bitmap: its smallest size, which must be 4K, 16K or 64K.
unsigned GranuleOf(uint64_t pgsize_bitmap) {
  return pgsize_bitmap == 0 ? 0 : static_cast<unsigned>(__builtin_ctzll(pgsize_bitmap));
}

// The sizes io-pgtable offers for a granule: the page and the block levels [DDI0487 D8.2].
uint64_t SizesOfGranule(unsigned shift) {
  switch (shift) {
    case 12:
      return (uint64_t{1} << 12) | (uint64_t{1} << 21) | (uint64_t{1} << 30);
    case 14:
      return (uint64_t{1} << 14) | (uint64_t{1} << 25);
    case 16:
      return (uint64_t{1} << 16) | (uint64_t{1} << 29);
    default:
      return 0;
  }
}

}  // namespace

uint64_t Features::pgsize_bitmap() const {
  return (gran4k ? SizesOfGranule(12) : 0) | (gran16k ? SizesOfGranule(14) : 0) |
         (gran64k ? SizesOfGranule(16) : 0);
}

struct Smmu::Domain {
  DomainKind kind = DomainKind::kBlocked;
  uint64_t pgsize_bitmap = 0;
  unsigned granule_shift = 0;
  std::optional<IoPgtable> pgt;
  uint16_t asid = 0, vmid = 0;
  unsigned attached = 0;  // streams and PASIDs using it
};

struct Smmu::CdTable {
  uint64_t base = 0;  // 0: none
  unsigned order = 0;
  unsigned log2 = 0;  // S1CDMax: log2 of the CDs it indexes (0: CD 0 only)
  bool two_level = false;
  std::map<uint32_t, uint64_t> leaves;  // level-1 index -> leaf table
};

struct Smmu::Stream {
  DomainHandle rid = 0;  // 0: nothing attached, the STE aborts
  std::map<uint32_t, DomainHandle> pasids;
  CdTable cds;
};

Smmu::Smmu(spec::Bus& bus, const SmmuConfig& config, const Features& f)
    : bus_(bus),
      config_(config),
      features_(f),
      mem_(bus, config.table_base, config.table_size, f.coherent && config.system_coherent) {}

Smmu::~Smmu() = default;

spec::Result<std::unique_ptr<Smmu>> Smmu::Probe(spec::Bus& bus, const SmmuConfig& config) {
  const uint64_t idr0 = bus.RegRead(Reg::IDR0), idr1 = bus.RegRead(Reg::IDR1);
  const uint64_t idr3 = bus.RegRead(Reg::IDR3), idr5 = bus.RegRead(Reg::IDR5);
  Features f;
  f.s1 = (idr0 & reg::kIdr0S1P) != 0;
  f.s2 = (idr0 & reg::kIdr0S2P) != 0;
  f.coherent = (idr0 & reg::kIdr0COHACC) != 0;
  f.hyp = (idr0 & reg::kIdr0HYP) != 0;
  f.asid16 = (idr0 & reg::kIdr0ASID16) != 0;
  f.vmid16 = (idr0 & reg::kIdr0VMID16) != 0;
  f.cd2l = (idr0 & reg::kIdr0CD2L) != 0;
  f.ril = (idr3 & reg::kIdr3RIL) != 0;
  f.two_level_st = Get(reg::kIdr0STLevel, idr0) == reg::kStLevel2;
  f.attr_types_ovr = (idr1 & reg::kIdr1ATTR_TYPES_OVR) != 0;
  f.sid_bits = static_cast<unsigned>(Get(reg::kIdr1SIDSIZE, idr1));
  f.ssid_bits = static_cast<unsigned>(Get(reg::kIdr1SSIDSIZE, idr1));
  f.cmdq_log2 = static_cast<unsigned>(Get(reg::kIdr1CMDQS, idr1));
  f.eventq_log2 = static_cast<unsigned>(Get(reg::kIdr1EVENTQS, idr1));
  // The driver's tables are 48-bit (pgtable.h): a larger OAS is used as 48.
  f.oas = std::min(48u, OasBits(Get(reg::kIdr5OAS, idr5)));
  f.gran4k = (idr5 & reg::kIdr5GRAN4K) != 0;
  f.gran16k = (idr5 & reg::kIdr5GRAN16K) != 0;
  f.gran64k = (idr5 & reg::kIdr5GRAN64K) != 0;

  const uint64_t ttf = Get(reg::kIdr0TTF, idr0);
  auto refuse = [](const std::string& why) {
    return spec::Error{"driver probe", why, spec::ErrorKind::kNotImplemented};
  };
  if (ttf != reg::kTtfAArch64 && ttf != reg::kTtfBoth)
    return refuse("the SMMU has no AArch64 translation tables (IDR0.TTF)");
  if (!f.s1 && !f.s2) return refuse("the SMMU implements neither stage (IDR0.S1P, S2P)");
  if (f.pgsize_bitmap() == 0) return refuse("the SMMU supports no granule (IDR5.GRAN*)");
  if (f.cmdq_log2 == 0) return refuse("the command queue has one entry (IDR1.CMDQS)");

  std::unique_ptr<Smmu> smmu(new Smmu(bus, config, f));
  auto reset = smmu->Reset();
  if (!reset) return reset.error();
  return smmu;
}

spec::Result<bool> Smmu::Reset() {
  auto fail = [](const std::string& why) {
    return spec::Error{"driver reset", why, spec::ErrorKind::kDeviceFailure};
  };
  auto set_cr0 = [&](uint64_t v) -> bool {
    bus_.RegWrite(Reg::CR0, v);
    return bus_.RegRead(Reg::CR0ACK) == v;  // [IHI0070 §6.3.10: CR0ACK follows CR0]
  };
  if (!set_cr0(0)) return fail("CR0ACK did not follow CR0=0");
  bus_.RegWrite(Reg::CR1,
                Prep(reg::kCr1QueueIC, reg::kCacheWB) | Prep(reg::kCr1QueueOC, reg::kCacheWB) |
                    Prep(reg::kCr1QueueSH, reg::kShInner) | Prep(reg::kCr1TableIC, reg::kCacheWB) |
                    Prep(reg::kCr1TableOC, reg::kCacheWB) | Prep(reg::kCr1TableSH, reg::kShInner));
  bus_.RegWrite(Reg::CR2, reg::kCr2RECINVSID);

  // Stream table [IHI0070 §3.3]: 2-level when the SMMU has it and one level-2 table would not
  // cover every StreamID; every STE starts as abort (V=1, Config=abort) so an unknown stream is
  // stopped without an event flood.
  const Entry abort = SteWords(Ste::Abort());
  if (features_.two_level_st && features_.sid_bits > kStrtabSplit) {
    strtab_split_ = kStrtabSplit;
    const uint64_t l1_entries = uint64_t{1} << (features_.sid_bits - kStrtabSplit);
    auto base = mem_.Alloc(TableMemory::OrderFor(l1_entries * 8));
    if (!base) return fail("no table memory for the level-1 stream table");
    strtab_ = *base;
    bus_.RegWrite(Reg::STRTAB_BASE, reg::kStrtabBaseRA | (strtab_ & reg::kStrtabBaseADDR));
    bus_.RegWrite(Reg::STRTAB_BASE_CFG, Prep(reg::kStrtabCfgFMT, reg::kStrtabFmt2Level) |
                                            Prep(reg::kStrtabCfgSPLIT, kStrtabSplit) |
                                            Prep(reg::kStrtabCfgLOG2SIZE, features_.sid_bits));
  } else {
    const uint64_t bytes = uint64_t{kSteBytes} << features_.sid_bits;
    auto base = mem_.Alloc(TableMemory::OrderFor(bytes));
    if (!base) return fail("no table memory for the linear stream table");
    strtab_ = *base;
    for (uint64_t off = 0; off < bytes; off += kSteBytes)
      for (unsigned w = 0; w < 8; ++w) mem_.Write(strtab_ + off + w * 8, abort[w]);
    mem_.Publish(strtab_, bytes);
    bus_.RegWrite(Reg::STRTAB_BASE, reg::kStrtabBaseRA | (strtab_ & reg::kStrtabBaseADDR));
    bus_.RegWrite(Reg::STRTAB_BASE_CFG, Prep(reg::kStrtabCfgFMT, reg::kStrtabFmtLinear) |
                                            Prep(reg::kStrtabCfgLOG2SIZE, features_.sid_bits));
  }

  // Queues [IHI0070 §3.5, §6.3.25-§6.3.30]: a queue is aligned to its size (the buddy
  // allocator's blocks are).
  const unsigned cmdq_log2 = std::min(features_.cmdq_log2, kCmdqMaxLog2);
  auto cmdq = mem_.Alloc(TableMemory::OrderFor(uint64_t{16} << cmdq_log2));
  const unsigned evtq_log2 = std::min(features_.eventq_log2, kEventqMaxLog2);
  auto evtq = mem_.Alloc(TableMemory::OrderFor(uint64_t{32} << evtq_log2));
  if (!cmdq || !evtq) return fail("no table memory for the queues");
  cmdq_ = *cmdq;
  eventq_ = *evtq;
  features_.cmdq_log2 = cmdq_log2;
  features_.eventq_log2 = evtq_log2;
  bus_.RegWrite(Reg::CMDQ_BASE, reg::kQueueBaseRWA | (cmdq_ & reg::kQueueBaseADDR) |
                                    Prep(reg::kQueueBaseLOG2SIZE, cmdq_log2));
  bus_.RegWrite(Reg::CMDQ_PROD, 0);
  bus_.RegWrite(Reg::CMDQ_CONS, 0);
  cmdq_prod_ = 0;
  bus_.RegWrite(Reg::EVENTQ_BASE, reg::kQueueBaseRWA | (eventq_ & reg::kQueueBaseADDR) |
                                      Prep(reg::kQueueBaseLOG2SIZE, evtq_log2));
  bus_.RegWrite(Reg::EVENTQ_PROD, 0);
  bus_.RegWrite(Reg::EVENTQ_CONS, 0);

  // The command queue first, to invalidate whatever the SMMU cached before the driver.
  if (!set_cr0(reg::kCr0CMDQEN)) return fail("CR0ACK did not follow CR0.CMDQEN");
  std::vector<Command> inval = {CmdCfgiAll{}.Words(), CmdTlbiNsnhAll{}.Words()};
  if (features_.hyp) inval.push_back(CmdTlbiEl2All{}.Words());
  IssueSync(inval);
  if (device_error_) return fail("the initial invalidation failed: " + *device_error_);
  if (!set_cr0(reg::kCr0CMDQEN | reg::kCr0EVENTQEN))
    return fail("CR0ACK did not follow CR0.EVENTQEN");
  if (!set_cr0(reg::kCr0CMDQEN | reg::kCr0EVENTQEN | reg::kCr0SMMUEN))
    return fail("CR0ACK did not follow CR0.SMMUEN");
  return true;
}

// --- Command queue -------------------------------------------------------------------------

void Smmu::Issue(const std::vector<Command>& cmds) {
  const uint32_t n = uint32_t{1} << features_.cmdq_log2;
  const uint32_t wrap_mask = (n << 1) - 1;
  auto cons_now = [&] {
    return static_cast<uint32_t>(Get(reg::kQueueWR, bus_.RegRead(Reg::CMDQ_CONS))) & wrap_mask;
  };
  size_t next = 0;
  // Each round fills what the queue has room for, publishes PROD and lets the device run; a
  // command error is acknowledged with the failing command replaced by CMD_SYNC (what Linux
  // does on CERROR_ILL), and recorded.
  for (int round = 0; next < cmds.size() || cons_now() != cmdq_prod_; ++round) {
    if (round > static_cast<int>(cmds.size()) + 8) {
      if (!device_error_) device_error_ = "the command queue did not drain (CONS stuck)";
      return;
    }
    const uint32_t cons = cons_now();
    uint32_t used = (cmdq_prod_ - cons) & wrap_mask;
    while (next < cmds.size() && used < n) {
      const uint64_t slot = cmdq_ + uint64_t{cmdq_prod_ & (n - 1)} * 16;
      mem_.Write(slot, cmds[next][0]);
      mem_.Write(slot + 8, cmds[next][1]);
      mem_.Publish(slot, 16);
      command_log_.push_back(cmds[next]);
      cmdq_prod_ = (cmdq_prod_ + 1) & wrap_mask;
      ++used;
      ++next;
    }
    bus_.RegWrite(Reg::CMDQ_PROD, cmdq_prod_);
    bus_.ProcessCommands();
    const uint64_t gerror = bus_.RegRead(Reg::GERROR), gerrorn = bus_.RegRead(Reg::GERRORN);
    if (((gerror ^ gerrorn) & reg::kGerrorCMDQ_ERR) != 0) {
      const uint64_t cons_reg = bus_.RegRead(Reg::CMDQ_CONS);
      const uint32_t at = static_cast<uint32_t>(Get(reg::kQueueWR, cons_reg)) & (n - 1);
      const uint64_t slot = cmdq_ + uint64_t{at} * 16;
      if (!device_error_)
        device_error_ = "command error CERROR=" + std::to_string(Get(reg::kCmdqConsERR, cons_reg)) +
                        " on opcode " +
                        std::to_string(Get(layout::cmd::kDw0Opcode, mem_.Read(slot)));
      const Command sync = CmdSync{}.Words();
      mem_.Write(slot, sync[0]);
      mem_.Write(slot + 8, sync[1]);
      mem_.Publish(slot, 16);
      // Acknowledge: GERRORN.CMDQ_ERR takes GERROR's value, the queue resumes [IHI0070 §7.1].
      bus_.RegWrite(Reg::GERRORN,
                    (gerrorn & ~reg::kGerrorCMDQ_ERR) | (gerror & reg::kGerrorCMDQ_ERR));
      bus_.ProcessCommands();
    }
  }
}

void Smmu::IssueSync(std::vector<Command> cmds) {
  cmds.push_back(CmdSync{}.Words());
  Issue(cmds);
}

// --- Structures ------------------------------------------------------------------------------

std::optional<uint64_t> Smmu::SteAddress(uint32_t sid) {
  if (strtab_split_ == 0) return strtab_ + uint64_t{sid} * kSteBytes;
  const uint32_t l1 = sid >> strtab_split_;
  auto it = l2_tables_.find(l1);
  if (it == l2_tables_.end()) {
    const uint64_t bytes = uint64_t{kSteBytes} << strtab_split_;
    auto l2 = mem_.Alloc(TableMemory::OrderFor(bytes));
    if (!l2) return std::nullopt;
    const Entry abort = SteWords(Ste::Abort());
    for (uint64_t off = 0; off < bytes; off += kSteBytes)
      for (unsigned w = 0; w < 8; ++w) mem_.Write(*l2 + off + w * 8, abort[w]);
    mem_.Publish(*l2, bytes);
    // The level-2 table is complete and visible before the descriptor points at it.
    const uint64_t desc =
        Prep(layout::l1std::kSpan, strtab_split_ + 1) | (*l2 & layout::l1std::kL2Ptr);
    mem_.Write(strtab_ + uint64_t{l1} * 8, desc);
    mem_.Publish(strtab_ + uint64_t{l1} * 8, 8);
    // The SMMU may have cached the invalid descriptor for these StreamIDs [IHI0070 §4.3.2].
    IssueSync({CmdCfgiSteRange{.sid = l1 << strtab_split_, .range = strtab_split_ - 1}.Words()});
    it = l2_tables_.emplace(l1, *l2).first;
  }
  return it->second + uint64_t{sid & ((1u << strtab_split_) - 1)} * kSteBytes;
}

Entry Smmu::ReadEntry(uint64_t pa) {
  Entry e{};
  for (unsigned w = 0; w < 8; ++w) e[w] = mem_.Read(pa + w * 8);
  return e;
}

void Smmu::WriteEntry(EntryKind kind, uint64_t pa, const Entry& target, const Command& cfgi) {
  const Entry from = ReadEntry(pa);
  if (from == target) return;
  const bool skip_cfgi = (kind == EntryKind::kCd && SMMUREF_DRIVER_MUTANT(9)) ||
                         (kind == EntryKind::kSte && SMMUREF_DRIVER_MUTANT(14));
  if (SMMUREF_DRIVER_MUTANT(4)) {
    for (unsigned w = 8; w-- > 0;) {
      mem_.Write(pa + w * 8, target[w]);
      mem_.Publish(pa + w * 8, 8);
    }
    IssueSync({cfgi});
    return;
  }
  const UpdatePlan plan = PlanUpdate(kind, from, target);
  Entry now = from;
  for (const Entry& step : plan.steps) {
    for (unsigned w = 0; w < 8; ++w) {
      if (step[w] == now[w]) continue;
      mem_.Write(pa + w * 8, step[w]);
      if (!SMMUREF_DRIVER_MUTANT(5)) mem_.Publish(pa + w * 8, 8);
    }
    now = step;
    IssueSync(skip_cfgi ? std::vector<Command>{} : std::vector<Command>{cfgi});
  }
}

Cd Smmu::CdFor(const Domain& d) const {
  Cd cd;
  cd.ttb0.enabled = true;
  cd.ttb0.ttb = d.pgt->root();
  cd.ttb0.tsz = d.pgt->tsz();
  cd.ttb0.granule_shift = d.granule_shift;
  // Table walks: write-back inner shareable when the walker snoops, else non-cacheable outer
  // shareable, as Linux's io-pgtable programs TCR for a non-coherent walker.
  cd.ttb0.irgn = cd.ttb0.orgn = mem_.coherent() ? 1 : 0;
  cd.ttb0.sh = mem_.coherent() ? 3 : 2;
  cd.ips = static_cast<unsigned>(OasEncoding(features_.oas));
  cd.asid = d.asid;
  cd.mair = IoPgtableMair();
  return cd;
}

Entry Smmu::SteWords(Ste s) const {
  // SHCFG is an attribute override: RES0 without IDR1.ATTR_TYPES_OVR, where a non-zero value
  // may make the STE ILLEGAL [IHI0070 §5.2 SHCFG; chapter 5 on reserved fields]. PRIVCFG and
  // INSTCFG stay 0 (use the incoming attribute), which is also their RES0 value.
  if (!features_.attr_types_ovr) s.shcfg = 0;
  return s.Words();
}

Ste Smmu::SteFor(const Stream& s) const {
  const Domain* rid = s.rid ? domains_.at(s.rid).get() : nullptr;
  const bool pasids = !s.pasids.empty();
  const DomainKind kind = rid ? rid->kind : DomainKind::kBlocked;
  if (kind == DomainKind::kStage2) {
    SteStage2 s2;
    s2.vmid = rid->vmid;
    s2.ttb = rid->pgt->root();
    s2.t0sz = rid->pgt->tsz();
    s2.sl0 = rid->pgt->s2sl0();
    s2.granule_shift = rid->granule_shift;
    s2.ps = static_cast<unsigned>(OasEncoding(features_.oas));
    s2.irgn = s2.orgn = mem_.coherent() ? 1 : 0;  // as for a CD (CdFor)
    s2.sh = mem_.coherent() ? 3 : 2;
    return Ste::Stage2(s2);
  }
  if (!pasids && kind != DomainKind::kStage1)
    return kind == DomainKind::kIdentity ? Ste::Bypass() : Ste::Abort();
  SteStage1 s1;
  s1.cd_table = s.cds.base;
  s1.s1cdmax = s.cds.log2;
  s1.s1fmt = s.cds.two_level ? layout::ste::kS1Fmt4KLeaves : layout::ste::kS1FmtLinear;
  // With substreams, CD 0 is the RID's domain (S1DSS=SUBSTREAM0, so PASID 0 is never a
  // substream: min_pasid = 1); an identity or blocked RID bypasses or terminates instead.
  s1.s1dss = kind == DomainKind::kStage1     ? layout::ste::kS1DSSSubstream0
             : kind == DomainKind::kIdentity ? layout::ste::kS1DSSBypass
                                             : layout::ste::kS1DSSTerminate;
  if (kind == DomainKind::kStage1 && SMMUREF_DRIVER_MUTANT(11))
    s1.s1dss = layout::ste::kS1DSSBypass;
  return Ste::Stage1(s1);
}

bool Smmu::EnsureCdTable(Stream& s) {
  if (s.cds.base != 0) return true;
  // One table per stream for the stream's lifetime, sized for every SubstreamID the SMMU has,
  // as Linux sizes a master's table once: linear up to 1024 CDs, 2-level with 64-CD leaves made
  // on first use when the SMMU has CD2L [IHI0070 §3.4.3]. Without CD2L a linear table stops at
  // 1024 (larger PASIDs: EINVAL). Never moved or freed, so no CD ever changes tables under a
  // live STE and no stream's old table memory turns up as another stream's.
  const unsigned want = features_.ssid_bits;
  CdTable t;
  t.two_level = features_.cd2l && want > kCdLeafLog2;
  t.log2 = t.two_level ? want : std::min(want, kCdLinearMaxLog2);
  t.order = t.two_level ? TableMemory::OrderFor(uint64_t{8} << (want - kCdLeafLog2))
                        : TableMemory::OrderFor(uint64_t{kCdBytes} << t.log2);
  auto base = mem_.Alloc(t.order);
  if (!base) return false;
  t.base = *base;
  s.cds = std::move(t);
  return true;
}

std::optional<uint64_t> Smmu::CdAddress(CdTable& t, uint32_t ssid, bool make) {
  if (!t.two_level) return t.base + uint64_t{ssid} * kCdBytes;
  const uint32_t l1 = ssid >> kCdLeafLog2;
  auto it = t.leaves.find(l1);
  if (it == t.leaves.end()) {
    if (!make) return std::nullopt;
    auto leaf = mem_.Alloc(TableMemory::OrderFor(uint64_t{kCdBytes} << kCdLeafLog2));
    if (!leaf) return std::nullopt;
    // The leaf is zeroed (every CD invalid) and visible before the L1CD points at it.
    mem_.Write(t.base + uint64_t{l1} * 8, L1Cd(*leaf));
    mem_.Publish(t.base + uint64_t{l1} * 8, 8);
    it = t.leaves.emplace(l1, *leaf).first;
  }
  return it->second + uint64_t{ssid & ((1u << kCdLeafLog2) - 1)} * kCdBytes;
}

void Smmu::RefreshSte(uint32_t sid) {
  auto pa = SteAddress(sid);
  SMMUREF_CHECK(pa.has_value(), "STE of an attached stream has no table");
  WriteEntry(EntryKind::kSte, *pa, SteWords(SteFor(streams_.at(sid))),
             CmdCfgiSte{.sid = sid}.Words());
}

// --- Domains --------------------------------------------------------------------------------

Errno Smmu::AllocDomain(DomainKind kind, uint64_t pgsize_bitmap, DomainHandle* out) {
  auto d = std::make_unique<Domain>();
  d->kind = kind;
  if (kind == DomainKind::kStage1 || kind == DomainKind::kStage2) {
    if ((kind == DomainKind::kStage1 && !features_.s1) ||
        (kind == DomainKind::kStage2 && !features_.s2))
      return Errno::kEINVAL;
    const uint64_t offered = features_.pgsize_bitmap();
    if (pgsize_bitmap == 0) pgsize_bitmap = SizesOfGranule(GranuleOf(offered));
    const unsigned shift = GranuleOf(pgsize_bitmap);
    if (SizesOfGranule(shift) == 0 || (pgsize_bitmap & ~SizesOfGranule(shift)) != 0 ||
        (pgsize_bitmap & ~offered) != 0)
      return Errno::kEINVAL;
    d->granule_shift = shift;
    d->pgsize_bitmap = pgsize_bitmap;
    PgtableFormat fmt;
    fmt.stage = kind == DomainKind::kStage1 ? 1 : 2;
    fmt.granule_shift = shift;
    fmt.ias = kind == DomainKind::kStage1 ? config_.ias : std::min(config_.ias, features_.oas);
    fmt.oas = features_.oas;
    fmt.pgsize_bitmap = pgsize_bitmap;
    fmt.partial = config_.partial;
    // ASIDs and VMIDs from 1; a freed one comes back only after its TLB entries are gone.
    if (kind == DomainKind::kStage1) {
      const uint32_t limit = features_.asid16 ? 0x10000 : 0x100;
      if (SMMUREF_DRIVER_MUTANT(13)) {
        d->asid = 1;
      } else if (!free_asids_.empty()) {
        d->asid = static_cast<uint16_t>(*free_asids_.begin());
        free_asids_.erase(free_asids_.begin());
      } else if (next_asid_ < limit) {
        d->asid = static_cast<uint16_t>(next_asid_++);
      } else {
        return Errno::kENOSPC;
      }
    } else {
      const uint32_t limit = features_.vmid16 ? 0x10000 : 0x100;
      if (!free_vmids_.empty()) {
        d->vmid = static_cast<uint16_t>(*free_vmids_.begin());
        free_vmids_.erase(free_vmids_.begin());
      } else if (next_vmid_ < limit) {
        d->vmid = static_cast<uint16_t>(next_vmid_++);
      } else {
        return Errno::kENOSPC;
      }
    }
    d->pgt = IoPgtable::Create(mem_, fmt);
    if (!d->pgt) {
      if (kind == DomainKind::kStage1)
        free_asids_.insert(d->asid);
      else
        free_vmids_.insert(d->vmid);
      return Errno::kENOMEM;
    }
    // A table a block replaces is break-before-make: entry cleared, walk caches and TLB
    // invalidated and synced, then the block [DDI0487 D8.16.1].
    Domain* dp = d.get();
    if (!SMMUREF_DRIVER_MUTANT(12))
      d->pgt->SetWalkFlush([this, dp](uint64_t iova, uint64_t size) {
        Gather g;
        g.ranges.push_back({iova, size});
        g.tables_freed = true;
        InvalidateRanges(*dp, g);
      });
  }
  *out = next_domain_++;
  domains_.emplace(*out, std::move(d));
  return Errno::kOk;
}

Errno Smmu::FreeDomain(DomainHandle h) {
  auto it = domains_.find(h);
  if (it == domains_.end()) return Errno::kEINVAL;
  Domain& d = *it->second;
  if (d.attached != 0) return Errno::kEBUSY;
  if (d.kind == DomainKind::kStage1 || d.kind == DomainKind::kStage2) {
    if (!SMMUREF_DRIVER_MUTANT(6)) InvalidateDomain(d);
    d.pgt->Destroy();
    if (d.kind == DomainKind::kStage1)
      free_asids_.insert(d.asid);
    else
      free_vmids_.insert(d.vmid);
  }
  domains_.erase(it);
  return Errno::kOk;
}

uint64_t Smmu::DomainPgsizeBitmap(DomainHandle d) const {
  auto it = domains_.find(d);
  return it == domains_.end() ? 0 : it->second->pgsize_bitmap;
}

DomainKind Smmu::KindOf(DomainHandle d) const { return domains_.at(d)->kind; }

void Smmu::InvalidateDomain(const Domain& d) {
  if (d.kind == DomainKind::kStage1)
    IssueSync({CmdTlbiNhAsid{.vmid = 0, .asid = d.asid}.Words()});
  else if (d.kind == DomainKind::kStage2)
    IssueSync({CmdTlbiS12Vmall{.vmid = d.vmid}.Words()});
}

// --- Attach ---------------------------------------------------------------------------------

Errno Smmu::Attach(uint32_t sid, DomainHandle h) {
  if (features_.sid_bits < 32 && (uint64_t{sid} >> features_.sid_bits) != 0) return Errno::kEINVAL;
  auto it = domains_.find(h);
  if (it == domains_.end()) return Errno::kEINVAL;
  Domain& d = *it->second;
  Stream& s = streams_[sid];
  if (d.kind == DomainKind::kStage2 && !s.pasids.empty()) return Errno::kEINVAL;
  if (s.rid == h) return Errno::kOk;
  if (!SteAddress(sid)) return Errno::kENOMEM;
  const bool was_s1 = s.rid != 0 && domains_.at(s.rid)->kind == DomainKind::kStage1;
  if (d.kind == DomainKind::kStage1) {
    if (!EnsureCdTable(s)) return Errno::kENOMEM;
    auto cd0 = CdAddress(s.cds, 0, true);
    if (!cd0) return Errno::kENOMEM;
    WriteEntry(EntryKind::kCd, *cd0, CdFor(d).Words(), CmdCfgiCd{.sid = sid, .ssid = 0}.Words());
  }
  if (s.rid != 0) --domains_.at(s.rid)->attached;
  s.rid = h;
  ++d.attached;
  RefreshSte(sid);
  if (was_s1 && d.kind != DomainKind::kStage1) {
    // CD 0 no longer translates for the RID: retire it (V=0, CMD_CFGI_CD, sync) even when the
    // STE has stopped pointing at the table, so its ASID's context ends here for every cache,
    // before the domain's ASID can be invalidated and reused (Linux clears it the same way).
    auto cd0 = CdAddress(s.cds, 0, false);
    if (cd0) WriteEntry(EntryKind::kCd, *cd0, Entry{}, CmdCfgiCd{.sid = sid, .ssid = 0}.Words());
  }
  return Errno::kOk;
}

Errno Smmu::AttachPasid(uint32_t sid, uint32_t pasid, DomainHandle h) {
  if ((pasid == 0 && !SMMUREF_DRIVER_MUTANT(3)) || features_.ssid_bits == 0 ||
      (uint64_t{pasid} >> features_.ssid_bits) != 0)
    return Errno::kEINVAL;
  if (features_.sid_bits < 32 && (uint64_t{sid} >> features_.sid_bits) != 0) return Errno::kEINVAL;
  auto it = domains_.find(h);
  if (it == domains_.end() || it->second->kind != DomainKind::kStage1) return Errno::kEINVAL;
  Stream& s = streams_[sid];
  if (s.rid != 0 && domains_.at(s.rid)->kind == DomainKind::kStage2) return Errno::kEINVAL;
  if (s.pasids.count(pasid)) return Errno::kEBUSY;
  if (!SteAddress(sid)) return Errno::kENOMEM;
  if (!EnsureCdTable(s)) return Errno::kENOMEM;
  if ((uint64_t{pasid} >> s.cds.log2) != 0) return Errno::kEINVAL;  // beyond a linear table
  const bool new_leaf = s.cds.two_level && !s.cds.leaves.count(pasid >> kCdLeafLog2);
  auto slot = CdAddress(s.cds, pasid, true);
  if (!slot) return Errno::kENOMEM;
  // A new leaf's L1CD was written above; CFGI_CD with Leaf=0 also drops a cached invalid L1CD.
  WriteEntry(EntryKind::kCd, *slot, CdFor(*it->second).Words(),
             CmdCfgiCd{.sid = sid, .ssid = pasid, .leaf = !new_leaf}.Words());
  s.pasids[pasid] = h;
  if (!SMMUREF_DRIVER_MUTANT(7)) ++it->second->attached;
  RefreshSte(sid);
  return Errno::kOk;
}

Errno Smmu::DetachPasid(uint32_t sid, uint32_t pasid) {
  auto sit = streams_.find(sid);
  if (sit == streams_.end() || !sit->second.pasids.count(pasid)) return Errno::kENOENT;
  Stream& s = sit->second;
  auto slot = CdAddress(s.cds, pasid, false);
  SMMUREF_CHECK(slot.has_value(), "attached PASID without a CD");
  WriteEntry(EntryKind::kCd, *slot, Entry{}, CmdCfgiCd{.sid = sid, .ssid = pasid}.Words());
  if (!SMMUREF_DRIVER_MUTANT(7)) --domains_.at(s.pasids[pasid])->attached;
  s.pasids.erase(pasid);
  RefreshSte(sid);
  return Errno::kOk;
}

// --- Map and unmap ----------------------------------------------------------------------------

// What the IOMMU core guarantees io-pgtable before it calls map_pages/unmap_pages: one page size
// of the domain, an IOVA aligned to it and at least one page. The driver refuses anything else
// (EINVAL, nothing done) instead of trusting its caller.
bool Smmu::PagesArgsOk(const Domain& d, uint64_t iova, uint64_t pgsize, uint64_t count) {
  return pgsize != 0 && (pgsize & (pgsize - 1)) == 0 && (pgsize & d.pgsize_bitmap) != 0 &&
         iova % pgsize == 0 && count != 0;
}

PagesDone Smmu::MapPages(DomainHandle h, uint64_t iova, uint64_t pa, uint64_t pgsize,
                         uint64_t count, uint32_t prot) {
  auto it = domains_.find(h);
  if (it == domains_.end() || !it->second->pgt) return {Errno::kEINVAL, 0};
  Domain& d = *it->second;
  if (!PagesArgsOk(d, iova, pgsize, count) || pa % pgsize != 0) return {Errno::kEINVAL, 0};
  Gather replaced;
  const PagesDone done = d.pgt->MapPages(iova, pa, pgsize, count, prot, &replaced);
  // Tables a block replaced were flushed before the block went in (SetWalkFlush); anything
  // else the call unlinked is invalidated here before its memory is reused.
  if ((!replaced.ranges.empty() || replaced.tables_freed) && !SMMUREF_DRIVER_MUTANT(12))
    InvalidateRanges(d, replaced);
  d.pgt->ReleaseTables();
  return done;
}

PagesDone Smmu::UnmapPages(DomainHandle h, uint64_t iova, uint64_t pgsize, uint64_t count) {
  auto it = domains_.find(h);
  if (it == domains_.end() || !it->second->pgt) return {Errno::kEINVAL, 0};
  Domain& d = *it->second;
  if (!PagesArgsOk(d, iova, pgsize, count)) return {Errno::kEINVAL, 0};
  Gather gather;
  if (SMMUREF_DRIVER_MUTANT(2)) {
    // Invalidate what is about to go, then clear it: a walk in between refills the TLB.
    Gather early;
    early.ranges.push_back({iova, pgsize * count});
    InvalidateRanges(d, early);
    const PagesDone done = d.pgt->UnmapPages(iova, pgsize, count, &gather);
    d.pgt->ReleaseTables();
    return done;
  }
  const PagesDone done = d.pgt->UnmapPages(iova, pgsize, count, &gather);
  if (SMMUREF_DRIVER_MUTANT(1)) {
    d.pgt->ReleaseTables();
    return done;
  }
  // The TLB (and walk caches when tables went) is invalidated and the sync has completed
  // before unmap returns, and before unlinked tables go back to the allocator.
  if (!gather.ranges.empty() || gather.tables_freed) InvalidateRanges(d, gather);
  d.pgt->ReleaseTables();
  return done;
}

void Smmu::InvalidateRanges(const Domain& d, const Gather& g) {
  // By VA (stage 1, tagged with the domain's ASID) or IPA (stage 2, its VMID), one command per
  // granule of each removed leaf; Leaf=0 when tables went too, so walk caches are cleaned
  // [IHI0070 §4.4.2, §4.4.5]. Past kMaxTlbiPerUnmap the whole ASID or VMID goes.
  const bool leaf = !g.tables_freed;
  const uint64_t step = uint64_t{1} << d.granule_shift;
  uint64_t total = 0;
  for (auto [base, size] : g.ranges) total += (size + step - 1) / step;
  if (total == 0 && leaf) return;
  const uint16_t asid = SMMUREF_DRIVER_MUTANT(8) ? d.asid ^ 1 : d.asid;
  const uint16_t vmid = SMMUREF_DRIVER_MUTANT(8) ? d.vmid ^ 1 : d.vmid;
  const bool s1 = d.kind == DomainKind::kStage1;
  std::vector<Command> cmds;
  if (total > kMaxTlbiPerUnmap || total == 0) {
    cmds.push_back(s1 ? CmdTlbiNhAsid{.vmid = 0, .asid = asid}.Words()
                      : CmdTlbiS12Vmall{.vmid = vmid}.Words());
  } else {
    for (auto [base, size] : g.ranges)
      for (uint64_t va = base; va < base + size; va += step)
        cmds.push_back(
            s1 ? CmdTlbiNhVa{.vmid = 0, .asid = asid, .va = va, .leaf = leaf, .range = {}}.Words()
               : CmdTlbiS2Ipa{.vmid = vmid, .ipa = va, .leaf = leaf, .range = {}}.Words());
  }
  if (SMMUREF_DRIVER_MUTANT(10)) {
    Issue(cmds);  // no CMD_SYNC: nothing says when the invalidation completes
    return;
  }
  IssueSync(cmds);
}

std::optional<uint64_t> Smmu::IovaToPhys(DomainHandle h, uint64_t iova) {
  auto it = domains_.find(h);
  if (it == domains_.end() || !it->second->pgt) return std::nullopt;
  return it->second->pgt->IovaToPhys(iova);
}

#if SMMUREF_DRIVER_MUTANTS
const DriverMutant* DriverMutants(int* count) {
  static constexpr DriverMutant kMutants[] = {
      {1, "unmap returns without invalidating the TLB"},
      {2, "unmap invalidates the TLB before it clears the descriptors"},
      {3, "PASID 0 is handed out (its CD is the RID's CD 0)"},
      {4, "a live STE or CD is written in one pass, last doubleword first, with one sync"},
      {5, "STEs and CDs are not cleaned for a non-coherent walker"},
      {6, "a freed domain's ASID/VMID is reused without invalidating it"},
      {7, "PASID attach does not count the domain as used (freed while attached)"},
      {8, "unmap invalidates the neighbouring ASID/VMID"},
      {9, "a CD change is not followed by CMD_CFGI_CD"},
      {10, "unmap issues its TLB invalidations without a CMD_SYNC"},
      {11, "a stage-1 RID under PASIDs gets S1DSS=bypass instead of SUBSTREAM0"},
      {12, "a block replacing a table is not break-before-make (no walk-cache flush)"},
      {13, "every stage-1 domain gets ASID 1"},
      {14, "an STE change is not followed by CMD_CFGI_STE"},
  };
  *count = static_cast<int>(sizeof kMutants / sizeof kMutants[0]);
  return kMutants;
}
#endif

SMMUREF_DRIVER_BUILD_END
}  // namespace smmuref::impl::driver
