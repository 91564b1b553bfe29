// QEMU's SMMUv3 (`qemu-system-aarch64 -machine virt,iommu=smmuv3`) as a live device under test,
// driven over qtest with no guest code: registers are the SMMU's MMIO frame, memory is guest RAM,
// and a client transaction is one DMA of QEMU's `edu` PCI test device, whose StreamID is its
// PCI requester ID (bus 0, so StreamID = devfn). What each DMA became is read from QEMU's own
// trace of the translation (`smmuv3_translate_*`): the physical address of a completed access,
// or nothing for a terminated one; event records are in guest RAM where QEMU wrote them.
//
// What this adapter cannot present (each is an error the caller reports as "not implemented by
// the DUT", never as a mismatch):
// - memory outside guest RAM [kRamBase, kRamBase + RAM size): the virt machine has flash, MMIO
//   and nothing else below it, so structures and queues must live in RAM;
// - StreamIDs other than the edu functions the machine was started with (devfn 0 is the host
//   bridge), SubstreamIDs (QEMU 7.2 has none), instruction fetches and unprivileged
//   transactions (QEMU 7.2 treats every DMA as a privileged data access);
// - injected external aborts on SMMU-originated accesses.
// Tests: tests/conform/qemu_smmu_test.cc
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "qemu_qtest.h"
#include "smmuref/spec/error.h"

namespace smmuref::conform {

struct QemuOptions {
  std::string binary = "qemu-system-aarch64";
  // StreamIDs to present: one edu function each, at devfn = StreamID (8..255).
  std::vector<uint32_t> sids = {0x10, 0x11};  // the layout of corpus/vectors/qemu/
  uint64_t ram_mib = 256;
  int timeout_ms = 10000;
};

// What a DMA became: completed at `pa`, or terminated (no translation reached memory).
struct QemuDmaOutcome {
  bool completed = false;
  uint64_t pa = 0;
};

class QemuSmmu {
 public:
  static constexpr uint64_t kSmmuBase = 0x09050000;  // virt's SMMUv3 frame (2 x 64 KiB pages)
  static constexpr uint64_t kRamBase = 0x40000000;   // virt's guest RAM

  static spec::Result<std::unique_ptr<QemuSmmu>> Start(const QemuOptions& o);

  // A register by byte offset in the SMMU frame (Page 1 at 0x10000), 4 or 8 bytes.
  spec::Result<uint64_t> RegRead(uint64_t offset, unsigned bytes);
  spec::Result<bool> RegWrite(uint64_t offset, unsigned bytes, uint64_t value);
  // An 8-byte word of guest RAM; outside RAM is an error naming the window.
  spec::Result<uint64_t> MemRead64(uint64_t pa);
  spec::Result<bool> MemWrite64(uint64_t pa, uint64_t value);
  bool InRam(uint64_t pa, uint64_t len) const;
  bool HasSid(uint32_t sid) const;
  // One client transaction: a 1-byte DMA by the edu function of `sid` at `iova` (a write when
  // `write`). The byte a write DMA stores is put back afterwards from the words this adapter
  // wrote, so that a client write never changes the structures a vector built.
  spec::Result<QemuDmaOutcome> Dma(uint32_t sid, uint64_t iova, bool write);
  uint64_t ram_end() const { return kRamBase + ram_bytes_; }
  std::string version() const { return version_; }

 private:
  QemuSmmu() = default;
  spec::Result<bool> SetUpPci();
  spec::Result<uint64_t> Read(const std::string& op, uint64_t addr);
  spec::Result<bool> Write(const std::string& op, uint64_t addr, uint64_t value);

  std::unique_ptr<QtestProcess> q_;
  std::vector<uint32_t> sids_;
  std::map<uint32_t, uint64_t> bar_;  // StreamID -> the edu function's BAR0
  std::map<uint64_t, uint64_t> written_;  // the words written through MemWrite64
  uint64_t ram_bytes_ = 0;
  std::string version_;
};

// Parses one line of QEMU's translation trace: whether it reports `sid`/`iova` completed (with
// its physical address), `nullopt` when the line is about something else.
std::optional<QemuDmaOutcome> ParseTranslateTrace(const std::string& line, uint32_t sid,
                                                  uint64_t iova);

}  // namespace smmuref::conform
