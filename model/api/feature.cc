// Device features (iommu_dev_enable_feature / iommu_dev_disable_feature, v5.2-v6.15, gone in
// v6.16): IOPF and SVA as arm-smmu-v3 implements them, and the AUX feature of aux domains
// (v5.1-v5.17 and seed 003). Which calls exist and what they check follows the sva_init knob.
// Tests: tests/model/api/sva_test.cc, tests/model/api/aux_test.cc,
// corpus/vectors/api/sva_feature*.vec, corpus/vectors/api/aux*.vec.
#include "smmuref/model/api/aux.h"
#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

// A master can take I/O page faults when its instance can (stall or PRI) and it has one
// StreamID, the faults carrying no StreamID to tell several apart
// [arm_smmu_master_iopf_supported, v6.12].
bool System::IopfCapable(const Device& dev) const {
  return instances_.at(dev.desc.instance).caps.iopf && dev.desc.sids.size() == 1;
}

// R-SVA-018: with sva_init=modern there are no feature calls: enable gives -ENODEV, disable
// -EBUSY, as iommu_dev_enable_feature / iommu_dev_disable_feature answered for a driver without
// feature ops before v6.16 removed them (f984fb09e60e) [iommu_dev_enable_feature, v5.10-v6.15].
// Otherwise, as arm-smmu-v3: IOPF needs an IOPF-capable master, SVA an instance with SVA and a
// master with SubstreamIDs (-EINVAL); enabling twice is -EBUSY; SVA on an IOPF-capable master
// needs IOPF enabled first (-EINVAL) [arm_smmu_dev_enable_feature, v6.12;
// arm_smmu_master_enable_sva, v6.12]. AUX follows R-AUX-001.
Errno System::EnableFeature(DeviceId id, Feature f) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  Device& dev = devices_[id];
  const InstanceCaps& caps = instances_[dev.desc.instance].caps;
  const bool no_calls = knobs_.sva_init == SvaInit::kModern;
  if (f == Feature::kAux) {
    // R-AUX-001: without aux domains there is no AUX feature: -ENODEV where no feature calls
    // exist, -EINVAL from arm-smmu-v3's feature op (its default case) [iommu_dev_enable_feature,
    // v5.10-v6.15; arm_smmu_dev_enable_feature, v6.12].
    if (!knobs_.aux_domains) return no_calls ? Errno::kENODEV : Errno::kEINVAL;
    if (!caps.aux || DeviceMaxPasids(id) == 0) return Errno::kEINVAL;
    dev.feat_aux = true;  // enabling again is a no-op success [seed 003 variant]
    return Errno::kOk;
  }
  if (no_calls) return Errno::kENODEV;
  if (f == Feature::kIopf) {
    if (!IopfCapable(dev)) return Errno::kEINVAL;
    if (dev.feat_iopf) return Errno::kEBUSY;
    dev.feat_iopf = true;
    return Errno::kOk;
  }
  if (!caps.sva || DeviceSsidBits(id) == 0) return Errno::kEINVAL;
  if (dev.feat_sva) return Errno::kEBUSY;
  if (IopfCapable(dev) && !dev.feat_iopf) return Errno::kEINVAL;
  dev.feat_sva = true;
  return Errno::kOk;
}

// R-SVA-019: disabling a feature that is not enabled gives -EINVAL; IOPF while SVA is enabled
// gives -EBUSY [arm_smmu_dev_disable_feature, v6.12]; SVA while the device has binds gives
// -EBUSY only under sva_init=feature [arm_smmu_master_disable_sva, v6.5-v6.9; v6.10-v6.15 no
// longer look]; R-AUX-009: AUX while aux domains are attached gives -EBUSY [seed 003 variant].
Errno System::DisableFeature(DeviceId id, Feature f) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  Device& dev = devices_[id];
  if (f != Feature::kAux && knobs_.sva_init == SvaInit::kModern) return Errno::kEBUSY;
  bool& flag = f == Feature::kSva ? dev.feat_sva : f == Feature::kIopf ? dev.feat_iopf
                                                                       : dev.feat_aux;
  if (!flag) return Errno::kEINVAL;
  if (f == Feature::kAux && !dev.aux_domains.empty()) return Errno::kEBUSY;
  if (f == Feature::kIopf && dev.feat_sva) return Errno::kEBUSY;
  if (f == Feature::kSva && knobs_.sva_init == SvaInit::kFeature) {
    for (const auto& [_, h] : sva_handles_) {
      if (h.refcount > 0 && h.device == id) return Errno::kEBUSY;
    }
  }
  flag = false;
  return Errno::kOk;
}

}  // namespace smmuref::model::api
