// The vocabulary of the IOMMU API (spec/rules-api.md, spec/api-knobs.md): result codes, the
// handles and descriptions the operations take, protection flags, knobs, and the typed results
// that the model (model/api), the fast core (impl/api) and the conform seam
// (conform/include/smmuref/conform/api_device.h) all speak. Names and observation types only: no
// decision logic lives here. Tests: tests/model/api/*_test.cc, tests/impl/api/*_test.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smmuref::spec::api {

// Linux-style negative errno values by name, plus three results that are not errnos: a contract
// violation (upstream only WARNs; the state is what the kernel leaves), a rejected implementation
// choice (a proposed PASID or IOVA the API does not allow) and a case the model does not cover.
enum class Errno : int {
  kOk = 0,
  kEPERM = -1,
  kENOENT = -2,
  kESRCH = -3,
  kEIO = -5,
  kENOMEM = -12,
  kEFAULT = -14,
  kEBUSY = -16,
  kEEXIST = -17,
  kENODEV = -19,
  kEINVAL = -22,
  kENOSPC = -28,
  kEDOM = -33,
  kERANGE = -34,
  kEOVERFLOW = -75,
  kEOPNOTSUPP = -95,
  kContractViolation = -100000,  // upstream WARNs; state is what the kernel leaves
  kBadChoice = -100001,          // an implementation-chosen value the API does not allow
  kNotModelled = -100002,        // the model does not cover this case (a bound, dma-direct)
};

// "0", "-EINVAL", ..., "WARN", "BADCHOICE", "NOTMODELLED".
std::string ErrnoName(Errno e);
std::optional<Errno> ErrnoFromName(const std::string& name);

// A result with a value; `value` is meaningful only when err == kOk.
template <typename T>
struct Ret {
  Errno err = Errno::kOk;
  T value{};
  bool ok() const { return err == Errno::kOk; }
};

// Handles. Every kind comes from one counter per system, so ids never repeat.
using InstanceId = uint32_t;
using DeviceId = uint32_t;
using GroupId = uint32_t;
using DomainId = uint32_t;
using SvaHandleId = uint32_t;
using MmId = uint32_t;
using DmaHandleId = uint32_t;

// IOMMU_* protection flags.
inline constexpr uint32_t kProtRead = 1, kProtWrite = 2, kProtCache = 4, kProtNoexec = 8,
                          kProtMmio = 0x10, kProtPriv = 0x20;

// What one SMMU instance offers the core.
struct InstanceCaps {
  uint64_t pgsize_bitmap = 0x40201000;  // 4K | 2M | 1G
  uint32_t ias = 48;                    // input (IOVA) address bits of its page tables
  uint32_t oas = 48;                    // output address bits
  uint32_t pasid_bits = 20;             // IDR1.SSIDSIZE; 0 = only PASID 0 (2^0 PASIDs)
  uint32_t min_pasid = 0;               // instance floor; the effective floor also honours the knob
  bool sva = false;                     // can share CPU address spaces
  bool iopf = false;                    // can take I/O page faults
  bool aux = false;                     // can host aux domains
  bool coherent_walk = true;            // table walker snoops CPU caches
};

enum class DefaultDomainType { kDma, kIdentity };

// A device as firmware describes it at probe.
struct DeviceDesc {
  InstanceId instance = 0;
  std::vector<uint32_t> sids;
  uint32_t pasid_bits = 0;               // device PASID capability; 0 = none
  std::optional<DeviceId> alias;         // declared DMA alias of an already probed device
  DefaultDomainType default_type = DefaultDomainType::kDma;
  uint64_t dma_mask = ~0ull;
  uint64_t coherent_dma_mask = ~0ull;
  bool coherent = true;                  // device DMA snoops CPU caches
  bool require_direct = false;           // has IOMMU_RESV_DIRECT regions: never blocked
};

enum class DomainType { kBlocked, kIdentity, kUnmanaged, kDma, kSva };

// Device features that drivers enable (iommu_dev_enable_feature).
enum class Feature { kSva, kIopf, kAux };

enum class DmaDir { kToDevice, kFromDevice, kBidirectional };
enum class SyncFor { kDevice, kCpu };
enum class CacheOp { kNone, kClean, kInvalidate };

// An access to a mapped address: read, write, execute, privileged.
struct Access {
  bool read = false, write = false, exec = false, priv = false;
};

// One page-table leaf as observed: [start, start + size) -> [pa, pa + size) with prot.
struct LeafView {
  uint64_t start = 0;
  uint64_t pa = 0;
  uint64_t size = 0;
  uint32_t prot = 0;
};

// Results of bind and of the DMA API's mapping calls.
struct SvaBinding {
  SvaHandleId handle = 0;
  uint32_t pasid = 0;
};
struct DmaMapping {
  DmaHandleId handle = 0;
  uint64_t dma_addr = 0;
};

// Policy knobs (spec/api-knobs.md): the Linux versions and seed-era variants of the API.
enum class SvaInit {
  kModern,            // v6.16+: no feature calls; FEAT_SVA checked when the SVA domain is made
  kFeatureUnchecked,  // v6.10-v6.15: feature calls exist, bind checks neither them nor FEAT_SVA
  kFeature,           // v6.5-v6.9: bind needs IOMMU_DEV_FEAT_SVA enabled (-ENODEV after the PASID)
  kRfc2018,           // iommu_sva_device_init(dev, features, min, max) before bind (2018 RFC)
};
enum class DomainScope {
  kPerDevice,            // v6.13+: paging domains are allocated for a device, bound to its instance
  kLegacy,               // v6.12 and earlier: device-less domains finalized at first attach
  kLegacyCrossInstance,  // seed 000: device-less domains may then extend to further instances
};
enum class PartialUnmap {
  kReject,  // v6.13+: nothing of the larger leaf is removed, unmap stops there (WARN)
  kSplit,   // v6.12 and earlier: the leaf is split and only the requested part removed
  kWhole,   // VT-d's behaviour (never io-pgtable-arm's): the whole leaf goes, its size counted
};
enum class MapOverlap {
  kReplaceTables,  // io-pgtable-arm (every version): a block over a table frees the table
  kStrict,         // any overlap with a live leaf is -EEXIST and nothing changes
};
enum class PasidLifetime {
  kMmExit,      // an address space keeps its PASID until it exits and its binds are gone
  kLastUnbind,  // the PASID is freed when the last bind of the address space goes
};

struct Knobs {
  uint32_t min_pasid = 1;
  SvaInit sva_init = SvaInit::kModern;
  DomainScope domain_scope = DomainScope::kPerDevice;
  PartialUnmap partial_unmap = PartialUnmap::kReject;
  MapOverlap map_overlap = MapOverlap::kReplaceTables;
  PasidLifetime pasid_lifetime = PasidLifetime::kMmExit;
  bool aux_domains = false;
};

// Sets one knob from its spec/api-knobs.md spelling; -EINVAL for an unknown name or value.
Errno SetKnob(Knobs& knobs, const std::string& name, const std::string& value);

const char* CacheOpName(CacheOp op);
const char* FeatureName(Feature f);
const char* DomainTypeName(DomainType t);

}  // namespace smmuref::spec::api
