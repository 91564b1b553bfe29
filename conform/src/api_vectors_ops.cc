// Operation tables of the `api.*` executor for PASIDs, SVA, aux domains, the DMA API, and the
// `api.expect.*` queries (spec/vector-format.md, "IOMMU API operations").
// Tests: tests/model/api/vectors_test.cc, corpus/vectors/api/*.vec.
#include "api_executor.h"

namespace smmuref::conform::apivec {
namespace {

Result<api::Feature> ParseFeature(const VectorLine& l, const std::string& s) {
  if (s == "sva") return api::Feature::kSva;
  if (s == "iopf") return api::Feature::kIopf;
  if (s == "aux") return api::Feature::kAux;
  return Error{l.Where(), "feature must be sva, iopf or aux, got '" + s + "'"};
}

}  // namespace

void ApiExecutor::AddPasidOps() {
  auto pasid_result = [](const api::Ret<uint32_t>& r) {
    Observed o = Of(r.err);
    if (r.ok()) o.kv["pasid"] = std::to_string(r.value);
    return o;
  };
  ops_["api.pasid.alloc"] = [this, pasid_result](const VectorLine& l,
                                                 const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 1, "api.pasid.alloc DEV [pasid=N]"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto proposed = OptNum32(l, p, "pasid");
    if (!proposed) return proposed.error();
    return pasid_result(dev_->AllocGlobalPasid(*dev, *proposed));
  };
  ops_["api.pasid.free"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 1, "api.pasid.free PASID"); !n) return n.error();
    auto v = Num32(l, p.pos[0], "PASID");
    if (!v) return v.error();
    return Of(dev_->FreeGlobalPasid(*v));
  };
  using PasidFn = api::Errno (ApiDevice::*)(uint32_t, uint32_t, uint32_t);
  const std::pair<const char*, PasidFn> pasid_ops[] = {
      {"api.pasid.attach", &ApiDevice::AttachDevicePasid},
      {"api.pasid.replace", &ApiDevice::ReplaceDevicePasid},
      {"api.pasid.detach", &ApiDevice::DetachDevicePasid},
  };
  for (const auto& [name, fn] : pasid_ops) {
    ops_[name] = [this, fn = fn, name = std::string(name)](const VectorLine& l,
                                                           const Parsed& p) -> Result<Observed> {
      if (auto n = Need(l, p, 3, name + " DOM DEV PASID"); !n) return n.error();
      auto dom = Dom(l, p.pos[0]);
      if (!dom) return dom.error();
      auto dev = Dev(l, p.pos[1]);
      if (!dev) return dev.error();
      auto pasid = Num32(l, p.pos[2], "PASID");
      if (!pasid) return pasid.error();
      return Of((dev_.get()->*fn)(*dom, *dev, *pasid));
    };
  }
}

void ApiExecutor::AddSvaOps() {
  auto pasid_result = [](const api::Ret<uint32_t>& r) {
    Observed o = Of(r.err);
    if (r.ok()) o.kv["pasid"] = std::to_string(r.value);
    return o;
  };
  ops_["api.feature.enable"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.feature.enable DEV sva|iopf|aux"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto f = ParseFeature(l, p.pos[1]);
    if (!f) return f.error();
    return Of(dev_->EnableFeature(*dev, *f));
  };
  ops_["api.feature.disable"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.feature.disable DEV sva|iopf|aux"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto f = ParseFeature(l, p.pos[1]);
    if (!f) return f.error();
    return Of(dev_->DisableFeature(*dev, *f));
  };
  ops_["api.sva.init"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 1, "api.sva.init DEV [features=0|iopf] [min=N] [max=N]"); !n) {
      return n.error();
    }
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    uint32_t features = 0;
    if (p.opt.count("features")) {
      const std::string& f = p.opt.at("features");
      // `bogus` stands for a feature bit the 2018 API does not define (it answers -EINVAL).
      if (f == "iopf") features = 1;
      else if (f == "bogus") features = 0x80;
      else if (f != "0") return Error{l.Where(), "features=" + f + ": expected 0, iopf or bogus"};
    }
    auto lo = OptNum32(l, p, "min");
    if (!lo) return lo.error();
    auto hi = OptNum32(l, p, "max");
    if (!hi) return hi.error();
    return Of(dev_->SvaDeviceInit(*dev, features, lo->value_or(0), hi->value_or(0)));
  };
  ops_["api.sva.shutdown"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 1, "api.sva.shutdown DEV"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    return Of(dev_->SvaDeviceShutdown(*dev));
  };
  ops_["api.sva.bind"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 3, "api.sva.bind HANDLE DEV MM [pasid=N]"); !n) return n.error();
    auto dev = Dev(l, p.pos[1]);
    if (!dev) return dev.error();
    auto proposed = OptNum32(l, p, "pasid");
    if (!proposed) return proposed.error();
    auto r = dev_->SvaBind(*dev, Mm(p.pos[2]), *proposed);
    Observed o = Of(r.err);
    if (r.ok()) {
      const std::string first = HandleName(r.value.handle);
      o.kv["handle"] = first == "?" ? p.pos[0] : first;
      o.kv["pasid"] = std::to_string(r.value.pasid);
    }
    sva_[p.pos[0]] = r.ok() ? r.value.handle : 0;
    return o;
  };
  ops_["api.sva.unbind"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 1, "api.sva.unbind HANDLE"); !n) return n.error();
    auto h = Id(l, sva_, p.pos[0], "sva handle");
    if (!h) return h.error();
    return Of(dev_->SvaUnbind(*h));
  };
  ops_["api.sva.pasid"] = [this, pasid_result](const VectorLine& l,
                                               const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 1, "api.sva.pasid HANDLE"); !n) return n.error();
    auto h = Id(l, sva_, p.pos[0], "sva handle");
    if (!h) return h.error();
    return pasid_result(dev_->SvaGetPasid(*h));
  };
  ops_["api.mm.exit"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 1, "api.mm.exit MM"); !n) return n.error();
    return Of(dev_->MmExit(Mm(p.pos[0])));
  };
  ops_["api.aux.attach"] = [this, pasid_result](const VectorLine& l,
                                                const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.aux.attach DOM DEV [pasid=N]"); !n) return n.error();
    auto dom = Dom(l, p.pos[0]);
    if (!dom) return dom.error();
    auto dev = Dev(l, p.pos[1]);
    if (!dev) return dev.error();
    auto proposed = OptNum32(l, p, "pasid");
    if (!proposed) return proposed.error();
    return pasid_result(dev_->AuxAttach(*dom, *dev, *proposed));
  };
  ops_["api.aux.pasid"] = [this, pasid_result](const VectorLine& l,
                                               const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.aux.pasid DOM DEV"); !n) return n.error();
    auto dom = Dom(l, p.pos[0]);
    if (!dom) return dom.error();
    auto dev = Dev(l, p.pos[1]);
    if (!dev) return dev.error();
    return pasid_result(dev_->AuxGetPasid(*dom, *dev));
  };
}


Result<api::DmaDir> ParseDir(const VectorLine& l, const std::string& s) {
  if (s == "to_device") return api::DmaDir::kToDevice;
  if (s == "from_device") return api::DmaDir::kFromDevice;
  if (s == "bidir") return api::DmaDir::kBidirectional;
  return Error{l.Where(), "direction must be to_device, from_device or bidir, got '" + s + "'"};
}

Observed DmaResult(const api::Ret<api::DmaMapping>& r) {
  Observed o = Of(r.err);
  if (r.ok()) o.kv["iova"] = Hex(r.value.dma_addr);
  return o;
}

void ApiExecutor::AddDmaOps() {
  ops_["api.dma.mask"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.dma.mask DEV MASK [coherent=MASK]"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto mask = Num(l, p.pos[1]);
    if (!mask) return mask.error();
    auto coherent = OptNum(l, p, "coherent");
    if (!coherent) return coherent.error();
    return Of(dev_->DmaSetMask(*dev, *mask, coherent->value_or(*mask)));
  };
  ops_["api.dma.map"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 4, "api.dma.map DEV PHYS SIZE DIR [iova=N]"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto phys = Num(l, p.pos[1]);
    if (!phys) return phys.error();
    auto size = Num(l, p.pos[2]);
    if (!size) return size.error();
    auto dir = ParseDir(l, p.pos[3]);
    if (!dir) return dir.error();
    auto prop = OptNum(l, p, "iova");
    if (!prop) return prop.error();
    return DmaResult(dev_->DmaMap(*dev, *phys, *size, *dir, *prop));
  };
  ops_["api.dma.alloc"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 3, "api.dma.alloc DEV SIZE PHYS [iova=N]"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto size = Num(l, p.pos[1]);
    if (!size) return size.error();
    auto phys = Num(l, p.pos[2]);
    if (!phys) return phys.error();
    auto prop = OptNum(l, p, "iova");
    if (!prop) return prop.error();
    return DmaResult(dev_->DmaAllocCoherent(*dev, *size, *phys, *prop));
  };
  ops_["api.dma.unmap"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 3, "api.dma.unmap DEV IOVA SIZE"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto iova = Num(l, p.pos[1]);
    if (!iova) return iova.error();
    auto size = Num(l, p.pos[2]);
    if (!size) return size.error();
    return Of(dev_->DmaUnmap(*dev, *iova, *size));
  };
  ops_["api.dma.free"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 3, "api.dma.free DEV SIZE IOVA"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto size = Num(l, p.pos[1]);
    if (!size) return size.error();
    auto iova = Num(l, p.pos[2]);
    if (!iova) return iova.error();
    return Of(dev_->DmaFreeCoherent(*dev, *size, *iova));
  };
  ops_["api.dma.sync"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 5, "api.dma.sync DEV IOVA SIZE DIR device|cpu"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto iova = Num(l, p.pos[1]);
    if (!iova) return iova.error();
    auto size = Num(l, p.pos[2]);
    if (!size) return size.error();
    auto dir = ParseDir(l, p.pos[3]);
    if (!dir) return dir.error();
    if (p.pos[4] != "device" && p.pos[4] != "cpu") return Usage(l, "... device|cpu");
    auto r = dev_->DmaSync(*dev, *iova, *size, *dir,
                          p.pos[4] == "device" ? api::SyncFor::kDevice : api::SyncFor::kCpu);
    Observed o = Of(r.err);
    if (r.ok()) o.kv["op"] = api::CacheOpName(r.value);
    return o;
  };
}

// An api.expect.* outcome: "pass", or what was observed instead.
Observed Verdict(bool ok, const std::string& observed) {
  return Observed{ok ? "pass" : "observed " + observed, {}};
}

void ApiExecutor::AddExpectOps() {
  ops_["api.expect.domain"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.expect.domain DEV DOM|default"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto cur = dev_->CurrentDomain(*dev);
    if (!cur.ok()) return Verdict(false, api::ErrnoName(cur.err));
    uint32_t want = 0;
    if (p.pos[1] == "default") {
      want = dev_->DefaultDomain(*dev).value;
    } else {
      auto d = Dom(l, p.pos[1]);
      if (!d) return d.error();
      want = *d;
    }
    std::string got = "domain #" + std::to_string(cur.value);
    for (const auto& [n, id] : domains_) {
      if (id == cur.value) got = n;
    }
    return Verdict(cur.value == want, got);
  };
  ops_["api.expect.group"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 3, "api.expect.group DEV DEV same|different"); !n) return n.error();
    auto a = Dev(l, p.pos[0]);
    if (!a) return a.error();
    auto b = Dev(l, p.pos[1]);
    if (!b) return b.error();
    if (p.pos[2] != "same" && p.pos[2] != "different") return Usage(l, "... same|different");
    auto ga = dev_->GroupOf(*a), gb = dev_->GroupOf(*b);
    if (!ga.ok() || !gb.ok()) return Verdict(false, "a device without a group");
    const bool same = ga.value == gb.value;
    return Verdict(same == (p.pos[2] == "same"), same ? "same" : "different");
  };
  ops_["api.expect.leaf"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (p.pos.size() != 2 && p.pos.size() != 3) {
      return Usage(l, "api.expect.leaf DOM IOVA none | pa=PA size=SIZE [prot=PROT]");
    }
    auto dom = Dom(l, p.pos[0]);
    if (!dom) return dom.error();
    auto iova = Num(l, p.pos[1]);
    if (!iova) return iova.error();
    auto leaf = dev_->LeafAt(*dom, *iova);
    const std::string got = leaf ? "leaf at " + Hex(leaf->start) + " pa=" + Hex(leaf->pa) +
                                       " size=" + Hex(leaf->size) + " prot=" + Hex(leaf->prot)
                                 : "none";
    if (p.pos.size() == 3) {
      if (p.pos[2] != "none") return Usage(l, "api.expect.leaf DOM IOVA none");
      return Verdict(!leaf, got);
    }
    if (!leaf) return Verdict(false, got);
    bool ok = true;
    for (const auto& [k, v] : p.opt) {
      uint64_t want = 0;
      if (k == "prot") {
        auto pr = ParseProt(l, v);
        if (!pr) return pr.error();
        ok = ok && leaf->prot == *pr;
        continue;
      }
      auto n = Num(l, v);
      if (!n) return n.error();
      want = *n;
      if (k == "pa") ok = ok && leaf->pa == want;
      else if (k == "size") ok = ok && leaf->size == want;
      else if (k == "start") ok = ok && leaf->start == want;
      else return Error{l.Where(), "api.expect.leaf keys: start pa size prot"};
    }
    return Verdict(ok, got);
  };
  ops_["api.expect.access"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 4, "api.expect.access DOM IOVA r|w|x[p] ok|fault"); !n) {
      return n.error();
    }
    auto dom = Dom(l, p.pos[0]);
    if (!dom) return dom.error();
    auto iova = Num(l, p.pos[1]);
    if (!iova) return iova.error();
    api::Access a;
    for (char c : p.pos[2]) {
      if (c == 'r') a.read = true;
      else if (c == 'w') a.write = true;
      else if (c == 'x') a.exec = true;
      else if (c == 'p') a.priv = true;
      else return Error{l.Where(), "access letters are r w x p"};
    }
    if (p.pos[3] != "ok" && p.pos[3] != "fault") return Usage(l, "... ok|fault");
    auto r = dev_->CheckAccess(*dom, *iova, a);
    if (!r.ok()) return Verdict(false, api::ErrnoName(r.err));
    return Verdict(r.value == (p.pos[3] == "ok"), r.value ? "ok" : "fault");
  };
  AddStateExpectOps();
}

void ApiExecutor::AddStateExpectOps() {
  ops_["api.expect.pasid"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 3, "api.expect.pasid DEV PASID DOM|none|any"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto pasid = Num32(l, p.pos[1], "PASID");
    if (!pasid) return pasid.error();
    auto r = dev_->DomainForPasid(*dev, *pasid);
    if (!r.ok()) return Verdict(false, api::ErrnoName(r.err));
    const std::string got = r.value == 0 ? "none" : "domain #" + std::to_string(r.value);
    if (p.pos[2] == "none") return Verdict(r.value == 0, got);
    if (p.pos[2] == "any") return Verdict(r.value != 0, got);
    auto d = Dom(l, p.pos[2]);
    if (!d) return d.error();
    return Verdict(r.value == *d, got);
  };
  auto yes_no = [](const VectorLine& l, const std::string& s) -> Result<bool> {
    if (s == "yes" || s == "on") return true;
    if (s == "no" || s == "off") return false;
    return Error{l.Where(), "expected yes|no (or on|off), got '" + s + "'"};
  };
  ops_["api.expect.pasid_allocated"] = [this, yes_no](const VectorLine& l,
                                                      const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.expect.pasid_allocated PASID yes|no"); !n) return n.error();
    auto pasid = Num32(l, p.pos[0], "PASID");
    if (!pasid) return pasid.error();
    auto want = yes_no(l, p.pos[1]);
    if (!want) return want.error();
    const bool got = dev_->PasidAllocated(*pasid);
    return Verdict(got == *want, got ? "yes" : "no");
  };
  ops_["api.expect.mm_pasid"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.expect.mm_pasid MM PASID|none"); !n) return n.error();
    const uint32_t got = dev_->MmPasid(Mm(p.pos[0])).value;
    uint32_t want = 0;
    if (p.pos[1] != "none") {
      auto n = Num32(l, p.pos[1], "PASID");
      if (!n) return n.error();
      want = *n;
    }
    return Verdict(got == want, got == 0 ? "none" : std::to_string(got));
  };
  ops_["api.expect.aux_path"] = [this, yes_no](const VectorLine& l,
                                               const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.expect.aux_path DEV on|off"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto want = yes_no(l, p.pos[1]);
    if (!want) return want.error();
    auto r = dev_->AuxPathEnabled(*dev);
    if (!r.ok()) return Verdict(false, api::ErrnoName(r.err));
    return Verdict(r.value == *want, r.value ? "on" : "off");
  };
  ops_["api.expect.walker_clean"] = [this, yes_no](const VectorLine& l,
                                                   const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.expect.walker_clean DOM yes|no"); !n) return n.error();
    auto dom = Dom(l, p.pos[0]);
    if (!dom) return dom.error();
    auto want = yes_no(l, p.pos[1]);
    if (!want) return want.error();
    auto r = dev_->WalkerNeedsClean(*dom);
    if (!r.ok()) return Verdict(false, api::ErrnoName(r.err));
    return Verdict(r.value == *want, r.value ? "yes" : "no");
  };
  ops_["api.expect.max_pasids"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.expect.max_pasids DEV N"); !n) return n.error();
    auto dev = Dev(l, p.pos[0]);
    if (!dev) return dev.error();
    auto want = Num(l, p.pos[1]);
    if (!want) return want.error();
    const uint64_t got = dev_->DeviceMaxPasids(*dev);
    return Verdict(got == *want, std::to_string(got));
  };
}

}  // namespace smmuref::conform::apivec
