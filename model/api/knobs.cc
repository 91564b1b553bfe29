// Policy knobs (spec/api-knobs.md): parsing by name, and the rule that knobs are fixed once the
// system has an instance. Tests: tests/model/api/domain_test.cc (Knobs).
#include "smmuref/model/api/knobs.h"

#include <cstdlib>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

namespace {

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

// R-API-003: knobs are a property of the whole system; they change only while no instance is
// registered, so no object ever sees two policies [decision: mid-run changes have no meaning].
Errno System::SetKnobs(const Knobs& k) {
  if (!instances_.empty()) return Errno::kEBUSY;
  knobs_ = k;
  return Errno::kOk;
}

}  // namespace smmuref::model::api
