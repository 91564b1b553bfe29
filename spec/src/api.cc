// Names of the IOMMU API vocabulary (include/smmuref/spec/api.h): results as written in
// spec/rules-api.md and vector files, knob spellings of spec/api-knobs.md, enum names.
// Tests: tests/model/api/vectors_test.cc, tests/model/api/domain_test.cc (Knobs).
#include "smmuref/spec/api.h"

#include <cstdlib>
#include <utility>

namespace smmuref::spec::api {
namespace {

constexpr std::pair<Errno, const char*> kNames[] = {
    {Errno::kOk, "0"},
    {Errno::kEPERM, "-EPERM"},
    {Errno::kENOENT, "-ENOENT"},
    {Errno::kESRCH, "-ESRCH"},
    {Errno::kEIO, "-EIO"},
    {Errno::kENOMEM, "-ENOMEM"},
    {Errno::kEFAULT, "-EFAULT"},
    {Errno::kEBUSY, "-EBUSY"},
    {Errno::kEEXIST, "-EEXIST"},
    {Errno::kENODEV, "-ENODEV"},
    {Errno::kEINVAL, "-EINVAL"},
    {Errno::kENOSPC, "-ENOSPC"},
    {Errno::kEDOM, "-EDOM"},
    {Errno::kERANGE, "-ERANGE"},
    {Errno::kEOVERFLOW, "-EOVERFLOW"},
    {Errno::kEOPNOTSUPP, "-EOPNOTSUPP"},
    {Errno::kContractViolation, "WARN"},
    {Errno::kBadChoice, "BADCHOICE"},
    {Errno::kNotModelled, "NOTMODELLED"},
};

// One spelling of one knob value and what it sets.
struct KnobValue {
  const char* name;
  const char* value;
  void (*set)(Knobs&);
};

constexpr KnobValue kValues[] = {
    {"sva_init", "modern", [](Knobs& k) { k.sva_init = SvaInit::kModern; }},
    {"sva_init", "feature_unchecked", [](Knobs& k) { k.sva_init = SvaInit::kFeatureUnchecked; }},
    {"sva_init", "feature", [](Knobs& k) { k.sva_init = SvaInit::kFeature; }},
    {"sva_init", "rfc2018", [](Knobs& k) { k.sva_init = SvaInit::kRfc2018; }},
    {"domain_scope", "per_device", [](Knobs& k) { k.domain_scope = DomainScope::kPerDevice; }},
    {"domain_scope", "legacy", [](Knobs& k) { k.domain_scope = DomainScope::kLegacy; }},
    {"domain_scope", "legacy_cross_instance",
     [](Knobs& k) { k.domain_scope = DomainScope::kLegacyCrossInstance; }},
    {"partial_unmap", "reject", [](Knobs& k) { k.partial_unmap = PartialUnmap::kReject; }},
    {"partial_unmap", "split", [](Knobs& k) { k.partial_unmap = PartialUnmap::kSplit; }},
    {"partial_unmap", "whole", [](Knobs& k) { k.partial_unmap = PartialUnmap::kWhole; }},
    {"map_overlap", "replace_tables",
     [](Knobs& k) { k.map_overlap = MapOverlap::kReplaceTables; }},
    {"map_overlap", "strict", [](Knobs& k) { k.map_overlap = MapOverlap::kStrict; }},
    {"pasid_lifetime", "mm_exit", [](Knobs& k) { k.pasid_lifetime = PasidLifetime::kMmExit; }},
    {"pasid_lifetime", "last_unbind",
     [](Knobs& k) { k.pasid_lifetime = PasidLifetime::kLastUnbind; }},
    {"aux_domains", "on", [](Knobs& k) { k.aux_domains = true; }},
    {"aux_domains", "off", [](Knobs& k) { k.aux_domains = false; }},
};

}  // namespace

std::string ErrnoName(Errno e) {
  for (const auto& [v, n] : kNames) {
    if (v == e) return n;
  }
  return std::to_string(static_cast<int>(e));
}

std::optional<Errno> ErrnoFromName(const std::string& name) {
  for (const auto& [v, n] : kNames) {
    if (name == n) return v;
  }
  return std::nullopt;
}

Errno SetKnob(Knobs& k, const std::string& name, const std::string& v) {
  if (name == "min_pasid") {
    char* end = nullptr;
    unsigned long n = std::strtoul(v.c_str(), &end, 0);
    if (v.empty() || v[0] == '-' || *end != '\0' || n >= (1ul << 20)) return Errno::kEINVAL;
    k.min_pasid = static_cast<uint32_t>(n);
    return Errno::kOk;
  }
  for (const KnobValue& kv : kValues) {
    if (name == kv.name && v == kv.value) {
      kv.set(k);
      return Errno::kOk;
    }
  }
  return Errno::kEINVAL;
}

const char* CacheOpName(CacheOp op) {
  switch (op) {
    case CacheOp::kNone: return "none";
    case CacheOp::kClean: return "clean";
    case CacheOp::kInvalidate: return "invalidate";
  }
  return "?";
}

const char* FeatureName(Feature f) {
  switch (f) {
    case Feature::kSva: return "sva";
    case Feature::kIopf: return "iopf";
    case Feature::kAux: return "aux";
  }
  return "?";
}

const char* DomainTypeName(DomainType t) {
  switch (t) {
    case DomainType::kBlocked: return "blocked";
    case DomainType::kIdentity: return "identity";
    case DomainType::kUnmanaged: return "unmanaged";
    case DomainType::kDma: return "dma";
    case DomainType::kSva: return "sva";
  }
  return "?";
}

}  // namespace smmuref::spec::api
