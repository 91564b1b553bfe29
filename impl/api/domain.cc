// The fast core's domains: allocation, finalization for an instance, cross-instance extension,
// static domains, free (R-DOM-*), and the page-table level sizes of R-MAP-016.
// Tests: tests/stateful/api_diff_test.cc, tests/conformance/api_lockstep_test.cc.
#include <algorithm>
#include <bit>

#include "smmuref/impl/api/system.h"

namespace smmuref::impl::api {
namespace {

uint64_t Lowest(uint64_t bitmap) { return bitmap & (~bitmap + 1); }

// R-MAP-016: one LPAE granule (4K, 16K, 64K) gives that granule's levels below 2^IAS, each
// (log2(granule) - 3) bits above the last, when those levels hold every size of the bitmap;
// anything else has one level per size of the bitmap.
std::vector<uint64_t> Levels(uint64_t bitmap, uint32_t ias) {
  std::vector<uint64_t> out;
  const uint64_t granule = Lowest(bitmap);
  if ((granule == 0x1000 || granule == 0x4000 || granule == 0x10000) && ias < 64) {
    const unsigned stride = static_cast<unsigned>(std::countr_zero(granule)) - 3;
    uint64_t sizes = 0;
    for (unsigned shift = std::countr_zero(granule); shift < ias; shift += stride) {
      out.push_back(uint64_t{1} << shift);
      sizes |= uint64_t{1} << shift;
    }
    if ((bitmap & ~sizes) == 0) return out;
    out.clear();
  }
  for (uint64_t rest = bitmap; rest != 0; rest &= rest - 1) out.push_back(Lowest(rest));
  return out;
}

void ResetTable(PageTable& pt, uint64_t bitmap, uint32_t ias) {
  pt.levels = Levels(bitmap, ias);
  pt.tables.assign(pt.levels.size(), {});
}

}  // namespace

bool System::Domain::Bound(InstanceId i) const {
  return std::find(instances.begin(), instances.end(), i) != instances.end();
}

System::Domain* System::Dom(DomainId id) {
  auto it = domains_.find(id);
  return it == domains_.end() ? nullptr : &it->second;
}
const System::Domain* System::Dom(DomainId id) const {
  auto it = domains_.find(id);
  return it == domains_.end() ? nullptr : &it->second;
}

DomainId System::MakeDomain(DomainType type) {
  const DomainId id = next_id_++;
  domains_[id].type = type;
  return id;
}

// R-DOM-011: the instance's page sizes, IAS and OAS; aperture [0, 2^IAS - 1].
void System::Finalize(Domain& d, InstanceId inst) {
  const InstanceCaps& c = instances_.at(inst).caps;
  d.instances = {inst};
  d.pgsize_bitmap = c.pgsize_bitmap;
  d.ias = c.ias;
  d.oas = c.oas;
  d.aperture_start = 0;
  d.aperture_end = (uint64_t{1} << c.ias) - 1;
  ResetTable(d.pt, d.pgsize_bitmap, d.ias);
}

// R-DOM-005: the larger minimum page, the union of sizes from there up, the narrower widths;
// the domain holds no leaves here (R-DOM-006), so its tables start afresh.
void System::Extend(Domain& d, InstanceId inst) {
  const InstanceCaps& c = instances_.at(inst).caps;
  const uint64_t floor = std::max(Lowest(d.pgsize_bitmap), Lowest(c.pgsize_bitmap));
  d.pgsize_bitmap = (d.pgsize_bitmap | c.pgsize_bitmap) & ~(floor - 1);
  d.ias = std::min(d.ias, c.ias);
  d.oas = std::min(d.oas, c.oas);
  d.aperture_end = (uint64_t{1} << d.ias) - 1;
  ResetTable(d.pt, d.pgsize_bitmap, d.ias);
  d.instances.push_back(inst);
}

// R-DOM-001, R-DOM-002, R-DOM-003.
Ret<DomainId> System::AllocPagingDomain(std::optional<DeviceId> dev) {
  if (!dev) {
    if (knobs_.domain_scope == DomainScope::kPerDevice) return {Errno::kENODEV};
    const DomainId id = MakeDomain(DomainType::kUnmanaged);
    domains_.at(id).device_less = true;
    return {Errno::kOk, id};
  }
  if (Errno e = Live(*dev); e != Errno::kOk) return {e};
  const DomainId id = MakeDomain(DomainType::kUnmanaged);
  Finalize(domains_.at(id), devices_.at(*dev).desc.instance);
  return {Errno::kOk, id};
}

// R-DOM-008.
Ret<DomainId> System::AllocStaticDomain(DeviceId dev, DomainType type) {
  if (Errno e = Live(dev); e != Errno::kOk) return {e};
  if (type == DomainType::kIdentity) return {Errno::kOk, identity_};
  if (type == DomainType::kBlocked) return {Errno::kOk, blocked_};
  return {Errno::kEINVAL};
}

bool System::InUse(DomainId id) const {
  const Domain& d = domains_.at(id);
  if (d.aux_users != 0 || d.sva_users != 0) return true;
  for (const auto& [_, g] : groups_) {
    if (g.domain == id || g.default_domain == id) return true;
    for (const auto& [pasid, slot] : g.slots) {
      if (slot.domain == id) return true;
    }
  }
  return false;
}

// R-DOM-009.
Errno System::FreeDomain(DomainId id) {
  Domain* d = Dom(id);
  if (d == nullptr) return Errno::kENOENT;
  if (d->is_static) return Errno::kOk;
  if (InUse(id)) return Errno::kEBUSY;
  domains_.erase(id);
  return Errno::kOk;
}

}  // namespace smmuref::impl::api
