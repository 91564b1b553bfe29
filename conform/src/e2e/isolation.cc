// The end-to-end isolation check: the driver over a model device, judged by every allowed
// outcome (isolation.h).
#include "isolation.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <sstream>

#include "smmuref/spec/error.h"

namespace smmuref::conform::e2e {
SMMUREF_DRIVER_BUILD_BEGIN

namespace sa = spec::api;
using impl::driver::PagesDone;
using spec::TxnOutcome;

namespace {

std::string Hex(uint64_t v) { return RecordingBus::Hex(v); }

std::string ProtName(uint32_t prot) {
  std::string s;
  if (prot & sa::kProtRead) s += "R";
  if (prot & sa::kProtWrite) s += "W";
  if (prot & sa::kProtNoexec) s += " noexec";
  return s.empty() ? "none" : s;
}

const char* KindName(DomainKind k) {
  switch (k) {
    case DomainKind::kStage1:
      return "stage-1";
    case DomainKind::kStage2:
      return "stage-2";
    case DomainKind::kIdentity:
      return "identity";
    case DomainKind::kBlocked:
      return "blocked";
  }
  return "?";
}

// Opcodes of the invalidations a FaultyBus swallows (IHI0070 §4.4): TLBI_NH_ASID, TLBI_NH_VA,
// TLBI_NH_VAA, TLBI_S12_VMALL, TLBI_S2_IPA.
bool IsTlbi(uint64_t dw0) {
  const uint64_t op = dw0 & 0xff;
  return op == 0x11 || op == 0x12 || op == 0x13 || op == 0x28 || op == 0x2a;
}

}  // namespace

// --- FaultyBus ---------------------------------------------------------------------------------

void FaultyBus::RegWrite(spec::Reg r, uint64_t value) {
  if (r == spec::Reg::CMDQ_BASE) {
    // ADDR [55:5] and LOG2SIZE [4:0] [IHI0070 §6.3.25]; entries are 16 bytes.
    cmdq_base_ = value & 0x00ff'ffff'ffff'ffe0;
    cmdq_bytes_ = uint64_t{16} << (value & 0x1f);
  }
  next_.RegWrite(r, value);
}

void FaultyBus::MemWrite64(uint64_t pa, uint64_t value) {
  const bool in_queue = cmdq_bytes_ != 0 && pa >= cmdq_base_ && pa < cmdq_base_ + cmdq_bytes_;
  if (drop_tlbi && in_queue) {
    if (pa % 16 == 0 && IsTlbi(value)) {
      replacing_dw1_ = true;
      value = 0x46;  // CMD_SYNC, CS=none
    } else if (pa % 16 == 8 && replacing_dw1_) {
      replacing_dw1_ = false;
      value = 0;
    }
  }
  next_.MemWrite64(pa, value);
}

// --- Instance ----------------------------------------------------------------------------------

Instance::Instance(const InstanceSpec& spec) : spec_(spec) {
  auto profile = spec::LoadProfile(spec.profile, spec.overrides);
  if (!profile) {
    setup_error_ = profile.error().ToString();
    return;
  }
  auto dev = conform::MakeDevice("model", *profile);
  if (!dev) {
    setup_error_ = dev.error().ToString();
    return;
  }
  device_ = std::move(*dev);
  std::string line = "profile " + spec.profile;
  for (const auto& o : spec.overrides) line += " " + o;
  recording_ = std::make_unique<RecordingBus>(*device_, line);
  faulty_ = std::make_unique<FaultyBus>(*recording_);
  impl::driver::SmmuConfig config;
  config.table_base = kTableBase;
  config.table_size = kTableSize;
  config.system_coherent = profile->coherent_walk;
  config.mutant = spec.mutant;
  auto smmu = impl::driver::Smmu::Probe(*faulty_, config);
  if (!smmu) {
    setup_error_ = smmu.error().ToString();
    return;
  }
  smmu_ = std::move(*smmu);
}

sa::Errno Instance::AllocDomain(DomainKind kind, uint64_t pgsizes, DomainHandle* out) {
  Note(std::string("alloc ") + KindName(kind) + " domain");
  const sa::Errno e = smmu_->AllocDomain(kind, pgsizes, out);
  if (e == sa::Errno::kOk) {
    domains_[*out] = DomainState{kind, smmu_->DomainPgsizeBitmap(*out), {}};
    ++succeeded_[std::string("alloc ") + KindName(kind)];
  }
  return e;
}

sa::Errno Instance::FreeDomain(DomainHandle d) {
  Note("free domain " + std::to_string(d));
  const sa::Errno e = smmu_->FreeDomain(d);
  if (e == sa::Errno::kOk) {
    // Freeing a domain a stream or PASID still uses hands its tables and ASID to whatever comes
    // next: the driver must refuse (EBUSY).
    for (const auto& [sid, st] : streams_) {
      bool used = st.rid == d;
      for (const auto& [pasid, pd] : st.pasids) used = used || pd == d;
      if (used)
        violations_.push_back(spec_.name + ": the driver freed domain " + std::to_string(d) +
                              " while stream " + Hex(sid) + " still uses it");
    }
    if (!violations_.empty()) return e;
    domains_.erase(d);
    ++succeeded_["free"];
  }
  return e;
}

sa::Errno Instance::Attach(uint32_t sid, DomainHandle d) {
  Note("attach sid " + Hex(sid) + " to domain " + std::to_string(d));
  const sa::Errno e = smmu_->Attach(sid, d);
  if (e != sa::Errno::kOk) return e;
  ++succeeded_["attach"];
  StreamState& s = streams_[sid];
  recently_gone_.clear();
  if (s.rid && *s.rid != d && domains_.count(*s.rid))
    for (const auto& [iova, c] : domains_.at(*s.rid).chunks)
      recently_gone_.push_back({iova, c.size});
  s.rid = d;
  return e;
}

sa::Errno Instance::AttachPasid(uint32_t sid, uint32_t pasid, DomainHandle d) {
  Note("attach sid " + Hex(sid) + " pasid " + std::to_string(pasid) + " to domain " +
       std::to_string(d));
  const sa::Errno e = smmu_->AttachPasid(sid, pasid, d);
  if (e == sa::Errno::kOk) {
    streams_[sid].pasids[pasid] = d;
    ++succeeded_["attach_pasid"];
  }
  return e;
}

sa::Errno Instance::DetachPasid(uint32_t sid, uint32_t pasid) {
  Note("detach sid " + Hex(sid) + " pasid " + std::to_string(pasid));
  const sa::Errno e = smmu_->DetachPasid(sid, pasid);
  if (e != sa::Errno::kOk) return e;
  ++succeeded_["detach_pasid"];
  StreamState& s = streams_[sid];
  recently_gone_.clear();
  if (domains_.count(s.pasids[pasid]))
    for (const auto& [iova, c] : domains_.at(s.pasids[pasid]).chunks)
      recently_gone_.push_back({iova, c.size});
  s.pasids.erase(pasid);
  return e;
}

namespace {

// Removes [iova, iova + size) from the record, cutting chunks at the edges.
void Forget(std::map<uint64_t, Chunk>& chunks, uint64_t iova, uint64_t size) {
  const uint64_t end = iova + size;
  auto it = chunks.lower_bound(iova);
  if (it != chunks.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second.size > iova) it = prev;
  }
  std::vector<std::pair<uint64_t, Chunk>> keep;
  while (it != chunks.end() && it->first < end) {
    const uint64_t cbeg = it->first, cend = cbeg + it->second.size;
    const Chunk c = it->second;
    it = chunks.erase(it);
    if (cbeg < iova) keep.push_back({cbeg, Chunk{c.pa, iova - cbeg, c.pgsize, c.prot}});
    if (cend > end) keep.push_back({end, Chunk{c.pa + (end - cbeg), cend - end, c.pgsize, c.prot}});
  }
  for (auto& [k, c] : keep) chunks[k] = c;
}

}  // namespace

PagesDone Instance::Map(DomainHandle d, uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t count,
                        uint32_t prot) {
  Note("map domain " + std::to_string(d) + " " + Hex(iova) + " -> " + Hex(pa) + " " +
       std::to_string(count) + " x " + Hex(pgsize) + " " + ProtName(prot));
  const PagesDone r = smmu_->MapPages(d, iova, pa, pgsize, count, prot);
  recently_gone_.clear();
  if (r.bytes != 0) ++succeeded_[pgsize > (uint64_t{1} << 16) ? "map block" : "map page"];
  if (r.bytes != 0 && domains_.count(d)) {
    auto& chunks = domains_[d].chunks;
    // A block over a table replaces what the table held (io-pgtable-arm frees it).
    for (const auto& [ciova, c] : chunks)
      if (ciova < iova + r.bytes && ciova + c.size > iova)
        recently_gone_.push_back({ciova, c.size});
    Forget(chunks, iova, r.bytes);
    chunks[iova] = Chunk{pa, r.bytes, pgsize, prot};
    for (uint64_t a : {iova, iova + r.bytes - 8}) {
      if (seen_.size() < kSeen) {
        seen_.push_back(a);
      } else {
        seen_[seen_next_] = a;
        seen_next_ = (seen_next_ + 1) % kSeen;
      }
    }
  }
  return r;
}

PagesDone Instance::Unmap(DomainHandle d, uint64_t iova, uint64_t pgsize, uint64_t count) {
  Note("unmap domain " + std::to_string(d) + " " + Hex(iova) + " " + std::to_string(count) + " x " +
       Hex(pgsize));
  const PagesDone r = smmu_->UnmapPages(d, iova, pgsize, count);
  recently_gone_.clear();
  if (r.bytes != 0 && domains_.count(d)) {
    // Part of a block (split, v6.12), or whole leaves.
    const auto& chunks = domains_[d].chunks;
    auto c = chunks.upper_bound(iova);
    const bool part = c != chunks.begin() && std::prev(c)->second.pgsize > pgsize &&
                      iova < std::prev(c)->first + std::prev(c)->second.size;
    ++succeeded_[part ? "unmap partial" : "unmap"];
  }
  if (r.bytes != 0 && domains_.count(d)) {
    Forget(domains_[d].chunks, iova, r.bytes);
    recently_gone_.push_back({iova, r.bytes});
  }
  return r;
}

// --- Expectations ------------------------------------------------------------------------------

Expected Instance::Expect(uint32_t sid, std::optional<uint32_t> ssid, uint64_t addr,
                          char access) const {
  auto sit = streams_.find(sid);
  if (sit == streams_.end()) return {false, 0, "stream " + Hex(sid) + " was never attached"};
  const StreamState& s = sit->second;
  DomainHandle dh = 0;
  if (ssid) {
    if (*ssid == 0) return {false, 0, "PASID 0 is the RID's (min_pasid = 1)"};
    auto p = s.pasids.find(*ssid);
    if (p == s.pasids.end()) return {false, 0, "PASID " + std::to_string(*ssid) + " not attached"};
    dh = p->second;
  } else {
    if (!s.rid) return {false, 0, "stream " + Hex(sid) + " has no RID domain"};
    dh = *s.rid;
  }
  const DomainState& d = domains_.at(dh);
  const std::string dom = "domain " + std::to_string(dh) + " (" + KindName(d.kind) + ")";
  if (d.kind == DomainKind::kBlocked) return {false, 0, dom + " blocks"};
  if (d.kind == DomainKind::kIdentity) return {true, addr, dom + " is identity"};
  auto it = d.chunks.upper_bound(addr);
  if (it == d.chunks.begin()) return {false, 0, dom + " maps nothing at " + Hex(addr)};
  --it;
  const Chunk& c = it->second;
  if (addr >= it->first + c.size) return {false, 0, dom + " maps nothing at " + Hex(addr)};
  const uint64_t pa = c.pa + (addr - it->first);
  const std::string what = dom + " maps " + Hex(it->first) + "+" + Hex(c.size) + " -> " +
                           Hex(c.pa) + " " + ProtName(c.prot);
  // Read and instruction fetch need IOMMU_READ (the tests never map write-only), a write
  // IOMMU_WRITE, a fetch no IOMMU_NOEXEC.
  const bool allowed = access == 'w'   ? (c.prot & sa::kProtWrite) != 0
                       : access == 'x' ? (c.prot & sa::kProtRead) && !(c.prot & sa::kProtNoexec)
                                       : (c.prot & sa::kProtRead) != 0;
  if (!allowed) return {false, 0, what + ": no " + std::string(1, access) + " permission"};
  return {true, pa, what};
}

std::string Instance::CheckOne(uint32_t sid, std::optional<uint32_t> ssid, uint64_t addr,
                               char access) {
  spec::Txn t;
  t.sid = sid;
  t.ssv = ssid.has_value();
  t.ssid = ssid.value_or(0);
  t.addr = addr;
  t.write = access == 'w';
  t.instr = access == 'x';
  ++transactions_;
  const Expected want = Expect(sid, ssid, addr, access);
  // In the vector too: a translation leaves traces in the model (which CDs translations read,
  // R-CACHE-012), so a replay presents every one of them, and adopts the first allowed outcome
  // as the vector runner does for a `txn` without `expect`.
  const std::string line =
      "txn " + Hex(sid) + " " + (ssid ? Hex(*ssid) : "-") + " " + Hex(addr) + " " + access;
  auto got = device_->Translate(t);
  std::string bad;
  if (!got) {
    bad = "the model could not answer: " + got.error().ToString();
  } else {
    for (const TxnOutcome& o : *got) {
      const bool completes = o.kind == TxnOutcome::Kind::kOk;
      if (o.kind == TxnOutcome::Kind::kUnpredictable) {
        bad = "the model allows any outcome (CONSTRAINED UNPREDICTABLE)";
      } else if (completes != want.completes || (completes && o.pa != want.pa)) {
        bad = "the model allows " + spec::ToString(o) +
              (o.provenance.empty() ? "" : " {" + o.provenance + "}");
      }
      if (!bad.empty()) break;
    }
  }
  if (bad.empty()) {
    recording_->Add(line);
    if (got && !got->empty()) device_->Adopt(got->front());
    return "";
  }
  std::ostringstream out;
  out << spec_.name << ": " << spec::ToString(t) << ": " << bad << "; the driver's state: "
      << (want.completes ? "completes at " + Hex(want.pa) : "must not complete") << " (" << want.why
      << ")\n--- replayable vector (smmuref vectors run --strict FILE) ---\n"
      << recording_->Text() << line << "\n";
  if (want.completes) {
    out << "expect ok " << Hex(want.pa) << "\n";
  } else {
    out << "expect oneof abort | raz | fault F_TRANSLATION | fault F_PERMISSION | fault "
           "F_ADDR_SIZE | fault F_ACCESS | fault C_BAD_STE | fault C_BAD_CD | fault "
           "C_BAD_SUBSTREAMID | fault C_BAD_STREAMID\n";
  }
  return out.str();
}

std::vector<std::string> Instance::Check(std::mt19937_64& rng, int randoms) {
  std::vector<std::string> bad = violations_;
  if (!bad.empty()) return bad;
  auto probe = [&](uint32_t sid, std::optional<uint32_t> ssid, uint64_t addr) {
    for (char a : {'r', 'w', 'x'}) {
      std::string v = CheckOne(sid, ssid, addr, a);
      if (!v.empty()) bad.push_back(std::move(v));
      if (bad.size() >= 3) return;
    }
  };
  const uint64_t ias_mask = (uint64_t{1} << 48) - 1;
  for (uint32_t sid : spec_.sids) {
    std::vector<std::optional<uint32_t>> contexts = {std::nullopt, 0u};
    auto sit = streams_.find(sid);
    if (sit != streams_.end())
      for (const auto& [pasid, d] : sit->second.pasids) contexts.push_back(pasid);
    contexts.push_back(77);  // a PASID nothing attached (unless a program did)
    for (auto ssid : contexts) {
      std::set<uint64_t> addrs;
      // The domain this context reaches, and its edges.
      std::optional<DomainHandle> dh;
      if (sit != streams_.end()) {
        if (!ssid) {
          dh = sit->second.rid;
        } else if (auto p = sit->second.pasids.find(*ssid); p != sit->second.pasids.end()) {
          dh = p->second;
        }
      }
      if (dh && domains_.count(*dh)) {
        int n = 0;
        for (const auto& [iova, c] : domains_.at(*dh).chunks) {
          addrs.insert(iova);
          addrs.insert(iova + c.size - 8);
          addrs.insert((iova + c.size) & ias_mask);
          if (iova >= 8) addrs.insert(iova - 8);
          if (++n == 6) break;
        }
      }
      for (auto [iova, size] : recently_gone_) {
        addrs.insert(iova);
        addrs.insert(iova + size - 8);
      }
      for (int i = 0; i < randoms; ++i) addrs.insert((rng() % (uint64_t{1} << 34)) & ~uint64_t{7});
      for (int i = 0; i < 2 * randoms && !seen_.empty(); ++i)
        addrs.insert(seen_[rng() % seen_.size()]);
      for (uint64_t a : addrs) {
        probe(sid, ssid, a);
        if (bad.size() >= 3) return bad;
      }
    }
  }
  return bad;
}

// --- Programs ----------------------------------------------------------------------------------

std::vector<std::string> RunProgram(Instance& inst, uint64_t seed, int ops) {
  std::mt19937_64 rng(seed);
  auto pick = [&](uint64_t n) { return n == 0 ? 0 : rng() % n; };
  const auto& f = inst.smmu().features();
  std::vector<DomainKind> kinds = {DomainKind::kIdentity, DomainKind::kBlocked};
  if (f.s1) kinds.insert(kinds.end(), {DomainKind::kStage1, DomainKind::kStage1});
  if (f.s2) kinds.push_back(DomainKind::kStage2);
  // Granules the SMMU offers, each with its block sizes.
  std::vector<uint64_t> granule_sets;
  if (f.gran4k) granule_sets.push_back((1ull << 12) | (1ull << 21) | (1ull << 30));
  if (f.gran16k) granule_sets.push_back((1ull << 14) | (1ull << 25));
  if (f.gran64k) granule_sets.push_back((1ull << 16) | (1ull << 29));
  const uint32_t prots[] = {sa::kProtRead, sa::kProtRead | sa::kProtWrite,
                            sa::kProtRead | sa::kProtNoexec,
                            sa::kProtRead | sa::kProtWrite | sa::kProtNoexec};
  const auto& sids = inst.spec().sids;

  // Start with one paging domain attached to the first stream, so every program maps early.
  DomainHandle first = 0;
  const DomainKind paging = f.s1 ? DomainKind::kStage1 : DomainKind::kStage2;
  if (inst.AllocDomain(paging, granule_sets[pick(granule_sets.size())], &first) == sa::Errno::kOk)
    inst.Attach(sids[0], first);

  for (int op = 0; op < ops; ++op) {
    std::vector<DomainHandle> all, pagingd;
    for (const auto& [h, d] : inst.domains()) {
      all.push_back(h);
      if (d.kind == DomainKind::kStage1 || d.kind == DomainKind::kStage2) pagingd.push_back(h);
    }
    const unsigned what = static_cast<unsigned>(pick(100));
    if (what < 8 && all.size() < 6) {
      const DomainKind k = kinds[pick(kinds.size())];
      DomainHandle h;
      inst.AllocDomain(k, granule_sets[pick(granule_sets.size())], &h);
    } else if (what < 20 && !all.empty()) {
      // One draw per statement: the order a call's arguments are evaluated in is unspecified,
      // and the same seed must give the same program with every compiler.
      const uint32_t sid = sids[pick(sids.size())];
      inst.Attach(sid, all[pick(all.size())]);
    } else if (what < 28 && !all.empty()) {
      // PASIDs: mostly small, sometimes past the leaf boundary, sometimes 0 (refused).
      const uint32_t pasid = pick(4) == 0 ? 0 : pick(4) == 0 ? 64 + pick(200) : 1 + pick(6);
      const uint32_t sid = sids[pick(sids.size())];
      // Mostly a stage-1 domain (the only kind a PASID takes); now and then any, for EINVAL.
      std::vector<DomainHandle> s1;
      for (const auto& [h, d] : inst.domains())
        if (d.kind == DomainKind::kStage1) s1.push_back(h);
      const bool any = s1.empty() || pick(4) == 0;
      inst.AttachPasid(sid, pasid, any ? all[pick(all.size())] : s1[pick(s1.size())]);
    } else if (what < 33) {
      const uint32_t sid = sids[pick(sids.size())];
      auto it = inst.streams().find(sid);
      if (it != inst.streams().end() && !it->second.pasids.empty()) {
        auto p = it->second.pasids.begin();
        std::advance(p, pick(it->second.pasids.size()));
        inst.DetachPasid(sid, p->first);
      }
    } else if (what < 36 && !all.empty()) {
      // Half the time a domain something still uses, a PASID's first when there is one: the
      // driver must say EBUSY and keep it.
      std::vector<DomainHandle> by_rid, by_pasid;
      for (const auto& [sid, st] : inst.streams()) {
        if (st.rid) by_rid.push_back(*st.rid);
        for (const auto& [pasid, d] : st.pasids) by_pasid.push_back(d);
      }
      const auto& used = by_pasid.empty() ? by_rid : by_pasid;
      const bool busy = !used.empty() && pick(2) == 0;
      inst.FreeDomain(busy ? used[pick(used.size())] : all[pick(all.size())]);
    } else if (what < 41 && !pagingd.empty()) {
      // Retire a paging domain the way a user would (every stream and PASID moved off it, then
      // freed) and give its first stream a fresh domain of the same kind at once: its ASID or
      // VMID and its tables come straight back.
      const DomainHandle h = pagingd[pick(pagingd.size())];
      const DomainKind k = inst.domains().at(h).kind;
      const uint64_t sizes = inst.domains().at(h).pgsizes;
      DomainHandle parking = 0;
      for (const auto& [d, st] : inst.domains())
        if (st.kind == DomainKind::kBlocked || st.kind == DomainKind::kIdentity) parking = d;
      if (parking == 0 && inst.AllocDomain(DomainKind::kBlocked, 0, &parking) != sa::Errno::kOk)
        continue;
      std::optional<uint32_t> first_user;
      const auto streams = inst.streams();
      for (const auto& [sid, st] : streams) {
        if (st.rid == h) {
          if (!first_user) first_user = sid;
          inst.Attach(sid, parking);
        }
        for (const auto& [pasid, pd] : st.pasids)
          if (pd == h) inst.DetachPasid(sid, pasid);
      }
      DomainHandle fresh;
      if (inst.FreeDomain(h) == sa::Errno::kOk &&
          inst.AllocDomain(k, sizes, &fresh) == sa::Errno::kOk && first_user)
        inst.Attach(*first_user, fresh);
    } else if (what < 72 && !pagingd.empty()) {
      const DomainHandle h = pagingd[pick(pagingd.size())];
      const uint64_t sizes = inst.domains().at(h).pgsizes;
      std::vector<uint64_t> choices;
      for (uint64_t s = sizes; s; s &= s - 1) choices.push_back(s & -s);
      // Mostly pages; blocks a third of the time.
      uint64_t pg = choices[0];
      if (pick(3) == 0) pg = choices[pick(choices.size())];
      const uint64_t count = pg >= (1ull << 29) ? 1 : 1 + pick(3);
      // IOVAs in the first 16 GB, so tables are shared and blocks land on tables; PAs above the
      // driver's table memory, below 2^44 (the smallest OAS of the instances).
      // Half the time where some domain already mapped, so domains overlap in IOVA and a
      // stream reaching another domain's translation shows.
      const auto& seen = inst.seen();
      const uint64_t iova = !seen.empty() && pick(2) == 0 ? seen[pick(seen.size())] & ~(pg - 1)
                                                          : (pick(uint64_t{1} << 34) / pg) * pg;
      const uint64_t pa = kPaBase + (pick(uint64_t{1} << 36) / pg) * pg;
      inst.Map(h, iova, pa, pg, count, prots[pick(4)]);
    } else if (!pagingd.empty()) {
      const DomainHandle h = pagingd[pick(pagingd.size())];
      const auto& chunks = inst.domains().at(h).chunks;
      if (chunks.empty()) continue;
      const uint64_t granule = inst.domains().at(h).pgsizes & -inst.domains().at(h).pgsizes;
      // A third of the time a block, when the domain has one, cut by one granule.
      std::vector<std::map<uint64_t, Chunk>::const_iterator> blocks;
      for (auto b = chunks.begin(); b != chunks.end(); ++b)
        if (b->second.pgsize > granule) blocks.push_back(b);
      const bool cut = !blocks.empty() && pick(3) == 0;
      auto c = chunks.begin();
      if (cut)
        c = blocks[pick(blocks.size())];
      else
        std::advance(c, pick(chunks.size()));
      if (cut) {
        // One granule out of a block: split (v6.12) or refused (v6.13).
        const uint64_t off = (pick(c->second.size) / granule) * granule;
        inst.Unmap(h, c->first + off, granule, 1);
      } else {
        // A chunk cut by an earlier partial unmap may no longer be aligned to its page size.
        const bool aligned =
            c->first % c->second.pgsize == 0 && c->second.size % c->second.pgsize == 0;
        const uint64_t pg = aligned ? c->second.pgsize : granule;
        inst.Unmap(h, c->first, pg, c->second.size / pg);
      }
    }
    auto bad = inst.Check(rng);
    if (!bad.empty()) return bad;
    if (inst.smmu().device_error())
      return {inst.spec().name + ": the device reported " + *inst.smmu().device_error()};
  }
  return {};
}

InstanceSpec FullInstance(int mutant) {
  return {"A(full)", "full", {}, {1, 0x123, 0x8001}, mutant};
}

InstanceSpec NonCoherentInstance(int mutant) {
  return {"B(s1only-nossid, 16K/64K, non-coherent)",
          "s1only-nossid",
          {"gran4k=0", "cohacc=0", "coherent_walk=0"},
          {2, 5},
          mutant};
}

DriverE2eReport RunPhase(const DriverE2eOptions& o) {
  DriverE2eReport r;
  const auto start = std::chrono::steady_clock::now();
  const InstanceSpec specs[] = {FullInstance(o.mutant), NonCoherentInstance(o.mutant)};
  for (const auto& s : specs) {
    std::string line = s.profile;
    for (const auto& ov : s.overrides) line += " " + ov;
    r.instances.push_back(s.name + ": profile " + line);
  }
  for (int k = 0; k < o.programs && !r.violated; ++k) {
    const uint64_t seed = o.seed + static_cast<uint64_t>(k);
    for (const auto& s : specs) {
      Instance inst(s);
      if (!inst.ok()) {
        r.violated = true;
        r.failing_seed = seed;
        r.failing_instance = s.name;
        r.violation = "the driver did not come up: " + inst.setup_error();
        break;
      }
      ++r.programs;
      auto bad = RunProgram(inst, seed, o.operations);
      r.transactions += inst.transactions();
      for (const auto& [what, n] : inst.succeeded()) r.reached[what] += n;
      if (!bad.empty()) {
        r.violated = true;
        r.failing_seed = seed;
        r.failing_instance = s.name;
        const std::string& v = bad.front();
        const size_t marker = v.find("\n--- replayable vector");
        r.violation = v.substr(0, marker);
        if (r.violation.rfind(s.name + ": ", 0) == 0) r.violation.erase(0, s.name.size() + 2);
        if (marker != std::string::npos) {
          const size_t body = v.find('\n', marker + 1);
          r.vector = body == std::string::npos ? "" : v.substr(body + 1);
        }
        break;
      }
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

#if SMMUREF_DRIVER_MUTANTS
std::vector<std::pair<int, std::string>> MutantList() {
  int n = 0;
  const impl::driver::DriverMutant* m = impl::driver::DriverMutants(&n);
  std::vector<std::pair<int, std::string>> out;
  for (int i = 0; i < n; ++i) out.push_back({m[i].id, m[i].description});
  return out;
}
#endif

SMMUREF_DRIVER_BUILD_END
}  // namespace smmuref::conform::e2e
