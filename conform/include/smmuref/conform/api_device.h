// The IOMMU API device seam: one interface for every implementation of the API operations
// (the model, model/api; the fast core, impl/api), with typed results in the spec's vocabulary
// (smmuref/spec/api.h), like conform::Device for the architecture. The `api.*` vector executor
// runs on one of these; with a DUT it runs on the lockstep device, which calls the DUT and the
// model for every operation, compares the determined results (errno, returned values, named
// outputs, the `why` of an unmap) and, where the API leaves a choice open (which PASID an
// allocation, bind or aux attach returns; which IOVA the DMA API returns), checks that the
// DUT's choice is one the model allows by proposing it to the model, which then adopts it.
// Tests: tests/conformance/api_lockstep_test.cc, tests/stateful/api_diff_test.cc.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smmuref/spec/api.h"

namespace smmuref::conform {

class ApiDevice {
 public:
  using Errno = spec::api::Errno;
  template <typename T>
  using Ret = spec::api::Ret<T>;
  using Id = uint32_t;

  virtual ~ApiDevice() = default;
  virtual std::string Name() const = 0;
  // Disagreements with the model found since the last call (lockstep devices only).
  virtual std::vector<std::string> TakeMismatches() { return {}; }

  virtual Errno SetKnobs(const spec::api::Knobs& k) = 0;
  virtual spec::api::Knobs Knobs() = 0;
  virtual Ret<Id> RegisterInstance(const spec::api::InstanceCaps& caps) = 0;
  virtual Errno UnregisterInstance(Id inst) = 0;
  virtual Ret<Id> ProbeDevice(const spec::api::DeviceDesc& desc) = 0;
  virtual Errno RemoveDevice(Id dev) = 0;
  virtual Ret<Id> GroupOf(Id dev) = 0;
  virtual uint64_t DeviceMaxPasids(Id dev) = 0;
  virtual Errno ClaimDmaOwner(Id dev, uint64_t owner) = 0;
  virtual Errno ReleaseDmaOwner(Id dev) = 0;
  virtual Errno UseDefaultDomain(Id dev) = 0;
  virtual Errno UnuseDefaultDomain(Id dev) = 0;
  virtual Errno AttachDevice(Id dom, Id dev) = 0;
  virtual Errno AttachGroup(Id dom, Id dev) = 0;
  virtual Errno DetachDevice(Id dom, Id dev) = 0;
  virtual Errno DetachGroup(Id dom, Id dev) = 0;
  virtual Errno ReplaceGroupDomain(Id dom, Id dev) = 0;
  virtual Ret<Id> CurrentDomain(Id dev) = 0;
  virtual Ret<Id> DefaultDomain(Id dev) = 0;
  virtual Ret<Id> AllocPagingDomain(std::optional<Id> dev) = 0;
  virtual Ret<Id> AllocStaticDomain(Id dev, spec::api::DomainType type) = 0;
  virtual Errno FreeDomain(Id dom) = 0;

  virtual Errno Map(Id dom, uint64_t iova, uint64_t pa, uint64_t size, uint32_t prot) = 0;
  // Bytes unmapped; `why` names the reason for a 0 that is not a hole (R-MAP-010).
  virtual Ret<uint64_t> Unmap(Id dom, uint64_t iova, uint64_t size, Errno* why) = 0;
  virtual uint64_t IovaToPhys(Id dom, uint64_t iova) = 0;
  virtual std::optional<spec::api::LeafView> LeafAt(Id dom, uint64_t iova) = 0;
  virtual Ret<bool> CheckAccess(Id dom, uint64_t iova, const spec::api::Access& a) = 0;
  virtual Ret<bool> WalkerNeedsClean(Id dom) = 0;

  virtual Ret<uint32_t> AllocGlobalPasid(Id dev, std::optional<uint32_t> proposed) = 0;
  virtual Errno FreeGlobalPasid(uint32_t pasid) = 0;
  virtual Errno AttachDevicePasid(Id dom, Id dev, uint32_t pasid) = 0;
  virtual Errno ReplaceDevicePasid(Id dom, Id dev, uint32_t pasid) = 0;
  virtual Errno DetachDevicePasid(Id dom, Id dev, uint32_t pasid) = 0;
  virtual Ret<Id> DomainForPasid(Id dev, uint32_t pasid) = 0;
  virtual bool PasidAllocated(uint32_t pasid) = 0;

  virtual Errno EnableFeature(Id dev, spec::api::Feature f) = 0;
  virtual Errno DisableFeature(Id dev, spec::api::Feature f) = 0;
  virtual Errno SvaDeviceInit(Id dev, uint32_t features, uint32_t min, uint32_t max) = 0;
  virtual Errno SvaDeviceShutdown(Id dev) = 0;
  virtual Ret<spec::api::SvaBinding> SvaBind(Id dev, Id mm, std::optional<uint32_t> proposed) = 0;
  virtual Errno SvaUnbind(Id handle) = 0;
  virtual Ret<uint32_t> SvaGetPasid(Id handle) = 0;
  virtual Errno MmExit(Id mm) = 0;
  virtual Ret<uint32_t> MmPasid(Id mm) = 0;

  virtual Ret<uint32_t> AuxAttach(Id dom, Id dev, std::optional<uint32_t> proposed) = 0;
  virtual Errno AuxDetach(Id dom, Id dev) = 0;
  virtual Ret<uint32_t> AuxGetPasid(Id dom, Id dev) = 0;
  virtual Ret<bool> AuxPathEnabled(Id dev) = 0;

  virtual Errno DmaSetMask(Id dev, uint64_t mask, uint64_t coherent_mask) = 0;
  virtual Ret<spec::api::DmaMapping> DmaMap(Id dev, uint64_t phys, uint64_t size,
                                            spec::api::DmaDir dir,
                                            std::optional<uint64_t> proposed) = 0;
  virtual Errno DmaUnmap(Id dev, uint64_t dma_addr, uint64_t size) = 0;
  virtual Ret<spec::api::DmaMapping> DmaAllocCoherent(Id dev, uint64_t size, uint64_t phys,
                                                      std::optional<uint64_t> proposed) = 0;
  virtual Errno DmaFreeCoherent(Id dev, uint64_t size, uint64_t dma_addr) = 0;
  virtual Ret<spec::api::CacheOp> DmaSync(Id dev, uint64_t dma_addr, uint64_t size,
                                          spec::api::DmaDir dir, spec::api::SyncFor f) = 0;
};

// The IOMMU API model (model/api) behind the seam.
std::unique_ptr<ApiDevice> MakeModelApiDevice();
// The API device that a `--dut` name stands for: "impl" is the fast core, impl/api; nullptr for
// every other DUT, which implements no IOMMU API (the engine's mutants and impl-abi are
// architecture variants): its api.* lines then run on the model alone, and reports say so.
std::unique_ptr<ApiDevice> MakeApiDut(const std::string& dut);
// `dut` in lockstep with `model`, as described above; its Name() is the DUT's.
std::unique_ptr<ApiDevice> MakeApiLockstep(std::unique_ptr<ApiDevice> model,
                                           std::unique_ptr<ApiDevice> dut);
// Which device runs the api.* lines of a file for `dut`: "impl" or "model".
std::string ApiDeviceName(const std::string& dut);

}  // namespace smmuref::conform
