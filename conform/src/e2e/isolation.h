// The end-to-end isolation check [issue 13, item 4]: the SMMUv3 driver (impl/driver/smmu.h)
// programs a model device through the bus, and after every driver operation every outcome the
// model allows for a transaction must agree with what the driver was asked to set up:
//   - a stream (or PASID) attached to a paging domain completes only at the address the domain
//     maps, with the permissions it was mapped with, and nothing else completes;
//   - an identity domain completes at the input address; blocked, detached, unattached streams
//     and PASIDs, PASID 0 and SubstreamIDs on an SMMU without them never complete.
// The expectation is the test's own record of what the driver reported (bytes mapped and
// unmapped, attach results); the model's caching-as-allowed-sets semantics makes a missing or
// early invalidation, a missing clean or a torn entry show up as an allowed outcome that
// disagrees. A violation carries a replayable vector: the driver's writes through the bus, the
// transaction and the expectation (`smmuref vectors run --strict FILE` shows the outcome the
// model allowed and the expectation rejects).
// Tests: tests/e2e/driver_e2e_test.cc, tests/e2e/driver_mutants_test.cc
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "recording_bus.h"
#include "smmuref/conform/device.h"
#include "smmuref/conform/driver_e2e.h"
#include "smmuref/impl/driver/smmu.h"
#include "smmuref/spec/api.h"
#include "smmuref/spec/profile.h"

namespace smmuref::conform::e2e {
SMMUREF_DRIVER_BUILD_BEGIN

using impl::driver::DomainHandle;
using impl::driver::DomainKind;

// The driver's memory for its own structures, and where mapped pages point.
inline constexpr uint64_t kTableBase = 0x4000'0000, kTableSize = 0x0400'0000;  // 64 MB
inline constexpr uint64_t kPaBase = 0x1'0000'0000;

struct InstanceSpec {
  std::string name;     // for messages
  std::string profile;  // built-in name
  std::vector<std::string> overrides;
  std::vector<uint32_t> sids;
  int mutant = 0;  // a driver mutant (impl/include/smmuref/impl/driver/mutant.h), 0 = none
};

// What a domain was told to hold.
struct Chunk {
  uint64_t pa = 0, size = 0, pgsize = 0;
  uint32_t prot = 0;
};
struct DomainState {
  DomainKind kind = DomainKind::kBlocked;
  uint64_t pgsizes = 0;
  std::map<uint64_t, Chunk> chunks;  // by IOVA
};
struct StreamState {
  std::optional<DomainHandle> rid;
  std::map<uint32_t, DomainHandle> pasids;
};

// What the driver's state demands of one transaction.
struct Expected {
  bool completes = false;
  uint64_t pa = 0;
  std::string why;  // "domain 3 maps 0x1000 -> 0x1_0000_1000 (RW)", "PASID 5 not attached"
};

// An interposer between the driver and the device, for tests that show the check bites: it can
// turn the driver's TLB invalidations into CMD_SYNC or drop its cleans (a driver that forgets
// them), without touching the driver.
class FaultyBus : public spec::Bus {
 public:
  explicit FaultyBus(spec::Bus& next) : next_(next) {}
  bool drop_tlbi = false, drop_clean = false;
  void MemWrite64(uint64_t pa, uint64_t value) override;
  uint64_t MemRead64(uint64_t pa) override { return next_.MemRead64(pa); }
  void MemClean(uint64_t pa, uint64_t len) override {
    if (!drop_clean) next_.MemClean(pa, len);
  }
  uint64_t RegRead(spec::Reg r) override { return next_.RegRead(r); }
  void RegWrite(spec::Reg r, uint64_t value) override;
  void RegWrite32(spec::Reg r, bool high, uint32_t value) override {
    next_.RegWrite32(r, high, value);
  }
  void ProcessCommands() override { next_.ProcessCommands(); }

 private:
  spec::Bus& next_;
  uint64_t cmdq_base_ = 0, cmdq_bytes_ = 0;
  bool replacing_dw1_ = false;
};

class Instance {
 public:
  explicit Instance(const InstanceSpec& spec);
  const InstanceSpec& spec() const { return spec_; }
  impl::driver::Smmu& smmu() { return *smmu_; }
  FaultyBus& faulty() { return *faulty_; }
  bool ok() const { return smmu_ != nullptr; }
  const std::string& setup_error() const { return setup_error_; }

  // Driver operations with the test's record kept in step; each returns the driver's errno.
  spec::api::Errno AllocDomain(DomainKind kind, uint64_t pgsizes, DomainHandle* out);
  spec::api::Errno FreeDomain(DomainHandle d);
  spec::api::Errno Attach(uint32_t sid, DomainHandle d);
  spec::api::Errno AttachPasid(uint32_t sid, uint32_t pasid, DomainHandle d);
  spec::api::Errno DetachPasid(uint32_t sid, uint32_t pasid);
  impl::driver::PagesDone Map(DomainHandle d, uint64_t iova, uint64_t pa, uint64_t pgsize,
                              uint64_t count, uint32_t prot);
  impl::driver::PagesDone Unmap(DomainHandle d, uint64_t iova, uint64_t pgsize, uint64_t count);

  // Checks every (stream, PASID) context at the addresses that matter now: each chunk's edges
  // and the bytes beyond them, what the last operation unmapped or detached, and `randoms`
  // random addresses. Returns the violations (empty: isolated), each with its vector.
  std::vector<std::string> Check(std::mt19937_64& rng, int randoms = 3);
  // One transaction against the expectation; a violation's text, or empty.
  std::string CheckOne(uint32_t sid, std::optional<uint32_t> ssid, uint64_t addr, char access);
  Expected Expect(uint32_t sid, std::optional<uint32_t> ssid, uint64_t addr, char access) const;

  const std::map<DomainHandle, DomainState>& domains() const { return domains_; }
  const std::map<uint32_t, StreamState>& streams() const { return streams_; }
  // Addresses some domain of this SMMU mapped (see seen_).
  const std::vector<uint64_t>& seen() const { return seen_; }
  uint64_t transactions() const { return transactions_; }
  // Driver calls that succeeded, by operation ("map", "attach_pasid", ...): what a program reached.
  const std::map<std::string, uint64_t>& succeeded() const { return succeeded_; }
  // A comment line in the vector, naming the operation that follows.
  void Note(const std::string& what) { recording_->Add("# " + what); }

 private:
  InstanceSpec spec_;
  std::unique_ptr<conform::Device> device_;
  std::unique_ptr<RecordingBus> recording_;
  std::unique_ptr<FaultyBus> faulty_;
  std::unique_ptr<impl::driver::Smmu> smmu_;
  std::string setup_error_;
  std::map<DomainHandle, DomainState> domains_;
  std::map<uint32_t, StreamState> streams_;
  // Ranges the last operation took away from a context (unmapped, or a domain detached), to
  // probe for stale translations.
  std::vector<std::pair<uint64_t, uint64_t>> recently_gone_;
  // Addresses any domain of this SMMU ever mapped (a ring of the last kSeen): probed in every
  // context, so a stream reaching another domain's pages (a shared or reused ASID/VMID, a
  // freed table) shows up even when its own domain never mapped there.
  static constexpr size_t kSeen = 64;
  std::vector<uint64_t> seen_;
  size_t seen_next_ = 0;
  uint64_t transactions_ = 0;
  std::map<std::string, uint64_t> succeeded_;
  // Violations found outside a transaction (the driver freed a domain still in use).
  std::vector<std::string> violations_;
};

// A random program of driver operations on `inst`, checked after every one; returns the first
// violations (empty when the program ran clean). `ops` operations from `seed`.
std::vector<std::string> RunProgram(Instance& inst, uint64_t seed, int ops);

// The two SMMUs of the phase: `full` (both stages, 20-bit SubstreamIDs, 2-level tables, every
// granule, coherent) and `s1only-nossid` with only the 16KB and 64KB granules and a walker that
// does not snoop; `mutant` picks a driver mutant (0: none).
InstanceSpec FullInstance(int mutant = 0);
InstanceSpec NonCoherentInstance(int mutant = 0);

// The phase in this build of the driver (conform/include/smmuref/conform/driver_e2e.h).
DriverE2eReport RunPhase(const DriverE2eOptions& o);

#if SMMUREF_DRIVER_MUTANTS
// The driver mutants of this (mutant) build, by id.
std::vector<std::pair<int, std::string>> MutantList();
#endif

SMMUREF_DRIVER_BUILD_END
}  // namespace smmuref::conform::e2e
