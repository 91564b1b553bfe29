// Policy knobs (spec/api-knobs.md): parsing by name, and the rule that knobs are fixed once the
// system has an instance. Tests: tests/model/api/domain_test.cc.
#include "smmuref/model/api/knobs.h"

#include <cstdlib>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

Errno SetKnob(Knobs& k, const std::string& name, const std::string& v) {
  if (name == "min_pasid") {
    char* end = nullptr;
    unsigned long n = std::strtoul(v.c_str(), &end, 0);
    if (v.empty() || *end != '\0' || n >= (1ul << 20)) return Errno::kEINVAL;
    k.min_pasid = static_cast<uint32_t>(n);
    return Errno::kOk;
  }
  if (name == "sva_init") {
    if (v == "modern") k.sva_init = SvaInit::kModern;
    else if (v == "feature") k.sva_init = SvaInit::kFeature;
    else if (v == "rfc2018") k.sva_init = SvaInit::kRfc2018;
    else return Errno::kEINVAL;
    return Errno::kOk;
  }
  if (name == "domain_scope") {
    if (v == "per_device") k.domain_scope = DomainScope::kPerDevice;
    else if (v == "legacy_cross_instance") k.domain_scope = DomainScope::kLegacyCrossInstance;
    else return Errno::kEINVAL;
    return Errno::kOk;
  }
  if (name == "partial_unmap") {
    if (v == "whole") k.partial_unmap = PartialUnmap::kWhole;
    else if (v == "split") k.partial_unmap = PartialUnmap::kSplit;
    else if (v == "reject") k.partial_unmap = PartialUnmap::kReject;
    else return Errno::kEINVAL;
    return Errno::kOk;
  }
  if (name == "pasid_lifetime") {
    if (v == "mm_exit") k.pasid_lifetime = PasidLifetime::kMmExit;
    else if (v == "last_unbind") k.pasid_lifetime = PasidLifetime::kLastUnbind;
    else return Errno::kEINVAL;
    return Errno::kOk;
  }
  if (name == "aux_domains") {
    if (v == "on") k.aux_domains = true;
    else if (v == "off") k.aux_domains = false;
    else return Errno::kEINVAL;
    return Errno::kOk;
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
