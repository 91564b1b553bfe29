// One SMMU as the reference model: memory, registers, the command queue consumer, the event
// queue producer, and translation of client transactions into *sets* of allowed outcomes.
// Tests: tests/model/arch/smmu_test.cc and every vector in corpus/vectors/.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "smmuref/model/arch/cache.h"
#include "smmuref/model/arch/memory.h"
#include "smmuref/model/arch/regs.h"
#include "smmuref/spec/error.h"
#include "smmuref/spec/observation.h"
#include "smmuref/spec/profile.h"

namespace smmuref::model::arch {

class Smmu {
 public:
  explicit Smmu(const spec::Profile& p);
  Smmu(const Smmu&) = delete;
  Smmu& operator=(const Smmu&) = delete;

  const spec::Profile& profile() const { return profile_; }
  Memory& memory() { return mem_; }
  const Memory& memory() const { return mem_; }
  const CacheState& cache() const { return cache_; }
  // Later memory stores are attributed to this vector line (for provenance in reports).
  void SetLine(int line) { mem_.SetLine(line); }
  Registers& regs() { return regs_; }
  const Registers& regs() const { return regs_; }

  // CPU-side register accesses (R-REG-*); writes may trigger SMMU actions.
  uint64_t ReadReg(spec::Reg r) const { return regs_.Read(r); }
  // The bits of a read of `r` that are not compared: RES0 and IMPLEMENTATION DEFINED bits
  // (spec::RegDefinedMask) and bits whose value is UNKNOWN now (Registers::UnknownMask).
  uint64_t RegUnknownMask(spec::Reg r) const;
  void WriteReg(spec::Reg r, uint64_t v);
  void WriteReg32(spec::Reg r, bool high, uint32_t v);

  // Consumes commands until the queue is empty, disabled, or stops on an error (R-CMDQ-*).
  void ProcessCommands();

  // Every outcome the architecture allows for `txn` in the current state (R-CACHE-*), without
  // duplicates; the first is the outcome on current memory. Pure: no state changes. An error
  // when the set would need more than AllowedSetFetcher::kMaxRuns walks (R-CACHE-009).
  spec::Result<std::vector<spec::TxnOutcome>> Translate(const spec::Txn& txn) const;

  // Adopts one allowed outcome: writes its event record to the event queue if there is one
  // (R-EVTQ-*). `o` must be an element of Translate(txn).
  void Commit(const spec::TxnOutcome& o);

 private:
  void AfterRegWrite(spec::Reg r);
  spec::Profile profile_;
  Memory mem_;
  Registers regs_;
  CacheState cache_;
  std::optional<spec::EventRecord> last_record_;  // the last record written (C-EVT-006)
};

}  // namespace smmuref::model::arch
