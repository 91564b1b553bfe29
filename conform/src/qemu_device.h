// `--dut qemu` (and `qemu:SID,SID,...`): QEMU 7.2's SMMUv3 as a live device under test
// (conform/src/qemu_device.cc over conform/src/qemu_smmu.h).
// Tests: tests/conform/qemu_smmu_test.cc
#pragma once

#include <memory>
#include <string>

#include "smmuref/conform/device.h"
#include "smmuref/conform/progen.h"

namespace smmuref::conform {

bool IsQemuName(const std::string& name);
// What is wrong with a `qemu:...` name, or an empty string.
std::string QemuNameProblem(const std::string& name);
// The profile QEMU presents, in the profile text format (its own profile for `conform`).
std::string QemuOwnProfile();
// The system QEMU's virt machine gives campaign programs (progen.h Platform): structures in the
// first 128 MiB of guest RAM (above the device tree QEMU puts in its first MiB), client output addresses in the next 112 MiB (below the CPU's loop
// page), the StreamIDs of the edu functions `name` asks for, and no SubstreamIDs, injected
// aborts, instruction fetches or unprivileged transactions (what the adapter cannot present);
// programs use profile qemu-7-2.
Platform QemuPlatform(const std::string& name);
// Starts QEMU for a vector file or a campaign program under profile `p`. A profile whose ID
// registers are not QEMU's gives a device that stops with "not implemented by the DUT" on its
// first step; a machine without qemu-system-aarch64 is a kNotImplemented error naming the
// package.
spec::Result<std::unique_ptr<Device>> MakeQemuDevice(const std::string& name,
                                                     const spec::Profile& p);

}  // namespace smmuref::conform
