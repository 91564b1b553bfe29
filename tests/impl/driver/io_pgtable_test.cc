// Tests for impl/driver/io_pgtable.cc, the driver's page tables over the model device's bus:
// random map_pages / unmap_pages programs run on IoPgtable and on the IOMMU API model's page
// table (model/api/pgtable.cc) with every error and byte count compared, and after every call the
// driver's descriptors in memory enumerated, walked by the model's S1Translate / S2Translate and
// asked with IovaToPhys, all against the model domain's leaves; what a call removed must be in
// its Gather. Then permissions and attributes judged by the model's walk, the geometry the CD and
// STE are programmed with, table memory given back by Destroy, break-before-make with a walk
// flush, exhaustion, and a non-coherent walker that sees the tables only because they were
// published (R-MAP-005, -006, -008, -011 to -016).
#include "smmuref/impl/driver/io_pgtable.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <sstream>

#include "smmuref/conform/device.h"
#include "smmuref/impl/driver/cd.h"
#include "smmuref/impl/driver/cmdq.h"
#include "smmuref/impl/driver/pgtable.h"
#include "smmuref/impl/driver/ste.h"
#include "smmuref/model/api/pgtable.h"
#include "smmuref/model/api/system.h"
#include "smmuref/model/arch/cd.h"
#include "smmuref/model/arch/ste.h"
#include "smmuref/model/arch/walk.h"
#include "smmuref/spec/tables.h"

namespace smmuref::impl::driver {
namespace {

namespace arch = model::arch;
namespace mapi = model::api;
using spec::api::Errno;
using spec::api::ErrnoName;
using spec::api::kProtCache;
using spec::api::kProtMmio;
using spec::api::kProtNoexec;
using spec::api::kProtPriv;
using spec::api::kProtRead;
using spec::api::kProtWrite;
using spec::api::MapOverlap;
using spec::api::PartialUnmap;

constexpr uint64_t kTableBase = 0x4000'0000;
constexpr uint64_t kTableBytes = 0x400'0000;  // 64 MB: 1024 tables of 64 KB
constexpr uint32_t kRw = kProtRead | kProtWrite;

// A built-in profile, with `option` ("key=value") applied when not empty.
const spec::Profile& Profile(const std::string& name, const std::string& option = "") {
  static std::map<std::string, spec::Profile> cache;
  const std::string key = name + " " + option;
  auto it = cache.find(key);
  if (it == cache.end()) {
    std::vector<std::string> options;
    if (!option.empty()) options.push_back(option);
    auto p = spec::LoadProfile(name, options);
    EXPECT_TRUE(p.ok()) << p.error().ToString();
    it = cache.emplace(key, *p).first;
  }
  return it->second;
}

std::unique_ptr<conform::Device> ModelDevice(const std::string& profile = "full") {
  auto dev = conform::MakeDevice("model", Profile(profile));
  EXPECT_TRUE(dev.ok());
  return std::move(*dev);
}

// The SMMU's reads of the tables as memory holds them now (the CPU's view), remembering the
// last descriptor read: the leaf, when a walk succeeds.
class BusFetcher final : public arch::Fetcher {
 public:
  explicit BusFetcher(spec::Bus& bus) : bus_(bus) {}
  bool Read(arch::FetchKind, const arch::FetchTag&, uint64_t pa, unsigned dwords,
            uint64_t* out) override {
    for (unsigned i = 0; i < dwords; ++i) out[i] = bus_.MemRead64(pa + 8 * i);
    last_ = out[dwords - 1];
    return true;
  }
  uint64_t last() const { return last_; }

 private:
  spec::Bus& bus_;
  uint64_t last_ = 0;
};

unsigned PsFor(unsigned oas) {
  switch (oas) {
    case 32: return 0b000;
    case 36: return 0b001;
    case 40: return 0b010;
    case 42: return 0b011;
    case 44: return 0b100;
    default: return 0b101;
  }
}

// The CD and the STE stage-2 half an IoPgtable is programmed into.
Cd CdFor(const IoPgtable& t) {
  Cd cd;
  cd.ttb0.enabled = true;
  cd.ttb0.ttb = t.root();
  cd.ttb0.tsz = t.tsz();
  cd.ttb0.granule_shift = t.format().granule_shift;
  cd.ips = PsFor(t.format().oas);
  cd.mair = IoPgtableMair();
  cd.asid = 1;
  return cd;
}

SteStage2 S2For(const IoPgtable& t) {
  SteStage2 s2;
  s2.vmid = 1;
  s2.ttb = t.root();
  s2.t0sz = t.tsz();
  s2.sl0 = t.s2sl0();
  s2.granule_shift = t.format().granule_shift;
  s2.ps = PsFor(t.format().oas);
  return s2;
}

// The model's architectural walk of an IoPgtable's tables in memory.
class ModelWalk {
 public:
  ModelWalk(const IoPgtable& t, const spec::Profile& p) : stage_(t.format().stage), p_(p) {
    if (stage_ == 1) {
      cd_ = arch::DecodeCd(CdFor(t).Words().data(), p, arch::CdContext{});
    } else {
      const Entry ste = Ste::Stage2(S2For(t)).Words();
      EXPECT_TRUE(arch::SteIllegalReasons(ste.data(), p).empty()) << "S2SL0=" << t.s2sl0();
      s2_ = arch::DecodeSte(ste.data(), p, false).s2cfg;
    }
  }
  arch::Step<uint64_t> Translate(spec::Bus& bus, uint64_t ia, arch::Access a,
                                 uint64_t* leaf = nullptr) const {
    BusFetcher f(bus);
    arch::Step<uint64_t> out =
        stage_ == 1 ? arch::S1Translate(cd_, arch::StreamWorld::kNsEl1, ia, a, nullptr, p_, f,
                                        arch::FetchTag{})
                    : arch::S2Translate(s2_, ia, a, spec::FaultClass::IN, p_, f, arch::FetchTag{});
    if (leaf) *leaf = f.last();
    return out;
  }
  // The output address of a privileged read, or of a write where the leaf is write-only.
  std::optional<uint64_t> Pa(spec::Bus& bus, uint64_t ia) const {
    for (bool write : {false, true}) {
      const arch::Access a{.write = write, .instr = false, .priv = true};
      const auto out = Translate(bus, ia, a);
      if (std::holds_alternative<uint64_t>(out)) return std::get<uint64_t>(out);
    }
    return std::nullopt;
  }

 private:
  int stage_;
  const spec::Profile& p_;
  arch::CdConfig cd_;
  arch::S2Config s2_;
};

// A model paging domain built as the API model builds one (R-DOM-011): one instance with these
// sizes, a device, a domain allocated for it.
mapi::Domain ModelDomain(uint64_t bitmap, unsigned ias, unsigned oas) {
  mapi::System s;
  spec::api::InstanceCaps caps;
  caps.pgsize_bitmap = bitmap;
  caps.ias = ias;
  caps.oas = oas;
  const auto inst = s.RegisterInstance(caps);
  EXPECT_TRUE(inst.ok());
  spec::api::DeviceDesc desc;
  desc.instance = inst.value;
  desc.sids = {1};
  const auto dev = s.ProbeDevice(desc);
  EXPECT_TRUE(dev.ok());
  const auto dom = s.AllocPagingDomain(dev.value);
  EXPECT_TRUE(dom.ok());
  return *s.FindDomain(dom.value);
}

// One leaf as the tables hold it.
struct LeafAt {
  uint64_t pa = 0, size = 0;
  bool operator==(const LeafAt&) const = default;
};
using Leaves = std::map<uint64_t, LeafAt>;

// Every leaf of the driver's tables, read descriptor by descriptor.
void CollectLeaves(spec::Bus& bus, const IoPgtable& t, uint64_t table, int level, uint64_t va,
                   Leaves* out) {
  const unsigned g = t.format().granule_shift;
  const unsigned bits = level == t.start_level() ? t.root_index_bits() : g - 3;
  const unsigned shift = LevelShift(g, level);
  for (uint64_t i = 0; i < (uint64_t{1} << bits); ++i) {
    const uint64_t d = bus.MemRead64(table + 8 * i);
    if ((d & 1) == 0) continue;
    const uint64_t at = va + (i << shift);
    if (level < 3 && (d & 3) == 3) {
      CollectLeaves(bus, t, d & layout::Bits(47, g), level + 1, at, out);
    } else {
      EXPECT_TRUE(level < 3 || (d & 3) == 3) << "reserved level-3 descriptor at " << at;
      (*out)[at] = {d & layout::Bits(47, shift), uint64_t{1} << shift};
    }
  }
}

Leaves DriverLeaves(spec::Bus& bus, const IoPgtable& t) {
  Leaves out;
  CollectLeaves(bus, t, t.root(), t.start_level(), 0, &out);
  return out;
}

Leaves ModelLeaves(const mapi::Domain& d) {
  Leaves out;
  for (const auto& [va, l] : d.leaves) out[va] = {l.pa, l.size};
  return out;
}

std::optional<uint64_t> ModelPa(const mapi::Domain& d, uint64_t iova) {
  auto it = mapi::CoveringLeaf(d, iova);
  if (it == d.leaves.end()) return std::nullopt;
  return it->second.pa + (iova - it->first);
}

// R-MAP-013, with the architecture's own rules: whether `a` may use a leaf mapped with `prot`.
// Stage 1: every leaf is readable, writable with WRITE, executable without NOEXEC; a PRIV leaf
// refuses unprivileged accesses, and memory EL0 may write is never executable privileged
// (R-PERM-004). Stage 2: S2AP and XN only (R-PERM-011, R-PERM-012).
bool Permitted(int stage, uint32_t prot, arch::Access a) {
  const bool w = (prot & kProtWrite) != 0, x = (prot & kProtNoexec) == 0;
  if (stage == 2) return a.instr ? x : a.write ? w : (prot & kProtRead) != 0;
  const bool el0 = (prot & kProtPriv) == 0;
  if (!a.priv && !el0) return false;
  if (a.instr) return x && !(a.priv && el0 && w);
  return !a.write || w;
}

const arch::Access kAccesses[] = {
    {.write = false, .instr = false, .priv = true}, {.write = true, .instr = false, .priv = true},
    {.write = false, .instr = true, .priv = true},  {.write = false, .instr = false, .priv = false},
    {.write = true, .instr = false, .priv = false}, {.write = false, .instr = true, .priv = false}};

// The memory type and shareability of a leaf mapped with `prot`: MMIO Device-nGnRE, CACHE
// Write-Back inner shareable, else Non-cacheable outer shareable; AF set, nG at stage 1
// [arm_lpae_prot_to_pte, v6.12]. Stage 1 reads the type through the CD's MAIR.
void ExpectAttrs(int stage, uint32_t prot, uint64_t leaf, const std::string& where) {
  const uint64_t sh = (prot & kProtCache) ? 3 : 2;
  if (stage == 1) {
    const uint64_t idx = spec::Get(&leaf, spec::desc_s1::AttrIndx);
    const uint64_t type = (prot & kProtMmio) ? 0x04 : (prot & kProtCache) ? 0xff : 0x44;
    EXPECT_EQ((IoPgtableMair() >> (8 * idx)) & 0xff, type) << where;
    EXPECT_EQ(spec::Get(&leaf, spec::desc_s1::SH), sh) << where;
    EXPECT_EQ(spec::Get(&leaf, spec::desc_s1::AF), 1u) << where;
    EXPECT_EQ(spec::Get(&leaf, spec::desc_s1::nG), 1u) << where;
  } else {
    const uint64_t type = (prot & kProtMmio) ? 0x1 : (prot & kProtCache) ? 0xf : 0x5;
    EXPECT_EQ(spec::Get(&leaf, spec::desc_s2::MemAttr), type) << where;
    EXPECT_EQ(spec::Get(&leaf, spec::desc_s2::SH), sh) << where;
    EXPECT_EQ(spec::Get(&leaf, spec::desc_s2::AF), 1u) << where;
  }
}

// Every access of kAccesses at `ia` through the model's walk is permitted exactly as `prot`
// says, and the leaf it reached has the attributes of `prot`.
void ExpectPermissions(const ModelWalk& walk, spec::Bus& bus, int stage, uint64_t ia,
                       uint32_t prot, const std::string& where) {
  for (const arch::Access& a : kAccesses) {
    uint64_t leaf = 0;
    const auto out = walk.Translate(bus, ia, a, &leaf);
    const bool ok = std::holds_alternative<uint64_t>(out);
    ASSERT_EQ(ok, Permitted(stage, prot, a))
        << "prot " << prot << " write " << a.write << " instr " << a.instr << " priv " << a.priv
        << " at 0x" << std::hex << ia << "; " << where;
    if (!ok) {
      EXPECT_EQ(std::get<arch::Fault>(out).type, spec::EventType::F_PERMISSION) << where;
    } else {
      ExpectAttrs(stage, prot, leaf, where);
    }
  }
}

// map_pages on the model under `overlap`: strict refuses any overlap with a live leaf before
// anything changes, after the size, range and protection checks (R-MAP-006); otherwise the
// model's MapPages.
mapi::PagesResult ModelMap(mapi::Domain& d, uint64_t iova, uint64_t pa, uint64_t pgsize,
                           uint64_t count, uint32_t prot, MapOverlap overlap) {
  const bool one_size = pgsize != 0 && (pgsize & (pgsize - 1)) == 0 &&
                        (pgsize & d.pgsize_bitmap) == pgsize;
  if (overlap == MapOverlap::kStrict && one_size) {
    const uint64_t n = mapi::EntriesInTable(d.levels, iova, pgsize, count);
    if (mapi::ChunkInRange(d, iova, pa, n * pgsize) && (prot & kRw) != 0) {
      const uint64_t end = iova + n * pgsize;
      auto cover = mapi::CoveringLeaf(d, iova);
      if (cover != d.leaves.end() && cover->second.size > pgsize) return {Errno::kEEXIST, 0, true};
      auto it = d.leaves.lower_bound(iova);
      if (it != d.leaves.end() && it->first < end) return {Errno::kEEXIST, 0, true};
    }
  }
  return mapi::MapPages(d, iova, pa, pgsize, count, prot);
}

bool InGather(const Gather& g, uint64_t a) {
  for (const auto& [start, size] : g.ranges) {
    if (a >= start && a - start < size) return true;
  }
  return false;
}

std::string Hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

// One random program of map_pages / unmap_pages calls on the driver and on the model.
struct DiffConfig {
  int stage;
  unsigned g, ias, oas;
  PartialUnmap partial;
  MapOverlap overlap;
};

class Differential {
 public:
  Differential(const DiffConfig& c, uint32_t seed)
      : c_(c), rng_(seed), dev_(ModelDevice()), mem_(*dev_, kTableBase, kTableBytes, true) {
    PgtableFormat f;
    f.stage = c.stage;
    f.granule_shift = c.g;
    f.ias = c.ias;
    f.oas = c.oas;
    f.partial = c.partial;
    f.overlap = c.overlap;
    pgt_.emplace(*IoPgtable::Create(mem_, f));
    walk_.emplace(*pgt_, Profile("full"));
    bitmap_ = pgt_->format().pgsize_bitmap;
    for (uint64_t b = bitmap_; b != 0; b &= b - 1) sizes_.push_back(b & -b);
    model_ = ModelDomain(bitmap_, c.ias, c.oas);
    const uint64_t top = sizes_.back();
    windows_ = {0, (uint64_t{1} << (c.ias - 1)) - top, (uint64_t{1} << c.ias) - 2 * top};
    window_bytes_ = 2 * top;
  }

  void Run(int calls) {
    for (int i = 0; i < calls && !::testing::Test::HasFailure(); ++i) Step();
    pgt_->Destroy();
    EXPECT_EQ(mem_.InUse(), 0u) << "Destroy gives back every table";
  }

 private:
  uint64_t Pick(uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  uint64_t PickSize() {
    if (Pick(10) != 0) return sizes_[Pick(sizes_.size())];
    const uint64_t g = uint64_t{1} << c_.g;
    const uint64_t bad[] = {0, 2 * g, 3 * g, g << (3 * (c_.g - 3))};
    return bad[Pick(4)];
  }

  uint64_t PickIova(uint64_t pgsize) {
    const uint64_t align = pgsize == 0 ? 1 : pgsize;
    const uint64_t r = Pick(10);
    if (r < 4 && !model_.leaves.empty()) {
      // Near a live leaf: its start, inside it, just before or after it.
      auto it = model_.leaves.begin();
      std::advance(it, Pick(std::min<uint64_t>(model_.leaves.size(), 64)));
      const int64_t k = static_cast<int64_t>(Pick(it->second.size / align + 4)) - 2;
      return (it->first + static_cast<uint64_t>(k) * align) & ~(align - 1);
    }
    if (r < 8) {
      const uint64_t base = windows_[Pick(windows_.size())];
      return (base + Pick(window_bytes_)) & ~(align - 1);
    }
    if (r < 9) {
      // Just before the end of a table (or of the input range).
      const uint64_t span = align << (c_.g - 3);
      const uint64_t at = (windows_[Pick(windows_.size())] + Pick(window_bytes_)) | (span - 1);
      return (at + 1 - align * (1 + Pick(3))) & ~(align - 1);
    }
    // At or beyond 2^IAS.
    const uint64_t beyond[] = {uint64_t{1} << c_.ias, ~uint64_t{0}, uint64_t{1} << 63};
    return beyond[Pick(3)] & ~(align - 1);
  }

  uint64_t PickCount() {
    const uint64_t r = Pick(20);
    if (r < 14) return 1 + Pick(4);
    if (r < 17) return Pick((uint64_t{1} << (c_.g - 3)) + 8);
    if (r < 18) return 0;
    return r < 19 ? uint64_t{1} << 40 : ~uint64_t{0};
  }

  uint64_t PickPa(uint64_t pgsize) {
    const uint64_t align = pgsize == 0 ? 1 : pgsize;
    const uint64_t r = Pick(20);
    if (r < 17) return Pick(uint64_t{1} << c_.oas) & ~(align - 1);
    if (r < 19) return (uint64_t{1} << c_.oas) - align * (1 + Pick(3));
    return uint64_t{1} << c_.oas;
  }

  uint32_t PickProt() {
    const uint32_t prots[] = {kRw, kProtRead, kProtWrite, kRw | kProtCache, kProtRead | kProtNoexec,
                              kRw | kProtPriv, kRw | kProtMmio, kProtCache};
    return prots[Pick(8)];
  }

  void Step() {
    const bool map = Pick(100) < 55;
    const uint64_t pgsize = PickSize();
    const uint64_t iova = PickIova(pgsize), count = PickCount();
    const Leaves before = ModelLeaves(model_);
    Gather gather;
    PagesDone got;
    mapi::PagesResult want;
    std::ostringstream call;
    if (map) {
      const uint64_t pa = PickPa(pgsize);
      const uint32_t prot = PickProt();
      call << "map(" << Hex(iova) << ", " << Hex(pa) << ", " << Hex(pgsize) << ", " << count
           << ", prot " << prot << ")";
      got = pgt_->MapPages(iova, pa, pgsize, count, prot, &gather);
      want = ModelMap(model_, iova, pa, pgsize, count, prot, c_.overlap);
    } else {
      call << "unmap(" << Hex(iova) << ", " << Hex(pgsize) << ", " << count << ")";
      got = pgt_->UnmapPages(iova, pgsize, count, &gather);
      want = mapi::UnmapPages(model_, iova, pgsize, count, c_.partial);
    }
    log_ += call.str() + "\n";
    const std::string where = "stage " + std::to_string(c_.stage) + " g " +
                              std::to_string(c_.g) + " ias " + std::to_string(c_.ias) +
                              ", calls:\n" + log_;
    ASSERT_EQ(ErrnoName(got.err), ErrnoName(want.err)) << where;
    ASSERT_EQ(got.bytes, want.bytes) << where;
    CheckGather(before, gather, where);
    const uint64_t held = mem_.InUse();
    pgt_->ReleaseTables();
    if (mem_.InUse() < held) {
      EXPECT_TRUE(gather.tables_freed) << where;
    }
    CheckTables(where);
  }

  // Every page whose translation the call changed or removed is in a range of the gather.
  void CheckGather(const Leaves& before, const Gather& gather, const std::string& where) {
    const uint64_t g = uint64_t{1} << c_.g;
    for (const auto& [va, l] : before) {
      const uint64_t pages = l.size / g;
      for (uint64_t k : {uint64_t{0}, pages / 2, pages - 1, Pick(pages)}) {
        const uint64_t a = va + k * g;
        if (ModelPa(model_, a) != std::optional<uint64_t>(l.pa + k * g)) {
          ASSERT_TRUE(InGather(gather, a)) << Hex(a) << " changed, not gathered; " << where;
        }
      }
    }
  }

  void CheckTables(const std::string& where) {
    spec::Bus& bus = *dev_;
    const Leaves want = ModelLeaves(model_);
    const Leaves got = DriverLeaves(bus, *pgt_);
    if (got != want) {
      std::ostringstream diff;
      for (const auto& [va, l] : want) {
        auto it = got.find(va);
        if (it == got.end() || !(it->second == l)) {
          diff << "model leaf " << Hex(va) << " -> " << Hex(l.pa) << " size " << Hex(l.size)
               << "\n";
        }
      }
      for (const auto& [va, l] : got) {
        if (!want.count(va)) diff << "driver leaf " << Hex(va) << " size " << Hex(l.size) << "\n";
      }
      FAIL() << diff.str().substr(0, 2000) << where;
    }
    // IovaToPhys and the model's walk at leaf boundaries, inside leaves, and anywhere.
    std::vector<uint64_t> probes;
    for (auto it = want.begin(); it != want.end() && probes.size() < 1024; ++it) {
      probes.push_back(it->first);
      probes.push_back(it->first + it->second.size - 1);
      probes.push_back(it->first - 1);
      probes.push_back(it->first + it->second.size);
    }
    for (int i = 0; i < 16; ++i) {
      probes.push_back(windows_[Pick(windows_.size())] + Pick(window_bytes_));
    }
    probes.push_back(uint64_t{1} << c_.ias);
    // Permissions and attributes of the first leaves and of a random one.
    auto it = model_.leaves.begin();
    for (int i = 0; i < 8 && it != model_.leaves.end(); ++i, ++it) {
      ExpectPermissions(*walk_, bus, c_.stage, it->first, it->second.prot, where);
    }
    if (!model_.leaves.empty()) {
      auto r = model_.leaves.begin();
      std::advance(r, Pick(std::min<uint64_t>(model_.leaves.size(), 4096)));
      ExpectPermissions(*walk_, bus, c_.stage, r->first + r->second.size - 1, r->second.prot,
                        where);
    }
    for (size_t i = 0; i < probes.size(); ++i) {
      const uint64_t a = probes[i];
      const std::optional<uint64_t> pa = ModelPa(model_, a);
      ASSERT_EQ(pgt_->IovaToPhys(a), pa) << "IovaToPhys(" << Hex(a) << "); " << where;
      if (i % 4 < 2 || i >= probes.size() - 17) {
        if ((a >> c_.ias) != 0) continue;  // the walk's input size fault, not the table's
        ASSERT_EQ(walk_->Pa(bus, a), pa) << "model walk of " << Hex(a) << "; " << where;
      }
    }
  }

  DiffConfig c_;
  std::mt19937_64 rng_;
  std::unique_ptr<conform::Device> dev_;
  TableMemory mem_;
  std::optional<IoPgtable> pgt_;
  std::optional<ModelWalk> walk_;
  mapi::Domain model_;
  uint64_t bitmap_ = 0;
  std::vector<uint64_t> sizes_;
  std::vector<uint64_t> windows_;
  uint64_t window_bytes_ = 0;
  std::string log_;
};

TEST(IoPgtableDiff, MapAndUnmapAgreeWithTheApiModelOnEveryGranuleStageAndMode) {
  // R-MAP-005, R-MAP-006, R-MAP-008, R-MAP-011, R-MAP-012, R-MAP-014, R-MAP-016
  const PartialUnmap modes[] = {PartialUnmap::kSplit, PartialUnmap::kReject, PartialUnmap::kWhole};
  uint32_t seed = 1;
  for (int stage : {1, 2}) {
    for (unsigned g : {12u, 14u, 16u}) {
      for (int m = 0; m < 3; ++m) {
        // IAS 48, 40 (tiny top tables, stage 2 concatenated roots) and a root of exactly one
        // full table holding blocks (4KB 39, 16KB 36, 64KB 42); then 48, 40 and 33 (a small
        // root) with a smaller OAS; strict overlap on every other run.
        const unsigned full_root = g == 12 ? 39 : g == 14 ? 36 : 42;
        const unsigned ias = m == 0 ? 48 : m == 1 ? 40 : full_root;
        const MapOverlap overlap =
            (m + stage) % 2 ? MapOverlap::kReplaceTables : MapOverlap::kStrict;
        SCOPED_TRACE("stage " + std::to_string(stage) + " granule " + std::to_string(g) +
                     " mode " + std::to_string(m));
        Differential(DiffConfig{stage, g, ias, 48, modes[m], overlap}, seed++).Run(160);
        // A stage-2 level-0 or level-1 start needs a 42- or 44-bit OAS (R-STE-020).
        const unsigned ias2 = m == 2 ? 33 : ias;
        const unsigned oas2 = stage == 2 && ias2 == 48 ? 44 : 40;
        Differential(DiffConfig{stage, g, ias2, oas2, modes[(m + 1) % 3], overlap}, seed++)
            .Run(100);
        if (HasFailure()) return;
      }
    }
  }
}

PgtableFormat Format(int stage, unsigned g, unsigned ias = 48, unsigned oas = 48) {
  PgtableFormat f;
  f.stage = stage;
  f.granule_shift = g;
  f.ias = ias;
  f.oas = oas;
  return f;
}

TEST(IoPgtable, EveryProtectionIsThePermissionTheModelWalkGives) {
  // R-MAP-013: every protection with READ or WRITE, on pages and on the smallest block, for each
  // stage and granule; stage 2 also without IDR3.XNX, where XN[0] is ignored (R-PERM-013).
  for (int stage : {1, 2}) {
    for (unsigned g : {12u, 14u, 16u}) {
      for (const char* option : {"", "xnx=0"}) {
        if (stage == 1 && *option) continue;
        auto dev = ModelDevice();
        TableMemory mem(*dev, kTableBase, kTableBytes, true);
        std::optional<IoPgtable> t = IoPgtable::Create(mem, Format(stage, g));
        const ModelWalk walk(*t, Profile("full", option));
        const uint64_t page = uint64_t{1} << g, block = uint64_t{1} << LevelShift(g, 2);
        for (uint32_t prot = 0; prot < 0x40; ++prot) {
          if ((prot & kRw) == 0) continue;
          for (uint64_t size : {page, block}) {
            const uint64_t iova = (prot + (size == block ? 0x40 : 0)) * block;
            ASSERT_EQ(t->MapPages(iova, 0x8000'0000 + iova, size, 1, prot, nullptr).bytes, size);
            const std::string where = "stage " + std::to_string(stage) + " g " +
                                      std::to_string(g) + " " + option;
            ExpectPermissions(walk, *dev, stage, iova, prot, where);
            ExpectPermissions(walk, *dev, stage, iova + size - 1, prot, where);
          }
        }
      }
    }
  }
}

TEST(IoPgtable, GeometryIsWhatTheCdAndSteProgram) {
  // R-MAP-016: the start level and root of each granule and IAS; stage 2 concatenates a small
  // level-0 root (and a level-1 one the OAS forbids) one level down (R-WALK-015, R-STE-020).
  struct Case {
    int stage;
    unsigned g, ias, oas;
    int start;
    unsigned bits, sl0;
  };
  const Case cases[] = {
      {1, 12, 48, 48, 0, 9, 0},  {1, 14, 48, 48, 0, 1, 0},  {1, 16, 48, 48, 1, 6, 0},
      {1, 12, 32, 48, 1, 2, 0},  {1, 16, 42, 48, 2, 13, 0}, {2, 12, 48, 48, 0, 9, 2},
      {2, 12, 40, 40, 1, 10, 1}, {2, 14, 48, 48, 1, 12, 2}, {2, 14, 40, 40, 2, 15, 1},
      {2, 16, 48, 48, 1, 6, 2},  {2, 16, 42, 40, 2, 13, 1}, {2, 12, 33, 40, 1, 3, 1},
  };
  for (const Case& c : cases) {
    auto dev = ModelDevice();
    TableMemory mem(*dev, kTableBase, kTableBytes, true);
    std::optional<IoPgtable> t = IoPgtable::Create(mem, Format(c.stage, c.g, c.ias, c.oas));
    const std::string what = "stage " + std::to_string(c.stage) + " g " + std::to_string(c.g) +
                             " ias " + std::to_string(c.ias);
    EXPECT_EQ(t->start_level(), c.start) << what;
    EXPECT_EQ(t->root_index_bits(), c.bits) << what;
    EXPECT_EQ(t->tsz(), 64 - c.ias) << what;
    // R-WALK-005: the root is aligned to its size, and to at least 64 bytes.
    EXPECT_EQ(t->root() % std::max<uint64_t>(uint64_t{8} << c.bits, 64), 0u) << what;
    if (c.stage == 2) {
      EXPECT_EQ(t->s2sl0(), c.sl0) << what;
      ModelWalk walk(*t, Profile("full"));  // the STE is legal (R-STE-020)
    } else {
      EXPECT_EQ(arch::S1StartLevel(c.ias, c.g), c.start) << what;
    }
    // Mapped at both ends of the input range and walked by the model.
    const uint64_t page = uint64_t{1} << c.g, top = (uint64_t{1} << c.ias) - page;
    ASSERT_EQ(t->MapPages(0, 0x1000'0000, page, 1, kRw, nullptr).bytes, page);
    ASSERT_EQ(t->MapPages(top, 0x2000'0000, page, 1, kRw, nullptr).bytes, page);
    const ModelWalk walk(*t, Profile("full"));
    EXPECT_EQ(walk.Pa(*dev, 8), std::optional<uint64_t>(0x1000'0008)) << what;
    EXPECT_EQ(walk.Pa(*dev, top + 8), std::optional<uint64_t>(0x2000'0008)) << what;
  }
  EXPECT_EQ(IoPgtableMair(), 0xf404ff44u);
  EXPECT_EQ(GranulePageSizes(12, 48), 0x40201000u);
  EXPECT_EQ(GranulePageSizes(12, 30), 0x201000u);
  EXPECT_EQ(GranulePageSizes(14, 48), 0x2004000u);
  EXPECT_EQ(GranulePageSizes(16, 48), 0x20010000u);
}

TEST(IoPgtable, DestroyGivesBackEveryTable) {
  for (int stage : {1, 2}) {
    for (unsigned g : {12u, 14u, 16u}) {
      auto dev = ModelDevice();
      TableMemory mem(*dev, kTableBase, kTableBytes, true);
      std::optional<IoPgtable> t = IoPgtable::Create(mem, Format(stage, g));
      ASSERT_TRUE(t);
      const uint64_t page = uint64_t{1} << g, block = uint64_t{1} << LevelShift(g, 2);
      for (uint64_t i = 0; i < 8; ++i) {
        ASSERT_EQ(t->MapPages(i * (block << 4), i * block, page, 3, kRw, nullptr).err, Errno::kOk);
      }
      ASSERT_EQ(t->MapPages(block, 0, block, 2, kRw, nullptr).err, Errno::kOk);
      ASSERT_EQ(t->UnmapPages(block + page, page, 1, nullptr).bytes, page);  // a split
      Gather gather;
      // A block over the tables of two pages: their table waits for ReleaseTables.
      ASSERT_EQ(t->MapPages(0, 0, block, 1, kRw, &gather).err, Errno::kOk);
      EXPECT_TRUE(gather.tables_freed);
      EXPECT_GT(mem.InUse(), 0u);
      t->Destroy();
      EXPECT_EQ(mem.InUse(), 0u) << "stage " << stage << " g " << g;
    }
  }
}

TEST(IoPgtable, UnlinkedTablesStayUntilReleasedWithoutAWalkFlush) {
  // R-MAP-006: a block over a table: the entry is cleared, the range and the freed table are
  // gathered, and the table's memory (still holding the old leaf) is kept until the caller's
  // invalidation has completed.
  auto dev = ModelDevice();
  TableMemory mem(*dev, kTableBase, kTableBytes, true);
  std::optional<IoPgtable> t = IoPgtable::Create(mem, Format(1, 12));
  ASSERT_EQ(t->MapPages(0x201000, 0x8020'1000, 0x1000, 1, kRw, nullptr).err, Errno::kOk);
  const uint64_t held = mem.InUse();
  Gather gather;
  ASSERT_EQ(t->MapPages(0x200000, 0x4020'0000, 0x200000, 1, kRw, &gather).bytes, 0x200000u);
  EXPECT_EQ(gather.ranges, (std::vector<std::pair<uint64_t, uint64_t>>{{0x200000, 0x200000}}));
  EXPECT_TRUE(gather.tables_freed);
  EXPECT_EQ(mem.InUse(), held);
  EXPECT_EQ(t->IovaToPhys(0x201000), std::optional<uint64_t>(0x4020'1000));
  t->ReleaseTables();
  EXPECT_EQ(mem.InUse(), held - 0x1000);
  t->Destroy();
}

TEST(IoPgtable, BlockOverTableIsBreakBeforeMakeWithAWalkFlush) {
  // R-MAP-006: with a walk flush, the flush runs while the entry is invalid (the model's walk
  // faults there), the table is freed after it, and only then is the block written.
  auto dev = ModelDevice();
  TableMemory mem(*dev, kTableBase, kTableBytes, true);
  std::optional<IoPgtable> t = IoPgtable::Create(mem, Format(1, 12));
  ASSERT_EQ(t->MapPages(0x201000, 0x8020'1000, 0x1000, 1, kRw, nullptr).err, Errno::kOk);
  const ModelWalk walk(*t, Profile("full"));
  std::vector<std::pair<uint64_t, uint64_t>> flushed;
  IoPgtable* self = &*t;
  t->SetWalkFlush([&](uint64_t iova, uint64_t size) {
    flushed.emplace_back(iova, size);
    EXPECT_EQ(self->IovaToPhys(0x201000), std::nullopt);
    EXPECT_EQ(walk.Pa(*dev, 0x201000), std::nullopt);
  });
  const uint64_t held = mem.InUse();
  ASSERT_EQ(t->MapPages(0x200000, 0x4020'0000, 0x200000, 1, kRw, nullptr).bytes, 0x200000u);
  EXPECT_EQ(flushed, (std::vector<std::pair<uint64_t, uint64_t>>{{0x200000, 0x200000}}));
  EXPECT_EQ(mem.InUse(), held - 0x1000);
  EXPECT_EQ(walk.Pa(*dev, 0x201000), std::optional<uint64_t>(0x4020'1000));
  t->Destroy();
  EXPECT_EQ(mem.InUse(), 0u);
}

TEST(IoPgtable, ExhaustedTableMemoryIsEnomemAndChangesNothingMapped) {
  auto dev = ModelDevice();
  TableMemory mem(*dev, kTableBase, 0x10000, true);  // 16 tables of 4KB
  std::optional<IoPgtable> t = IoPgtable::Create(mem, Format(1, 12));
  ASSERT_TRUE(t);
  ASSERT_EQ(t->MapPages(0x4000'0000, 0xc000'0000, 0x4000'0000, 1, kRw, nullptr).err, Errno::kOk);
  // Root, one level-1 table, then two tables for each page in its own 1GB region.
  uint64_t i = 2;
  for (; i < 64; ++i) {
    const PagesDone r = t->MapPages(i << 30, i << 30, 0x1000, 1, kRw, nullptr);
    if (r.err != Errno::kOk) {
      EXPECT_EQ(r.err, Errno::kENOMEM);
      EXPECT_EQ(r.bytes, 0u);
      break;
    }
  }
  EXPECT_EQ(i, 9u);
  EXPECT_FALSE(t->IovaToPhys(i << 30));
  EXPECT_EQ(t->IovaToPhys(uint64_t{8} << 30), std::optional<uint64_t>(uint64_t{8} << 30));
  // A split needs a table too: the block stays whole.
  EXPECT_EQ(t->UnmapPages(0x4000'0000, 0x200000, 1, nullptr).err, Errno::kENOMEM);
  EXPECT_EQ(t->IovaToPhys(0x4000'0000), std::optional<uint64_t>(0xc000'0000));
  TableMemory none(*dev, 0x100'0000, 0x10000, true);
  ASSERT_TRUE(none.Alloc(16));
  EXPECT_FALSE(IoPgtable::Create(none, Format(1, 12)));
  t->Destroy();
  EXPECT_EQ(mem.InUse(), 0u);
}

// A bus that forwards everything but drops every clean: a driver that forgot to publish.
class DropCleans final : public spec::Bus {
 public:
  explicit DropCleans(spec::Bus& bus) : bus_(bus) {}
  void MemWrite64(uint64_t pa, uint64_t value) override { bus_.MemWrite64(pa, value); }
  uint64_t MemRead64(uint64_t pa) override { return bus_.MemRead64(pa); }
  void MemClean(uint64_t, uint64_t) override {}
  uint64_t RegRead(spec::Reg r) override { return bus_.RegRead(r); }
  void RegWrite(spec::Reg r, uint64_t v) override { bus_.RegWrite(r, v); }
  void RegWrite32(spec::Reg r, bool high, uint32_t v) override { bus_.RegWrite32(r, high, v); }
  void ProcessCommands() override { bus_.ProcessCommands(); }

 private:
  spec::Bus& bus_;
};

constexpr uint64_t kStrtab = 0x10'0000, kCdTable = 0x11'0000, kCmdq = 0x12'0000,
                   kEvtq = 0x13'0000;
constexpr uint32_t kSid = 3;

void WriteEntry(spec::Bus& bus, uint64_t pa, const Entry& words) {
  for (unsigned i = 0; i < words.size(); ++i) bus.MemWrite64(pa + 8 * i, words[i]);
  bus.MemClean(pa, 64);
}

// A linear stream table of 16 STEs, 16-entry command and event queues, SMMUEN.
void EnableSmmu(spec::Bus& bus) {
  bus.RegWrite(spec::Reg::STRTAB_BASE, kStrtab);
  bus.RegWrite(spec::Reg::STRTAB_BASE_CFG, 4);
  bus.RegWrite(spec::Reg::EVENTQ_BASE, kEvtq | 4);
  bus.RegWrite(spec::Reg::CMDQ_BASE, kCmdq | 4);
  for (spec::Reg r : {spec::Reg::CMDQ_PROD, spec::Reg::CMDQ_CONS, spec::Reg::EVENTQ_PROD,
                      spec::Reg::EVENTQ_CONS}) {
    bus.RegWrite(r, 0);
  }
  bus.RegWrite(spec::Reg::CR0, 0xd);  // SMMUEN, EVENTQEN, CMDQEN
}

void RunCommands(spec::Bus& bus, const std::vector<Command>& cmds) {
  uint64_t prod = bus.RegRead(spec::Reg::CMDQ_PROD);
  for (const Command& c : cmds) {
    const uint64_t at = kCmdq + (prod & 15) * 16;
    bus.MemWrite64(at, c[0]);
    bus.MemWrite64(at + 8, c[1]);
    bus.MemClean(at, 16);
    prod = (prod + 1) & 31;
  }
  bus.RegWrite(spec::Reg::CMDQ_PROD, prod);
  bus.ProcessCommands();
}

// The output addresses of the allowed outcomes of a privileged read of `addr` by kSid, and
// whether some allowed outcome does not complete.
std::vector<uint64_t> Outcomes(conform::Device& dev, uint64_t addr, bool* faults) {
  spec::Txn txn;
  txn.sid = kSid;
  txn.addr = addr;
  txn.priv = true;
  auto r = dev.Translate(txn);
  EXPECT_TRUE(r.ok());
  std::vector<uint64_t> pas;
  *faults = false;
  if (!r.ok()) return pas;
  for (const spec::TxnOutcome& o : *r) {
    if (o.kind == spec::TxnOutcome::Kind::kOk) {
      pas.push_back(o.pa);
    } else {
      *faults = true;
    }
  }
  return pas;
}

// R-MAP-015, R-CACHE-010: a non-coherent walker may read any value stored since a word was last
// cleaned. The driver's tables, written through TableMemory, are seen exactly (every allowed
// outcome translates) after maps and a split; through a bus that drops the cleans the model
// allows a fault, so a missing Publish fails here.
TEST(IoPgtableNonCoherent, TheWalkerSeesThePublishedTablesOnly) {
  for (int stage : {1, 2}) {
    for (bool publish : {true, false}) {
      SCOPED_TRACE("stage " + std::to_string(stage) + (publish ? " published" : " not cleaned"));
      auto dev = ModelDevice("noncoherent");
      DropCleans drop(*dev);
      spec::Bus& bus = publish ? static_cast<spec::Bus&>(*dev) : drop;
      TableMemory mem(bus, kTableBase, 0x100'0000, false);
      std::optional<IoPgtable> t = IoPgtable::Create(mem, Format(stage, 12, stage == 1 ? 48 : 40));
      SteStage1 s1;
      s1.cd_table = kCdTable;
      Ste ste = stage == 1 ? Ste::Stage1(s1) : Ste::Stage2(S2For(*t));
      ste.shcfg = 0;  // RES0 without IDR1.ATTR_TYPES_OVR (else C_BAD_STE is allowed, C-STE-001)
      if (stage == 1) WriteEntry(*dev, kCdTable, CdFor(*t).Words());
      WriteEntry(*dev, kStrtab + kSid * 64, ste.Words());
      EnableSmmu(*dev);
      ASSERT_EQ(t->MapPages(0x1000, 0x8000'1000, 0x1000, 1, kRw, nullptr).err, Errno::kOk);
      ASSERT_EQ(t->MapPages(0x200000, 0x9000'0000, 0x200000, 1, kRw, nullptr).err, Errno::kOk);
      bool faults = false;
      const std::vector<uint64_t> page = Outcomes(*dev, 0x1008, &faults);
      if (!publish) {
        EXPECT_TRUE(faults) << "an uncleaned table is not certainly visible";
        continue;
      }
      EXPECT_FALSE(faults);
      EXPECT_EQ(page, std::vector<uint64_t>(page.size(), 0x8000'1008));
      EXPECT_EQ(Outcomes(*dev, 0x205008, &faults), std::vector<uint64_t>{0x9000'5008});
      EXPECT_FALSE(faults);
      // Split the block, invalidate, and walk the new table: the remaining pages translate in
      // every outcome, the unmapped one in none.
      ASSERT_EQ(t->UnmapPages(0x203000, 0x1000, 1, nullptr).bytes, 0x1000u);
      ASSERT_EQ(t->UnmapPages(0x1000, 0x1000, 1, nullptr).bytes, 0x1000u);
      const Command tlbi = stage == 1 ? CmdTlbiNhAll{}.Words() : CmdTlbiS12Vmall{.vmid = 1}.Words();
      RunCommands(*dev, {tlbi, CmdSync{}.Words()});
      EXPECT_EQ(Outcomes(*dev, 0x205008, &faults), std::vector<uint64_t>{0x9000'5008});
      EXPECT_FALSE(faults);
      for (uint64_t gone : {0x203008, 0x1008}) {
        EXPECT_TRUE(Outcomes(*dev, gone, &faults).empty()) << std::hex << gone;
        EXPECT_TRUE(faults);
      }
    }
  }
}

}  // namespace
}  // namespace smmuref::impl::driver
