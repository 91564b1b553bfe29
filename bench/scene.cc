// Benchmark scenes (see scene.h). Address map, all below 2^48:
//   PA 0x100000 stream table (linear, 16 STEs), 0x200000 event queue, 0x210000 command queue;
//   stage-1 tables from 0x10000000 and the CD at 0x300000 (IPAs when nested);
//   stage-2 tables from PA 0x80000000; outputs (IPAs when nested) from 0x1000000000;
//   nested: stage 2 maps every IPA it needs to IPA + 0x10000000000.
#include "scene.h"

#include <algorithm>
#include <utility>

namespace smmuref::bench {

namespace {

constexpr uint32_t kSid = 3;
constexpr uint64_t kStrtab = 0x100000, kEvtq = 0x200000, kCmdq = 0x210000;
constexpr uint64_t kCd = 0x300000;
constexpr uint64_t kS1Pool = 0x10000000, kS2Pool = 0x80000000;
constexpr uint64_t kVaBase = 0x100000000000, kOutBase = 0x1000000000;
constexpr uint64_t kS2Offset = 0x10000000000;

// VMSAv8-64 descriptors [DDI0487 D8.3]: table = address | 0b11; a level-3 page = OA | 0b11 | AF.
constexpr uint64_t kTable = 0x3;
// Stage 1: AF=1, AP=0b00 (privileged read/write), AttrIndx=0.
constexpr uint64_t kS1Page = 0x403;
// Stage 2: AF=1, S2AP=0b11 (read/write), MemAttr=0b1111 (Normal write-back).
constexpr uint64_t kS2Page = 0x4ff;

// CD [IHI0070 §5.4]: T0SZ=16, TG0 (bits 7:6), EPD1, V, IPS=0b101 (48 bits), AA64, R, A, ASID=1.
uint64_t CdDw0(unsigned g) { return 0x16205c0000010ull | (g == 16 ? uint64_t{1} << 6 : 0); }
// STE DW0 [IHI0070 §5.2]: V=1, Config=0b101 (stage 1) or 0b111 (nested), S1ContextPtr.
uint64_t SteDw0(bool nested, uint64_t cd) { return cd | (nested ? 0xf : 0xb); }
// STE DW2: S2VMID=1, S2T0SZ=16, S2SL0=2 (level 0 for 4KB, 1 for 64KB), S2TG, S2PS=0b101,
// S2AA64=1, S2R=1.
uint64_t SteDw2(unsigned g) {
  const uint64_t tg = g == 16 ? 1 : 0;
  return 1 | (uint64_t{16} << 32) | (uint64_t{2} << 38) | (tg << 46) | (uint64_t{5} << 48) |
         (uint64_t{1} << 51) | (uint64_t{1} << 58);
}
// Input size 48 bits: the 4KB walk starts at level 0, the 64KB walk at level 1.
int StartLevel(unsigned g) { return g == 12 ? 0 : 1; }

}  // namespace

TableBuilder::TableBuilder(unsigned granule_shift, int start_level, uint64_t pool,
                           uint64_t store_offset, std::function<void(uint64_t, uint64_t)> write64)
    : g_(granule_shift),
      start_level_(start_level),
      next_(pool),
      offset_(store_offset),
      write64_(std::move(write64)) {
  root_ = NewTable();
}

uint64_t TableBuilder::NewTable() {
  const uint64_t t = next_;
  next_ += uint64_t{1} << g_;
  tables_.push_back(t);
  return t;
}

void TableBuilder::MapPage(uint64_t in, uint64_t out, uint64_t attrs) {
  uint64_t table = root_;
  for (int level = start_level_; level <= 3; ++level) {
    const unsigned shift = Shift(level);
    const unsigned bits = std::min(g_ - 3, 48 - shift);
    const uint64_t slot = table + ((in >> shift) & ((uint64_t{1} << bits) - 1)) * 8;
    if (level == 3) {
      write64_(slot + offset_, out | attrs);
      return;
    }
    auto it = next_table_.find(slot);
    if (it == next_table_.end()) {
      it = next_table_.emplace(slot, NewTable()).first;
      write64_(slot + offset_, it->second | kTable);
    }
    table = it->second;
  }
}

Scene BuildScene(const SceneSpec& spec, Sink& sink) {
  const unsigned g = spec.granule_shift;
  const uint64_t page = uint64_t{1} << g;
  const uint64_t stride = spec.va_stride ? spec.va_stride : page;
  const uint64_t s1_offset = spec.nested ? kS2Offset : 0;

  Scene scene;
  TableBuilder s1(g, StartLevel(g), kS1Pool, s1_offset, sink.write64);
  for (size_t i = 0; i < spec.pages; ++i) {
    const uint64_t va = kVaBase + i * stride;
    const uint64_t out = kOutBase + i * page;
    s1.MapPage(va, out, kS1Page);
    spec::Txn t;
    t.sid = kSid;
    t.addr = va + ((i * 0x88) & (page - 1) & ~uint64_t{7});
    t.priv = true;
    scene.txns.push_back(t);
    scene.pas.push_back(out + s1_offset + (t.addr & (page - 1)));
  }
  sink.write64(kCd + s1_offset, CdDw0(g));
  sink.write64(kCd + s1_offset + 8, s1.root());

  const uint64_t ste = kStrtab + kSid * 64;
  sink.write64(ste, SteDw0(spec.nested, kCd));
  if (spec.nested) {
    // Stage 2 maps the CD, every stage-1 table and every output page.
    TableBuilder s2(g, StartLevel(g), kS2Pool, 0, sink.write64);
    s2.MapPage(kCd, kCd + kS2Offset, kS2Page);
    for (uint64_t t : s1.tables()) s2.MapPage(t, t + kS2Offset, kS2Page);
    for (size_t i = 0; i < spec.pages; ++i) {
      const uint64_t ipa = kOutBase + i * page;
      s2.MapPage(ipa, ipa + kS2Offset, kS2Page);
    }
    sink.write64(ste + 16, SteDw2(g));
    sink.write64(ste + 24, s2.root());
  }

  sink.write_reg(spec::Reg::STRTAB_BASE, kStrtab);
  sink.write_reg(spec::Reg::STRTAB_BASE_CFG, 0x4);  // linear, LOG2SIZE=4
  sink.write_reg(spec::Reg::EVENTQ_BASE, kEvtq | 4);
  sink.write_reg(spec::Reg::CMDQ_BASE, kCmdq | 4);
  for (spec::Reg r : {spec::Reg::CMDQ_PROD, spec::Reg::CMDQ_CONS, spec::Reg::EVENTQ_PROD,
                      spec::Reg::EVENTQ_CONS}) {
    sink.write_reg(r, 0);  // UNKNOWN after reset
  }
  // CR2 is UNKNOWN after reset (C-REG-001): unwritten, the model would also enumerate both
  // StreamWorlds of CR2.E2H for every translation. E2H=0, RECINVSID=1, PTM=0.
  sink.write_reg(spec::Reg::CR2, 0x2);
  sink.write_reg(spec::Reg::CR0, 0xd);  // SMMUEN, EVENTQEN, CMDQEN
  return scene;
}

Scene BuildStaleScene(const unsigned candidates[4], Sink& sink) {
  // The stage-1 table stores of a one-page scene are the walk's four descriptors, level 0 first
  // (TableBuilder::MapPage); nothing else is stored in the stage-1 table pool.
  std::vector<std::pair<uint64_t, uint64_t>> path;
  Sink recording{[&](uint64_t pa, uint64_t v) {
                   sink.write64(pa, v);
                   if (pa >= kS1Pool && pa < kS2Pool) path.emplace_back(pa, v);
                 },
                 sink.write_reg};
  SceneSpec spec;
  spec.pages = 1;
  Scene scene = BuildScene(spec, recording);
  for (size_t level = 0; level < path.size() && level < 4; ++level) {
    const auto [pa, value] = path[level];
    for (uint64_t i = 1; i < std::min(candidates[level], 16u); ++i) {
      sink.write64(pa, value | i << 55);  // IGNORED bits [DDI0487 D8.3]
    }
  }
  return scene;
}

}  // namespace smmuref::bench
