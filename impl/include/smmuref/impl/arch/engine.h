// The optimized SMMUv3 engine: one SMMU with its own memory, registers, command-queue consumer,
// event-queue producer and caches (decoded configuration, IOTLB, walk cache), translating each
// client transaction into ONE outcome [IHI0070 §3 (operation), §4 (commands), §5 (structures),
// §6 (registers), §7 (events)]. Same public operations as model::arch::Smmu; the model says
// which outcomes are allowed, this engine picks one quickly.
// Tests: tests/impl/arch/*_test.cc, corpus/vectors/** (ctest vectors/impl/*)
#pragma once

#include <cstdint>

#include "smmuref/impl/arch/config_cache.h"
#include "smmuref/impl/arch/memory.h"
#include "smmuref/impl/arch/mutant.h"
#include "smmuref/impl/arch/regs.h"
#include "smmuref/impl/arch/tlb.h"
#include "smmuref/spec/observation.h"
#include "smmuref/spec/profile.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN

class Engine {
 public:
  // Cache geometry: entries are rounded up to a power-of-two number of sets of `*_ways` ways;
  // replacement is round-robin within a set.
  struct Options {
    size_t ste_entries = 1024, ste_ways = 2;
    size_t cd_entries = 1024, cd_ways = 4;
    size_t tlb_entries = 4096, tlb_ways = 4;
    size_t walk_entries = 1024, walk_ways = 4;
    size_t micro_entries = 256;  // 0 disables the front cache
    int mutant = 0;              // a deliberately wrong variant (mutant.h); 0 = none
  };
  // Counters for tests and benchmarks (not observations).
  struct Stats {
    uint64_t ste_hits = 0, ste_misses = 0, cd_hits = 0, cd_misses = 0;
    uint64_t micro_hits = 0, tlb_hits = 0, tlb_misses = 0, walk_hits = 0, descriptor_reads = 0;
  };

  explicit Engine(const spec::Profile& p) : Engine(p, Options{}) {}
  Engine(const spec::Profile& p, const Options& o);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const spec::Profile& profile() const { return profile_; }

  // CPU view of memory; SMMU accesses inside an abort range fail (R-MEM-002).
  void MemWrite64(uint64_t pa, uint64_t value) { mem_.Write64(pa, value); }
  uint64_t MemRead64(uint64_t pa) const { return mem_.Peek64(pa); }
  void AddAbortRange(uint64_t pa, uint64_t len) { mem_.AddAbortRange(pa, len); }
  // Every memory access through someone else's callbacks (the DUT ABI's harness memory).
  void UseExternalMemory(const PhysMemory::External& e) { mem_.UseExternal(e); }

  // Register accesses (R-REG-*).
  uint64_t ReadReg(spec::Reg r) const { return regs_.Read(r); }
  void WriteReg(spec::Reg r, uint64_t v) { regs_.Write(r, v); }
  void WriteReg32(spec::Reg r, bool high, uint32_t v) { regs_.Write32(r, high, v); }

  // Consumes commands until the queue is empty, disabled, or stops on an error (R-CMDQ-*),
  // applying CFGI/TLBI as they are consumed.
  void ProcessCommands();

  // Translates one transaction; may fill caches.
  spec::TxnOutcome Translate(const spec::Txn& txn);

  // Writes the outcome's event record, if any, to the event queue (R-EVTQ-*).
  void Commit(const spec::TxnOutcome& o) {
    if (o.event) RecordEvent(*o.event);
  }
  void RecordEvent(const spec::EventRecord& e);

  const Stats& stats() const { return stats_; }
  const ConfigCache& config_cache() const { return cfg_; }
  const Iotlb& iotlb() const { return tlb_; }
  const WalkCache& walk_cache() const { return walks_; }

  // A fault found on the translation path (translate.cc, walk.cc).
  struct Fault {
    spec::EventType type = spec::EventType::F_TRANSLATION;
    bool s2 = false;
    bool ttrnw = false;
    bool silent = false;  // abort without an event
    spec::FaultClass cls = spec::FaultClass::IN;
    uint64_t ipa = 0;
    uint64_t fetch_addr = 0;
    const char* rule = "";
  };
  // The effective access after STE overrides.
  struct Access {
    bool write = false, instr = false, priv = false;
  };

 private:
  // translate.cc
  spec::TxnOutcome TranslateEnabled(const spec::Txn& txn);
  spec::TxnOutcome TranslateStage1(const spec::Txn& txn, const SteConfig& ste, Access acc,
                                   uint32_t cd_index);
  spec::TxnOutcome Stage1Bypass(const spec::Txn& txn, const SteConfig& ste, Access acc);
  spec::TxnOutcome CheckEntry(const spec::Txn& txn, const SteConfig& ste, const CdConfig* cd,
                              Access acc, const TlbEntry& e);
  bool LocateSte(uint32_t sid, uint64_t* ste_pa, Fault* fault);
  const SteConfig* FindSte(uint32_t sid, Fault* fault);
  const CdConfig* FindCd(uint32_t sid, const SteConfig& ste, uint32_t index, Fault* fault);
  bool FetchCdStructure(const SteConfig& ste, uint64_t addr, unsigned dwords, uint64_t* out,
                        Fault* fault);
  // walk.cc
  bool WalkS1(const SteConfig& ste, const CdConfig& cd, unsigned half, uint64_t va,
              TlbEntry* leaf, Fault* fault);
  bool ResolveS2(const SteConfig& ste, uint64_t ipa, spec::FaultClass cls, TlbEntry* leaf,
                 Fault* fault);
  bool WalkS2(const SteConfig& ste, uint64_t ipa, spec::FaultClass cls, TlbEntry* leaf,
              Fault* fault);
  bool TranslateTableAccess(const SteConfig& ste, uint64_t ipa, spec::FaultClass cls,
                            uint64_t* pa, Fault* fault);
  // cmdq.cc
  unsigned CheckCommand(const uint64_t cmd[2]) const;
  void ExecuteCommand(const uint64_t cmd[2]);
  void Invalidate(const Scope& tlb_scope, const Scope& walk_scope);
  void CfgiSte(uint32_t sid, bool leaf);
  void CfgiCd(uint32_t sid, uint32_t ssid, bool leaf);

  spec::Profile profile_;
  int mutant_ = 0;  // Options::mutant, read by SMMUREF_MUTANT (mutant.h)
  PhysMemory mem_;
  RegisterFile regs_;
  ConfigCache cfg_;
  Iotlb tlb_;
  WalkCache walks_;
  MicroTlb micro_;
  Stats stats_;
};

SMMUREF_ENGINE_BUILD_END
}  // namespace smmuref::impl::arch
