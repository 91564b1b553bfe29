// Linearizability of concurrent IOMMU API histories against the sequential API model (issue 13
// item 6). Threads call an implementation (impl::api::ConcurrentSystem) and record each call with
// the logical times at which it was invoked and returned; Check() then searches for one order of
// all calls that (a) keeps every call that returned before another was invoked ahead of it and
// (b) gives, replayed on the model from the same start, exactly the outcome each call saw. A call
// whose result the API leaves open (which PASID an allocation or a bind returns) is replayed
// with the implementation's choice proposed to the model, which must accept it (R-API-007), as
// the lockstep device does for one thread (api_device.h).
//
// The search is Wing and Gong's: at each step only the calls invoked before the earliest pending
// return may go next, tried earliest-returned first, which is the order a correct lock-based
// implementation almost always ran them in, so a correct history costs about one model step per
// call. A history with no such order is searched exhaustively (up to a node budget; past it the
// verdict is "undecided", never "linearizable").
// Tests: tests/concurrency/linearize_test.cc (planted histories), api_stress_test.cc (threads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smmuref/model/api/system.h"
#include "smmuref/spec/api.h"

namespace smmuref::conform::linearize {

namespace sa = spec::api;

// The operations a concurrent history may hold (the ones a stress test needs: PASIDs, SVA, PASID
// attach, map/unmap and the queries that observe them).
enum class CallKind {
  kAllocPasid,      // dev
  kFreePasid,       // pasid
  kAttachPasid,     // dom dev pasid
  kDetachPasid,     // dom dev pasid
  kDomainForPasid,  // dev pasid
  kSvaInit,         // dev (features 0, min 0, max 0: the device's whole range)
  kSvaShutdown,     // dev
  kSvaBind,         // dev mm
  kSvaUnbind,       // handle
  kMmExit,          // mm
  kMmPasid,         // mm
  kMap,             // dom iova pa size prot
  kUnmap,           // dom iova size
  kIovaToPhys,      // dom iova
};

// "alloc_pasid", "sva_bind", ...
const char* CallKindName(CallKind k);

struct Call {
  CallKind kind = CallKind::kAllocPasid;
  uint32_t dev = 0, dom = 0, pasid = 0, handle = 0;
  uint64_t mm = 0, iova = 0, pa = 0, size = 0;
  uint32_t prot = 0;
  std::string Text() const;
};

// What a call returned: its errno and its values (a PASID; a handle and a PASID; bytes unmapped
// and the why of a 0; a physical address; a domain id).
struct Outcome {
  sa::Errno err = sa::Errno::kOk;
  uint64_t value = 0, value2 = 0;
  bool operator==(const Outcome&) const = default;
  std::string Text() const;
};

// Runs `c` on any system with the API's operations and signatures (model::api::System,
// impl::api::System, impl::api::ConcurrentSystem). With `seen` (what the implementation
// returned) a successful allocation or bind proposes the PASID it got.
template <typename S>
Outcome Invoke(S& s, const Call& c, const Outcome* seen = nullptr) {
  auto choice = [&]() -> std::optional<uint32_t> {
    if (seen == nullptr || seen->err != sa::Errno::kOk) return std::nullopt;
    return static_cast<uint32_t>(c.kind == CallKind::kSvaBind ? seen->value2 : seen->value);
  };
  auto of = [](sa::Errno e) { return Outcome{e}; };
  switch (c.kind) {
    case CallKind::kAllocPasid: {
      const auto r = s.AllocGlobalPasid(c.dev, choice());
      return {r.err, r.ok() ? r.value : 0};
    }
    case CallKind::kFreePasid:
      return of(s.FreeGlobalPasid(c.pasid));
    case CallKind::kAttachPasid:
      return of(s.AttachDevicePasid(c.dom, c.dev, c.pasid));
    case CallKind::kDetachPasid:
      return of(s.DetachDevicePasid(c.dom, c.dev, c.pasid));
    case CallKind::kDomainForPasid: {
      const auto r = s.DomainForPasid(c.dev, c.pasid);
      return {r.err, r.ok() ? r.value : 0};
    }
    case CallKind::kSvaInit:
      return of(s.SvaDeviceInit(c.dev, 0, 0, 0));
    case CallKind::kSvaShutdown:
      return of(s.SvaDeviceShutdown(c.dev));
    case CallKind::kSvaBind: {
      const auto r = s.SvaBind(c.dev, c.mm, choice());
      return r.ok() ? Outcome{r.err, r.value.handle, r.value.pasid} : Outcome{r.err};
    }
    case CallKind::kSvaUnbind:
      return of(s.SvaUnbind(c.handle));
    case CallKind::kMmExit:
      return of(s.MmExit(c.mm));
    case CallKind::kMmPasid: {
      const auto r = s.MmPasid(c.mm);
      return {r.err, r.ok() ? r.value : 0};
    }
    case CallKind::kMap:
      return of(s.Map(c.dom, c.iova, c.pa, c.size, c.prot));
    case CallKind::kUnmap: {
      sa::Errno why = sa::Errno::kOk;
      const auto r = s.Unmap(c.dom, c.iova, c.size, &why);
      return {r.err, r.value, static_cast<uint64_t>(static_cast<int>(why))};
    }
    case CallKind::kIovaToPhys:
      return {sa::Errno::kOk, s.IovaToPhys(c.dom, c.iova)};
  }
  return of(sa::Errno::kEINVAL);
}

// One call of a history: the thread that made it, what it returned, and the logical times (one
// counter for the whole history, read before the call and after it returned).
struct Event {
  int thread = 0;
  Call call;
  Outcome outcome;
  uint64_t invoked = 0, returned = 0;
};

struct Verdict {
  enum class Kind { kLinearizable, kNotLinearizable, kUndecided };
  Kind kind = Kind::kUndecided;
  std::vector<size_t> order;  // linearizable: the order found (indices into the history)
  size_t nodes = 0;           // search steps taken
  // Not linearizable or undecided: the longest prefix order found and, after it, each call
  // that could have gone next with the outcome the model gives it.
  std::string explanation;
};

// `start` is the model in the state the implementation had when the history began.
Verdict Check(const model::api::System& start, const std::vector<Event>& history,
              size_t max_nodes = 1'000'000);

// The history, one call a line in invocation order: "t1 [3,8] alloc_pasid dev=2 -> 0 1".
std::string ShowHistory(const std::vector<Event>& history);

}  // namespace smmuref::conform::linearize
