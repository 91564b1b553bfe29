// Executes `api.*` vector lines on the IOMMU API model (spec/vector-format.md, "IOMMU API
// operations"). Objects are named symbolically; values the implementation chooses are bound to
// `$variables`; an operation followed by `-> RESULT [key=value ...]` or an `api.expect.*` line is
// one expectation. Tests: tests/model/api/vectors_test.cc, corpus/vectors/api/*.vec.
#include "smmuref/conform/api_vectors.h"

#include <sstream>

#include "api_executor.h"

namespace smmuref::conform {
namespace apivec {

Result<uint64_t> ApiExecutor::Num(const VectorLine& l, const std::string& tok) {
  if (!tok.empty() && tok[0] == '$') {
    auto it = vars_.find(tok.substr(1));
    if (it == vars_.end()) return Error{l.Where(), "variable " + tok + " is not bound"};
    return it->second;
  }
  return ParseNumber(l, tok);
}

Result<uint32_t> ApiExecutor::Num32(const VectorLine& l, const std::string& tok,
                                    const std::string& what) {
  auto v = Num(l, tok);
  if (!v) return v.error();
  if (*v > 0xffffffffull) {
    const std::string named = !what.empty() && what.back() == '=' ? what + tok : what + " " + tok;
    return Error{l.Where(), named + " exceeds 32 bits (at most 0xffffffff)"};
  }
  return static_cast<uint32_t>(*v);
}

Result<std::optional<uint32_t>> ApiExecutor::OptNum32(const VectorLine& l, const Parsed& p,
                                                      const char* key) {
  auto it = p.opt.find(key);
  if (it == p.opt.end()) return std::optional<uint32_t>{};
  auto v = Num32(l, it->second, std::string(key) + "=");
  if (!v) return v.error();
  return std::optional<uint32_t>{*v};
}

Result<std::optional<uint64_t>> ApiExecutor::OptNum(const VectorLine& l, const Parsed& p,
                                                    const char* key) {
  auto it = p.opt.find(key);
  if (it == p.opt.end()) return std::optional<uint64_t>{};
  auto v = Num(l, it->second);
  if (!v) return v.error();
  return std::optional<uint64_t>{*v};
}

// Names are bound by the operations that create objects; `!name` stands for a handle that names
// no object (the model answers -ENOENT); any other unknown name is a mistake in the file.
Result<uint32_t> ApiExecutor::Id(const VectorLine& l, std::map<std::string, uint32_t>& table,
                                 const std::string& name, const char* kind) {
  if (!name.empty() && name[0] == '!') return kUnknownId;
  auto it = table.find(name);
  if (it == table.end()) return Error{l.Where(), std::string("unknown ") + kind + " '" + name + "'"};
  return it->second;
}

uint32_t ApiExecutor::Mm(const std::string& n) {
  auto [it, fresh] = mms_.emplace(n, 0);
  if (fresh) it->second = static_cast<uint32_t>(mms_.size());
  return it->second;
}

std::string ApiExecutor::HandleName(uint32_t id) const {
  for (const auto& [n, v] : sva_) {
    if (v == id) return n;
  }
  return "?";
}

// Equal as strings, or as numbers; `$x` binds x to the observed number the first time.
bool ApiExecutor::Same(const VectorLine& l, const std::string& want, const std::string& got) {
  if (!want.empty() && want[0] == '$' && vars_.count(want.substr(1)) == 0) {
    auto n = ParseNumber(l, got);
    if (!n) return false;
    vars_[want.substr(1)] = *n;
    return true;
  }
  if (want == got) return true;
  auto w = Num(l, want);
  auto g = ParseNumber(l, got);
  return w && g && *w == *g;
}

Result<LineResult> ApiExecutor::Compare(const VectorLine& l, const Parsed& p, const Observed& o) {
  if (!p.has_expect) return LineResult{LineResult::Kind::kDone, ""};
  if (p.expect_result.empty()) return Error{l.Where(), "'->' needs a result (0, -EINVAL, ...)"};
  bool ok = Same(l, p.expect_result, o.result);
  std::string want = p.expect_result, got = o.result;
  for (const auto& [k, v] : p.expect_kv) {
    auto it = o.kv.find(k);
    if (it == o.kv.end()) {
      if (o.result == "0" || o.result == p.expect_result) {
        return Error{l.Where(), "'" + l.op + "' reports no '" + k + "'"};
      }
      ok = false;
      want += " " + k + "=" + v;
      continue;
    }
    ok = Same(l, v, it->second) && ok;
    want += " " + k + "=" + v;
    got += " " + k + "=" + it->second;
  }
  if (ok) return LineResult{LineResult::Kind::kPass, ""};
  return LineResult{LineResult::Kind::kFail,
                    l.text + ": expected " + want + ", observed " + got};
}

Result<LineResult> ApiExecutor::Execute(const VectorLine& l) {
  auto op = ops_.find(l.op);
  if (op == ops_.end()) return Error{l.Where(), "unknown operation '" + l.op + "'"};
  auto split = Split(l);
  if (!split) return split.error();
  const Parsed& p = *split;
  if (auto keys = CheckKeys(l, p); !keys) return keys.error();
  const bool is_expect = l.op.rfind("api.expect.", 0) == 0;
  if (is_expect && p.has_expect) return Error{l.Where(), "api.expect.* lines take no '->'"};
  auto o = op->second(l, p);
  if (!o) return o.error();
  LineResult r;
  if (!is_expect) {
    auto c = Compare(l, p, *o);
    if (!c) return c.error();
    r = *c;
  } else if (o->result == "pass") {
    r = LineResult{LineResult::Kind::kPass, ""};
  } else {
    r = LineResult{LineResult::Kind::kFail, l.text + ": " + o->result};
  }
  r.mismatches = dev_->TakeMismatches();
  return r;
}

ApiExecutor::ApiExecutor(std::unique_ptr<ApiDevice> dev) : dev_(std::move(dev)) {
  AddSetupOps();
  AddAttachOps();
  AddMapOps();
  AddPasidOps();
  AddSvaOps();
  AddDmaOps();
  AddExpectOps();
}

Result<bool> ParseBool(const VectorLine& l, const std::string& key, const std::string& v) {
  if (v == "0" || v == "1") return v == "1";
  return Error{l.Where(), key + "=" + v + ": expected 0 or 1"};
}

// `features=sva+iopf+aux`: any of the three, each at most once, joined by '+'.
Result<bool> ParseInstanceFeatures(const VectorLine& l, const std::string& v,
                                   api::InstanceCaps* c) {
  std::stringstream ss(v);
  for (std::string f; std::getline(ss, f, '+');) {
    bool* flag = f == "sva" ? &c->sva : f == "iopf" ? &c->iopf : f == "aux" ? &c->aux : nullptr;
    if (!flag) return Error{l.Where(), "features=" + v + ": expected sva, iopf or aux joined by '+'"};
    if (*flag) return Error{l.Where(), "features=" + v + ": '" + f + "' is given twice"};
    *flag = true;
  }
  if (v.back() == '+') return Error{l.Where(), "features=" + v + ": expected sva, iopf or aux joined by '+'"};
  return true;
}

Result<api::InstanceCaps> ParseCaps(const VectorLine& l, const Parsed& p) {
  api::InstanceCaps c;
  for (const auto& [k, v] : p.opt) {
    if (k == "features") {
      if (auto f = ParseInstanceFeatures(l, v, &c); !f) return f.error();
      continue;
    }
    if (k == "coherent_walk") {
      auto b = ParseBool(l, k, v);
      if (!b) return b.error();
      c.coherent_walk = *b;
      continue;
    }
    auto n = ParseNumberBits(l, v, k == "pgsize" ? 64 : 32, k + "=");
    if (!n) return n.error();
    if (k == "pgsize") c.pgsize_bitmap = *n;
    else if (k == "ias") c.ias = static_cast<uint32_t>(*n);
    else if (k == "oas") c.oas = static_cast<uint32_t>(*n);
    else if (k == "pasid_bits") c.pasid_bits = static_cast<uint32_t>(*n);
    else if (k == "min_pasid") c.min_pasid = static_cast<uint32_t>(*n);
  }
  return c;
}

void ApiExecutor::AddSetupOps() {
  ops_["api.knob"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (p.opt.empty() || !p.pos.empty()) return Usage(l, "api.knob NAME=VALUE ...");
    api::Knobs k = dev_->Knobs();
    for (const auto& [name, given] : p.opt) {
      // A numeric knob value is read in the vector syntax (no octal) and passed on in decimal.
      std::string value = given;
      if (given[0] >= '0' && given[0] <= '9') {
        auto n = ParseNumber(l, given);
        if (!n) return n.error();
        value = std::to_string(*n);
      }
      if (api::Errno e = api::SetKnob(k, name, value); e != api::Errno::kOk) {
        return Error{l.Where(), "unknown knob or value '" + name + "=" + value + "'"};
      }
    }
    return Of(dev_->SetKnobs(k));
  };
  ops_["api.instance"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 1, "api.instance NAME [pgsize= ias= oas= ...]"); !n) return n.error();
    auto caps = ParseCaps(l, p);
    if (!caps) return caps.error();
    auto r = dev_->RegisterInstance(*caps);
    instances_[p.pos[0]] = r.ok() ? r.value : 0;
    return Of(r.err);
  };
  ops_["api.instance.remove"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 1, "api.instance.remove NAME"); !n) return n.error();
    auto id = Id(l, instances_, p.pos[0], "instance");
    if (!id) return id.error();
    return Of(dev_->UnregisterInstance(*id));
  };
  ops_["api.device"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.device NAME INSTANCE sids=A,B [pasid_bits= ...]"); !n) {
      return n.error();
    }
    auto inst = Id(l, instances_, p.pos[1], "instance");
    if (!inst) return inst.error();
    api::DeviceDesc d;
    d.instance = *inst;
    for (const auto& [k, v] : p.opt) {
      if (k == "sids") {
        std::stringstream ss(v);
        for (std::string s; std::getline(ss, s, ',');) {
          auto n = ParseNumberBits(l, s, 32, "StreamID");
          if (!n) return n.error();
          d.sids.push_back(static_cast<uint32_t>(*n));
        }
        if (v.back() == ',') return Error{l.Where(), "sids=" + v + ": expected SID[,SID...]"};
      } else if (k == "alias") {
        auto a = Dev(l, v);
        if (!a) return a.error();
        d.alias = *a;
      } else if (k == "default") {
        if (v != "dma" && v != "identity") return Error{l.Where(), "default=dma|identity"};
        d.default_type = v == "dma" ? api::DefaultDomainType::kDma
                                    : api::DefaultDomainType::kIdentity;
      } else if (k == "coherent" || k == "require_direct") {
        auto b = ParseBool(l, k, v);
        if (!b) return b.error();
        (k == "coherent" ? d.coherent : d.require_direct) = *b;
      } else {
        auto n = ParseNumberBits(l, v, k == "pasid_bits" ? 32 : 64, k + "=");
        if (!n) return n.error();
        if (k == "pasid_bits") d.pasid_bits = static_cast<uint32_t>(*n);
        else if (k == "dma_mask") d.dma_mask = *n;
        else d.coherent_dma_mask = *n;
      }
    }
    auto r = dev_->ProbeDevice(d);
    devices_[p.pos[0]] = r.ok() ? r.value : 0;
    return Of(r.err);
  };
}

void ApiExecutor::AddAttachOps() {
  auto dev_op = [this](std::function<api::Errno(uint32_t)> f, std::string form) -> Op {
    return [this, f, form](const VectorLine& l, const Parsed& p) -> Result<Observed> {
      if (auto n = Need(l, p, 1, form); !n) return n.error();
      auto d = Dev(l, p.pos[0]);
      if (!d) return d.error();
      return Of(f(*d));
    };
  };
  ops_["api.device.remove"] = dev_op([this](uint32_t d) { return dev_->RemoveDevice(d); },
                                     "api.device.remove DEV");
  ops_["api.owner.release"] = dev_op([this](uint32_t d) { return dev_->ReleaseDmaOwner(d); },
                                     "api.owner.release DEV");
  ops_["api.owner.use_default"] = dev_op(
      [this](uint32_t d) { return dev_->UseDefaultDomain(d); }, "api.owner.use_default DEV");
  ops_["api.owner.unuse_default"] = dev_op(
      [this](uint32_t d) { return dev_->UnuseDefaultDomain(d); }, "api.owner.unuse_default DEV");
  ops_["api.owner.claim"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.owner.claim DEV OWNER"); !n) return n.error();
    auto d = Dev(l, p.pos[0]);
    if (!d) return d.error();
    uint64_t owner = 0;
    if (p.pos[1] != "none") {
      auto [it, fresh] = owners_.emplace(p.pos[1], static_cast<uint32_t>(owners_.size() + 1));
      owner = it->second;
    }
    return Of(dev_->ClaimDmaOwner(*d, owner));
  };
  ops_["api.domain.alloc"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.domain.alloc NAME paging|identity|blocked [dev=DEV]"); !n) {
      return n.error();
    }
    std::optional<uint32_t> dev;
    if (p.opt.count("dev")) {
      auto d = Dev(l, p.opt.at("dev"));
      if (!d) return d.error();
      dev = *d;
    }
    api::Ret<uint32_t> r;
    if (p.pos[1] == "paging") {
      r = dev_->AllocPagingDomain(dev);
    } else if (p.pos[1] == "identity" || p.pos[1] == "blocked") {
      if (!dev) return Usage(l, "api.domain.alloc NAME identity|blocked dev=DEV");
      r = dev_->AllocStaticDomain(*dev, p.pos[1] == "identity" ? api::DomainType::kIdentity
                                                              : api::DomainType::kBlocked);
    } else {
      return Usage(l, "api.domain.alloc NAME paging|identity|blocked [dev=DEV]");
    }
    domains_[p.pos[0]] = r.ok() ? r.value : 0;
    return Of(r.err);
  };
  ops_["api.domain.default"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.domain.default NAME DEV"); !n) return n.error();
    auto d = Dev(l, p.pos[1]);
    if (!d) return d.error();
    auto r = dev_->DefaultDomain(*d);
    domains_[p.pos[0]] = r.ok() ? r.value : 0;
    return Of(r.err);
  };
  ops_["api.domain.free"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 1, "api.domain.free DOM"); !n) return n.error();
    auto d = Dom(l, p.pos[0]);
    if (!d) return d.error();
    return Of(dev_->FreeDomain(*d));
  };
  using DomDevFn = api::Errno (ApiDevice::*)(uint32_t, uint32_t);
  const std::pair<const char*, DomDevFn> dom_dev[] = {
      {"api.attach", &ApiDevice::AttachDevice},
      {"api.attach_group", &ApiDevice::AttachGroup},
      {"api.detach", &ApiDevice::DetachDevice},
      {"api.detach_group", &ApiDevice::DetachGroup},
      {"api.replace", &ApiDevice::ReplaceGroupDomain},
      {"api.aux.detach", &ApiDevice::AuxDetach},
  };
  for (const auto& [name, fn] : dom_dev) {
    ops_[name] = [this, fn = fn, name = std::string(name)](const VectorLine& l,
                                                           const Parsed& p) -> Result<Observed> {
      if (auto n = Need(l, p, 2, name + " DOM DEV"); !n) return n.error();
      auto dom = Dom(l, p.pos[0]);
      if (!dom) return dom.error();
      auto dev = Dev(l, p.pos[1]);
      if (!dev) return dev.error();
      return Of((dev_.get()->*fn)(*dom, *dev));
    };
  }
}

Result<uint32_t> ParseProt(const VectorLine& l, const std::string& s) {
  if (s == "-") return 0u;
  if (!s.empty() && s[0] >= '0' && s[0] <= '9') {
    auto n = ParseNumberBits(l, s, 32, "PROT");
    if (!n) return n.error();
    return static_cast<uint32_t>(*n);
  }
  uint32_t prot = 0;
  for (char c : s) {
    switch (c) {
      case 'r': prot |= api::kProtRead; break;
      case 'w': prot |= api::kProtWrite; break;
      case 'c': prot |= api::kProtCache; break;
      case 'n': prot |= api::kProtNoexec; break;
      case 'm': prot |= api::kProtMmio; break;
      case 'p': prot |= api::kProtPriv; break;
      default: return Error{l.Where(), "protection letters are r w c n m p, or '-', got '" + s + "'"};
    }
  }
  return prot;
}

void ApiExecutor::AddMapOps() {
  ops_["api.map"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 5, "api.map DOM IOVA PA SIZE PROT"); !n) return n.error();
    auto dom = Dom(l, p.pos[0]);
    if (!dom) return dom.error();
    uint64_t v[3];
    for (int i = 0; i < 3; ++i) {
      auto n = Num(l, p.pos[1 + i]);
      if (!n) return n.error();
      v[i] = *n;
    }
    auto prot = ParseProt(l, p.pos[4]);
    if (!prot) return prot.error();
    return Of(dev_->Map(*dom, v[0], v[1], v[2], *prot));
  };
  ops_["api.unmap"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 3, "api.unmap DOM IOVA SIZE"); !n) return n.error();
    auto dom = Dom(l, p.pos[0]);
    if (!dom) return dom.error();
    auto iova = Num(l, p.pos[1]);
    if (!iova) return iova.error();
    auto size = Num(l, p.pos[2]);
    if (!size) return size.error();
    api::Errno why = api::Errno::kOk;
    auto r = dev_->Unmap(*dom, *iova, *size, &why);
    return Observed{Hex(r.value), {{"why", api::ErrnoName(why)}}};
  };
  ops_["api.iova_to_phys"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 2, "api.iova_to_phys DOM IOVA"); !n) return n.error();
    auto dom = Dom(l, p.pos[0]);
    if (!dom) return dom.error();
    auto iova = Num(l, p.pos[1]);
    if (!iova) return iova.error();
    return Observed{Hex(dev_->IovaToPhys(*dom, *iova)), {}};
  };
  ops_["api.pgsize"] = [this](const VectorLine& l, const Parsed& p) -> Result<Observed> {
    if (auto n = Need(l, p, 4, "api.pgsize BITMAP IOVA PA SIZE"); !n) return n.error();
    uint64_t v[4];
    for (int i = 0; i < 4; ++i) {
      auto n = Num(l, p.pos[i]);
      if (!n) return n.error();
      v[i] = *n;
    }
    api::PgSizeChoice c = api::PgSize(v[0], v[1], v[2], v[3]);
    return Observed{Hex(c.pgsize), {{"count", std::to_string(c.count)}}};
  };
}

}  // namespace apivec

std::unique_ptr<LineExecutor> MakeModelApiExecutor() {
  return std::make_unique<apivec::ApiExecutor>(MakeModelApiDevice());
}

std::unique_ptr<LineExecutor> MakeApiExecutor(const std::string& dut) {
  std::unique_ptr<ApiDevice> device = MakeApiDut(dut);
  if (!device) return MakeModelApiExecutor();
  return MakeApiExecutorOn(std::move(device));
}

std::unique_ptr<LineExecutor> MakeApiExecutorOn(std::unique_ptr<ApiDevice> dut) {
  return std::make_unique<apivec::ApiExecutor>(
      MakeApiLockstep(MakeModelApiDevice(), std::move(dut)));
}

}  // namespace smmuref::conform
