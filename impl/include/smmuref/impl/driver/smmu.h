// One SMMUv3 as the driver runs it, through spec::Bus only: probe from the ID registers, the
// stream table (linear, or 2-level with level-2 tables made on first use), the command and event
// queues, ASID and VMID allocation, domains (stage-1 paging as a CD, stage-2 paging, identity
// and blocked), attach of a stream and of a stream's PASIDs (per-stream CD tables, linear or
// 2-level), and map/unmap with the TLB invalidation finished before the call returns. Every
// change of a live STE or CD goes through the hitless planner (update.h), each step followed by
// CMD_CFGI_STE/CMD_CFGI_CD and CMD_SYNC. Under a non-coherent walker every structure the driver
// writes is cleaned before the command that could make the SMMU read it.
//
// Sources for the programming sequence: IHI0070 §6.3.9-§6.3.12 (CR0/CR0ACK, CR1, CR2), §6.3.24
// (STRTAB_BASE_CFG), §3.3 (stream table formats), §5.4 (CD), §3.5 (command queue), §4.3-§4.4
// (CFGI and TLBI), §3.17 (TLB maintenance), §3.21 (structure updates).
// Tests: tests/e2e/driver_e2e_test.cc, tests/impl/driver/smmu_test.cc
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "smmuref/impl/driver/cd.h"
#include "smmuref/impl/driver/cmdq.h"
#include "smmuref/impl/driver/io_pgtable.h"
#include "smmuref/impl/driver/memory.h"
#include "smmuref/impl/driver/mutant.h"
#include "smmuref/impl/driver/ste.h"
#include "smmuref/impl/driver/update.h"
#include "smmuref/spec/api.h"
#include "smmuref/spec/bus.h"
#include "smmuref/spec/error.h"

namespace smmuref::impl::driver {
SMMUREF_DRIVER_BUILD_BEGIN

// What probe read from the ID registers.
struct Features {
  bool s1 = false, s2 = false, coherent = false, hyp = false;
  bool asid16 = false, vmid16 = false, cd2l = false, ril = false;
  bool two_level_st = false;
  bool attr_types_ovr = false;  // IDR1.ATTR_TYPES_OVR: STE.SHCFG is implemented (else RES0)
  unsigned sid_bits = 0, ssid_bits = 0, cmdq_log2 = 0, eventq_log2 = 0;
  unsigned oas = 32;
  bool gran4k = false, gran16k = false, gran64k = false;
  // The page sizes a paging domain can use: each supported granule with its block sizes.
  uint64_t pgsize_bitmap() const;
};

enum class DomainKind { kStage1, kStage2, kIdentity, kBlocked };
using DomainHandle = uint32_t;

struct SmmuConfig {
  uint64_t table_base = 0;  // the driver's memory for its structures
  uint64_t table_size = 0;
  bool system_coherent = true;  // false: the walker never snoops, whatever COHACC says
  spec::api::PartialUnmap partial = spec::api::PartialUnmap::kSplit;
  unsigned ias = 48;  // input bits of stage-1 domains (stage 2: min(ias, oas))
  int mutant = 0;     // a deliberately wrong variant (mutant.h): honoured by the mutant build only
};

class Smmu {
 public:
  // Reads the ID registers, sets up the stream table and queues and enables the SMMU. Fails
  // (kNotImplemented) when the device cannot do what the driver needs: AArch64 tables, a granule
  // the driver knows, at least one stage.
  static spec::Result<std::unique_ptr<Smmu>> Probe(spec::Bus& bus, const SmmuConfig& config);
  ~Smmu();

  const Features& features() const { return features_; }
  bool walker_coherent() const { return mem_.coherent(); }

  // A domain into *out. kStage1/kStage2 take `pgsize_bitmap` (the page sizes of one granule; 0:
  // the smallest granule the SMMU supports, with its blocks). ENOMEM when tables or ASIDs/VMIDs
  // ran out, EINVAL when the stage or granule is not supported.
  spec::api::Errno AllocDomain(DomainKind kind, uint64_t pgsize_bitmap, DomainHandle* out);
  // EBUSY while anything is attached to it. Its ASID/VMID is invalidated before reuse.
  spec::api::Errno FreeDomain(DomainHandle d);
  uint64_t DomainPgsizeBitmap(DomainHandle d) const;
  DomainKind KindOf(DomainHandle d) const;

  // The stream's STE points at `d` (blocked streams abort, identity bypasses). A stream with
  // PASIDs attached keeps them: its RID domain goes to CD 0 (S1DSS=SUBSTREAM0), or S1DSS says
  // bypass or terminate. EINVAL for a stage-2 domain while PASIDs are attached.
  spec::api::Errno Attach(uint32_t sid, DomainHandle d);
  // PASID `pasid` (1 .. 2^ssid_bits - 1: PASID 0 is the RID's CD) of the stream uses stage-1
  // domain `d`. EINVAL for PASID 0, a PASID beyond SSIDSIZE, a non-stage-1 domain or a stream
  // attached to a stage-2 domain; EBUSY when the PASID is in use.
  spec::api::Errno AttachPasid(uint32_t sid, uint32_t pasid, DomainHandle d);
  // ENOENT when nothing is attached there.
  spec::api::Errno DetachPasid(uint32_t sid, uint32_t pasid);

  // io-pgtable map_pages/unmap_pages on the domain's tables; unmap invalidates the TLB (and walk
  // caches when tables were freed) and waits for CMD_SYNC before it returns. EINVAL (nothing
  // done) unless pgsize is one of the domain's sizes, iova (and pa) are aligned to it and
  // count > 0.
  PagesDone MapPages(DomainHandle d, uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t count,
                     uint32_t prot);
  PagesDone UnmapPages(DomainHandle d, uint64_t iova, uint64_t pgsize, uint64_t count);
  std::optional<uint64_t> IovaToPhys(DomainHandle d, uint64_t iova);

  // The first error the device reported (a command error, a queue that did not drain), if any;
  // the driver goes on (a failed command is skipped as Linux does) but a caller must look.
  const std::optional<std::string>& device_error() const { return device_error_; }
  // Every command issued so far, in order (for a replayable failure report).
  const std::vector<Command>& command_log() const { return command_log_; }
  uint64_t TableMemoryInUse() const { return mem_.InUse(); }

 private:
  struct Domain;
  struct CdTable;
  struct Stream;
  Smmu(spec::Bus& bus, const SmmuConfig& config, const Features& f);
  spec::Result<bool> Reset();

  // Commands: queued, then PROD written, the device told, CONS checked. Sync waits for them all.
  void Issue(const std::vector<Command>& cmds);
  void IssueSync(std::vector<Command> cmds);
  // The STE of `sid` (level-2 table made on first use); nullopt when out of memory.
  std::optional<uint64_t> SteAddress(uint32_t sid);
  // Writes `target` over the live entry at `pa` in hitless steps, with the invalidation `cfgi`
  // and a sync after each.
  void WriteEntry(EntryKind kind, uint64_t pa, const Entry& target, const Command& cfgi);
  Entry ReadEntry(uint64_t pa);
  // The STE the stream's state asks for.
  Ste SteFor(const Stream& s) const;
  // `s` with the fields this SMMU does not implement left zero (RES0).
  Entry SteWords(Ste s) const;
  Cd CdFor(const Domain& d) const;
  // Makes sure the stream has its CD table (made once, kept); false when out of memory.
  bool EnsureCdTable(Stream& s);
  // The CD of `ssid` in `t` (its leaf made on first use when `make`).
  std::optional<uint64_t> CdAddress(CdTable& t, uint32_t ssid, bool make);
  void RefreshSte(uint32_t sid);
  static bool PagesArgsOk(const Domain& d, uint64_t iova, uint64_t pgsize, uint64_t count);
  void InvalidateDomain(const Domain& d);
  void InvalidateRanges(const Domain& d, const Gather& g);

  spec::Bus& bus_;
  SmmuConfig config_;
  Features features_;
  TableMemory mem_;
  // Stream table.
  uint64_t strtab_ = 0;
  unsigned strtab_split_ = 0;               // 0: linear
  std::map<uint32_t, uint64_t> l2_tables_;  // level-1 index -> level-2 table
  // Command queue.
  uint64_t cmdq_ = 0;
  uint32_t cmdq_prod_ = 0;  // index with the wrap bit above it
  uint64_t eventq_ = 0;
  // Allocators.
  std::set<uint32_t> free_asids_, free_vmids_;
  uint32_t next_asid_ = 1, next_vmid_ = 1;
  std::map<DomainHandle, std::unique_ptr<Domain>> domains_;
  DomainHandle next_domain_ = 1;
  std::map<uint32_t, Stream> streams_;
  std::optional<std::string> device_error_;
  std::vector<Command> command_log_;
};

SMMUREF_DRIVER_BUILD_END
}  // namespace smmuref::impl::driver
