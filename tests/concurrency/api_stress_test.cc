// Threads on one fast IOMMU core (impl::api::ConcurrentSystem) doing PASID allocation and free,
// SVA init/shutdown, bind, unbind and mm exit, PASID attach and detach, map, unmap and the
// queries that observe them, all on the same few devices, domains, PASIDs and address spaces so
// that calls contend; every round's history must be linearizable against the sequential API
// model (conform/include/smmuref/conform/linearize.h). Two knob sets: today's API, and the 2018
// RFC's iommu_sva_device_init with PASIDs freed at the last unbind (seed 001's race: set-up and
// bind interleaving). The tsan preset runs this file under ThreadSanitizer in CI, which also
// reports any data race in the core's locking.
//
// A failure prints the round's history (thread, [invoked, returned] logical times, call,
// outcome) and the longest order found, and writes them to concurrency_failure.txt.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "smmuref/conform/linearize.h"
#include "smmuref/impl/api/concurrent.h"

namespace smmuref::conform::linearize {
namespace {

constexpr int kThreads = 4;
constexpr int kCallsPerThread = 24;
constexpr int kRounds = 120;

struct Ids {
  std::array<uint32_t, 3> devs{};
  std::array<uint32_t, 2> doms{};
};

// The same system on the implementation and on the model: knobs, one instance that can do SVA
// and I/O page faults with 4 PASID bits (PASIDs 1..15, so allocations run out), three devices in
// their own groups, two paging domains.
template <typename S>
Ids MakeSystem(S& s, bool rfc2018) {
  sa::Knobs k;
  if (rfc2018) {
    k.sva_init = sa::SvaInit::kRfc2018;
    k.pasid_lifetime = sa::PasidLifetime::kLastUnbind;
  }
  EXPECT_EQ(s.SetKnobs(k), sa::Errno::kOk);
  sa::InstanceCaps caps;
  caps.pasid_bits = 4;
  caps.sva = caps.iopf = true;
  const uint32_t inst = s.RegisterInstance(caps).value;
  Ids ids;
  for (uint32_t i = 0; i < ids.devs.size(); ++i) {
    sa::DeviceDesc d;
    d.instance = inst;
    d.sids = {i + 1};
    d.pasid_bits = 4;
    ids.devs[i] = s.ProbeDevice(d).value;
  }
  for (uint32_t i = 0; i < ids.doms.size(); ++i) {
    ids.doms[i] = s.AllocPagingDomain(ids.devs[i]).value;
  }
  return ids;
}

// One thread's calls: drawn as it goes, so that it can free, attach and unbind what it got.
class Caller {
 public:
  Caller(const Ids& ids, uint32_t seed) : ids_(ids), rng_(seed) {}

  Call Next() {
    Call c;
    c.dev = Pick(ids_.devs);
    c.dom = Pick(ids_.doms);
    c.mm = 1 + Below(3);
    c.pasid = !pasids_.empty() && Below(4) != 0 ? pasids_[Below(pasids_.size())] : Below(17);
    c.handle =
        !handles_.empty() && Below(4) != 0 ? handles_[Below(handles_.size())] : 1 + Below(40);
    const uint64_t slot = Below(4) * 0x200000;
    const bool block = Below(4) == 0;
    c.size = block ? 0x200000 : 0x1000;
    c.iova = slot + (block ? 0 : Below(2) * 0x1000);
    c.pa = 0x80000000 + (block ? Below(8) * 0x200000 : Below(4096) * 0x1000);
    c.prot = sa::kProtRead | (Below(2) != 0 ? sa::kProtWrite : 0);
    static constexpr std::array<std::pair<CallKind, int>, 14> kMix{{
        {CallKind::kAllocPasid, 4},
        {CallKind::kFreePasid, 3},
        {CallKind::kAttachPasid, 3},
        {CallKind::kDetachPasid, 2},
        {CallKind::kDomainForPasid, 1},
        {CallKind::kSvaInit, 1},
        {CallKind::kSvaShutdown, 1},
        {CallKind::kSvaBind, 4},
        {CallKind::kSvaUnbind, 3},
        {CallKind::kMmExit, 1},
        {CallKind::kMmPasid, 1},
        {CallKind::kMap, 3},
        {CallKind::kUnmap, 2},
        {CallKind::kIovaToPhys, 2},
    }};
    int total = 0;
    for (const auto& [kind, weight] : kMix) total += weight;
    int r = static_cast<int>(Below(total));
    for (const auto& [kind, weight] : kMix) {
      if (r < weight) {
        c.kind = kind;
        break;
      }
      r -= weight;
    }
    return c;
  }

  void Saw(const Call& c, const Outcome& o) {
    if (o.err != sa::Errno::kOk) return;
    if (c.kind == CallKind::kAllocPasid) pasids_.push_back(static_cast<uint32_t>(o.value));
    if (c.kind == CallKind::kSvaBind) handles_.push_back(static_cast<uint32_t>(o.value));
  }

 private:
  uint64_t Below(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }
  template <size_t N>
  uint32_t Pick(const std::array<uint32_t, N>& a) {
    return a[Below(N)];
  }

  Ids ids_;
  std::mt19937_64 rng_;
  std::vector<uint32_t> pasids_, handles_;
};

struct Totals {
  size_t calls = 0, overlapping = 0, nodes = 0;
  std::map<CallKind, size_t> ok;
};

// One round: a fresh system, kThreads threads released together, then the check.
void Round(bool rfc2018, uint32_t round, Totals& totals) {
  impl::api::ConcurrentSystem impl;
  model::api::System model;
  const Ids ids = MakeSystem(impl, rfc2018);
  ASSERT_EQ(MakeSystem(model, rfc2018).doms, ids.doms);

  std::atomic<uint64_t> clock{0};
  std::atomic<int> ready{0};
  std::vector<std::vector<Event>> per_thread(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Caller caller(ids, round * kThreads + static_cast<uint32_t>(t) + (rfc2018 ? 1u << 20 : 0));
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      for (int i = 0; i < kCallsPerThread; ++i) {
        Event e;
        e.thread = t;
        e.call = caller.Next();
        e.invoked = clock.fetch_add(1);
        e.outcome = Invoke(impl, e.call);
        e.returned = clock.fetch_add(1);
        caller.Saw(e.call, e.outcome);
        per_thread[t].push_back(e);
      }
    });
  }
  for (auto& th : threads) th.join();

  std::vector<Event> history;
  for (const auto& calls : per_thread) history.insert(history.end(), calls.begin(), calls.end());
  for (const Event& e : history) {
    if (e.outcome.err == sa::Errno::kOk) ++totals.ok[e.call.kind];
  }
  for (size_t i = 0; i < history.size(); ++i) {
    for (size_t j = i + 1; j < history.size(); ++j) {
      if (history[i].invoked < history[j].returned && history[j].invoked < history[i].returned) {
        ++totals.overlapping;
      }
    }
  }
  totals.calls += history.size();

  const Verdict v = Check(model, history);
  totals.nodes += v.nodes;
  if (v.kind != Verdict::Kind::kLinearizable) {
    const std::string report =
        std::string(rfc2018 ? "rfc2018" : "modern") + " round " + std::to_string(round) + ": " +
        (v.kind == Verdict::Kind::kUndecided ? "undecided" : "NOT LINEARIZABLE") + "\n" +
        v.explanation + "history:\n" + ShowHistory(history);
    std::ofstream("concurrency_failure.txt") << report;
    FAIL() << report << "(also in concurrency_failure.txt)";
  }
}

void Stress(bool rfc2018) {
  Totals totals;
  for (uint32_t r = 0; r < kRounds; ++r) {
    Round(rfc2018, r, totals);
    if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) return;
  }
  // The rounds did what they are for: calls overlapped in time, and every kind of state change
  // succeeded somewhere (a mix that only ever failed would check nothing).
  EXPECT_GT(totals.overlapping, 0u);
  for (CallKind k :
       {CallKind::kAllocPasid, CallKind::kFreePasid, CallKind::kAttachPasid, CallKind::kDetachPasid,
        CallKind::kSvaBind, CallKind::kSvaUnbind, CallKind::kMap, CallKind::kUnmap}) {
    EXPECT_GT(totals.ok[k], 0u) << "no successful " << CallKindName(k);
  }
  if (rfc2018) {
    EXPECT_GT(totals.ok[CallKind::kSvaInit], 0u);
    EXPECT_GT(totals.ok[CallKind::kSvaShutdown], 0u);
  }
  std::printf("%zu calls in %d rounds, %zu overlapping pairs, %zu search steps; succeeded:",
              totals.calls, kRounds, totals.overlapping, totals.nodes);
  for (const auto& [kind, n] : totals.ok) std::printf(" %s %zu", CallKindName(kind), n);
  std::printf("\n");
}

TEST(ApiStress, HistoriesAreLinearizable) { Stress(false); }
TEST(ApiStress, HistoriesAreLinearizableUnderTheRfc2018SvaInit) { Stress(true); }

}  // namespace
}  // namespace smmuref::conform::linearize
