// One page table built twice: Linux's io-pgtable-arm (through kpt.h) and the IOMMU API model
// (model/api) configured like it, with the operations applied to both and their results side by
// side. Every applied operation is kept as an api.* vector line with the kernel's result as the
// expectation, so a mismatch prints a vector that replays the kernel's behaviour on the model.
// Tests: tests/kernel/io_pgtable_diff_test.cc, tests/kernel/io_pgtable_findings_test.cc.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "kpt.h"
#include "smmuref/model/api/system.h"
#include "smmuref/spec/format.h"

namespace smmuref::kernel {

namespace api = model::api;

// A page-table configuration: stage, candidate page sizes, IAS, OAS.
struct TableConfig {
  const char* name;
  int stage;
  uint64_t pgsize_bitmap;
  unsigned ias, oas;
};

inline void PrintTo(const TableConfig& c, std::ostream* os) { *os << c.name; }

class KernelPair {
 public:
  // partial_unmap=split: the Debian source is Linux 6.12, which splits blocks on partial unmap.
  explicit KernelPair(const TableConfig& c) : cfg_(c) {
    kpt_.reset(kpt_new(c.stage, c.pgsize_bitmap, c.ias, c.oas));
    if (!kpt_) return;
    api::Knobs k;
    k.partial_unmap = api::PartialUnmap::kSplit;
    model_.SetKnobs(k);
    api::InstanceCaps caps;
    caps.pgsize_bitmap = kpt_pgsize_bitmap(kpt_.get());
    caps.ias = kpt_ias(kpt_.get());
    caps.oas = kpt_oas(kpt_.get());
    auto inst = model_.RegisterInstance(caps);
    api::DeviceDesc dev;
    dev.instance = inst.value;
    dev.sids = {1};
    auto d = model_.ProbeDevice(dev);
    dom_ = model_.AllocPagingDomain(d.value).value;
    log_ << "smmuref-vectors 1\n# io-pgtable-arm (Linux 6.12) " << c.name << " stage " << c.stage
         << "\napi.knob partial_unmap=split\napi.instance k pgsize=" << spec::Hex(caps.pgsize_bitmap)
         << " ias=" << caps.ias << " oas=" << caps.oas << " -> 0\n"
         << "api.device d k sids=0x1 -> 0\napi.domain.alloc dom paging dev=d -> 0\n";
  }

  bool ok() const { return kpt_ != nullptr && dom_ != 0; }
  uint64_t bitmap() const { return kpt_pgsize_bitmap(kpt_.get()); }
  unsigned ias() const { return kpt_ias(kpt_.get()); }
  unsigned oas() const { return kpt_oas(kpt_.get()); }
  const api::System& model() const { return model_; }
  api::DomainId domain() const { return dom_; }

  // Each returns true when both sides agree; the line is logged with the kernel's answer.
  bool Map(uint64_t iova, uint64_t pa, uint64_t size, int prot, std::string* why) {
    const int k = kpt_map(kpt_.get(), iova, pa, size, prot);
    const api::Errno m = model_.Map(dom_, iova, pa, size, static_cast<uint32_t>(prot));
    const std::string kn = k == 0 ? "0" : api::ErrnoName(static_cast<api::Errno>(k));
    ++stats_["map " + kn];
    log_ << "api.map dom " << spec::Hex(iova) << " " << spec::Hex(pa) << " " << spec::Hex(size)
         << " " << prot << " -> " << kn << "\n";
    if (kn == api::ErrnoName(m)) return true;
    *why = "map: kernel " + kn + ", model " + api::ErrnoName(m);
    return false;
  }

  bool Unmap(uint64_t iova, uint64_t size, std::string* why) {
    const unsigned long w0 = kpt_warnings();
    const uint64_t k = kpt_unmap(kpt_.get(), iova, size);
    const bool kwarn = kpt_warnings() != w0;
    api::Errno reason = api::Errno::kOk;
    const uint64_t m = model_.Unmap(dom_, iova, size, &reason).value;
    const bool mwarn = reason == api::Errno::kContractViolation;
    log_ << "api.unmap dom " << spec::Hex(iova) << " " << spec::Hex(size) << " -> " << spec::Hex(k)
         << (kwarn ? " why=WARN" : "") << "\n";
    ++stats_[std::string("unmap ") + (k == 0 ? "0" : k < size ? "short" : k == size ? "exact" : "more") +
             (kwarn ? " WARN" : "")];
    if (k == m && kwarn == mwarn) return true;
    *why = "unmap: kernel " + spec::Hex(k) + (kwarn ? " (WARN)" : "") + ", model " + spec::Hex(m) +
           " why=" + api::ErrnoName(reason);
    return false;
  }

  bool IovaToPhys(uint64_t iova, std::string* why) {
    const uint64_t k = kpt_iova_to_phys(kpt_.get(), iova);
    const uint64_t m = model_.IovaToPhys(dom_, iova);
    ++stats_[k == 0 ? "iova_to_phys 0" : "iova_to_phys mapped"];
    if (k == m) return true;
    log_ << "api.iova_to_phys dom " << spec::Hex(iova) << " -> " << spec::Hex(k) << "\n";
    *why = "iova_to_phys " + spec::Hex(iova) + ": kernel " + spec::Hex(k) + ", model " +
           spec::Hex(m);
    return false;
  }

  // One side only, for the cases where the two are meant to differ.
  int KernelMap(uint64_t iova, uint64_t pa, uint64_t size, int prot) {
    return kpt_map(kpt_.get(), iova, pa, size, prot);
  }
  api::Errno ModelMap(uint64_t iova, uint64_t pa, uint64_t size, int prot) {
    return model_.Map(dom_, iova, pa, size, static_cast<uint32_t>(prot));
  }
  uint64_t KernelIovaToPhys(uint64_t iova) { return kpt_iova_to_phys(kpt_.get(), iova); }
  uint64_t ModelIovaToPhys(uint64_t iova) { return model_.IovaToPhys(dom_, iova); }
  std::string Vector() const { return log_.str(); }
  // How often each kind of result occurred, for the run summary.
  const std::map<std::string, uint64_t>& stats() const { return stats_; }

 private:
  struct KptFree {
    void operator()(kpt* t) const { kpt_free(t); }
  };
  TableConfig cfg_;
  std::unique_ptr<kpt, KptFree> kpt_;
  api::System model_;
  api::DomainId dom_ = 0;
  std::ostringstream log_;
  std::map<std::string, uint64_t> stats_;
};

}  // namespace smmuref::kernel
