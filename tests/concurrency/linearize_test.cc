// The linearizability check (conform/include/smmuref/conform/linearize.h) on planted histories:
// it accepts a history whose outcomes fit an order that respects real time, and rejects one
// whose outcomes fit only an order that does not, or no order at all; a race like seed 001's
// (check, then act, in two steps) run on real threads is caught.
#include "smmuref/conform/linearize.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <thread>

#include "smmuref/impl/api/concurrent.h"

namespace smmuref::conform::linearize {
namespace {

using Kind = Verdict::Kind;

// One instance with 4 PASID bits, one device with 4 PASID bits: PASIDs 1..15.
template <typename S>
uint32_t OneDevice(S& s) {
  sa::InstanceCaps caps;
  caps.pasid_bits = 4;
  const uint32_t inst = s.RegisterInstance(caps).value;
  sa::DeviceDesc d;
  d.instance = inst;
  d.sids = {1};
  d.pasid_bits = 4;
  return s.ProbeDevice(d).value;
}

Event Alloc(int thread, uint32_t dev, uint32_t got, uint64_t invoked, uint64_t returned) {
  Event e{thread, {CallKind::kAllocPasid}, {sa::Errno::kOk, got}, invoked, returned};
  e.call.dev = dev;
  return e;
}
Event Free(int thread, uint32_t pasid, uint64_t invoked, uint64_t returned) {
  Event e{thread, {CallKind::kFreePasid}, {sa::Errno::kOk}, invoked, returned};
  e.call.pasid = pasid;
  return e;
}

TEST(Linearize, TwoAllocationsOfOnePasidInSequenceAreRejected) {
  model::api::System m;
  const uint32_t dev = OneDevice(m);
  const Verdict v = Check(m, {Alloc(0, dev, 1, 0, 1), Alloc(1, dev, 1, 2, 3)});
  EXPECT_EQ(v.kind, Kind::kNotLinearizable);
  EXPECT_NE(v.explanation.find("returned 0 0x1, the model gives BADCHOICE"), std::string::npos)
      << v.explanation;
}

TEST(Linearize, AFreeOverlappingBothAllocationsFitsBetweenThem) {
  model::api::System m;
  const uint32_t dev = OneDevice(m);
  const Verdict v = Check(m, {Alloc(0, dev, 1, 0, 2), Free(2, 1, 1, 5), Alloc(1, dev, 1, 3, 4)});
  ASSERT_EQ(v.kind, Kind::kLinearizable) << v.explanation;
  EXPECT_EQ(v.order, (std::vector<size_t>{0, 1, 2}));
}

TEST(Linearize, AFreeThatReturnedBeforeTheAllocationWasInvokedCannotGoAfterIt) {
  model::api::System m;
  const uint32_t dev = OneDevice(m);
  // The free succeeded, so it must follow an allocation of PASID 1; but it returned (at 1)
  // before either allocation was invoked.
  const Verdict v = Check(m, {Free(2, 1, 0, 1), Alloc(0, dev, 1, 2, 4), Alloc(1, dev, 1, 3, 5)});
  EXPECT_EQ(v.kind, Kind::kNotLinearizable) << v.explanation;
}

TEST(Linearize, OverlappingCallsMayGoInEitherOrder) {
  model::api::System m;
  const uint32_t dev = OneDevice(m);
  // The second call returned first and got 1; the first got 2: only "second, then first" fits
  // a lowest-free allocator, and the model allows any free PASID either way.
  const Verdict v = Check(m, {Alloc(0, dev, 2, 0, 3), Alloc(1, dev, 1, 1, 2)});
  EXPECT_EQ(v.kind, Kind::kLinearizable) << v.explanation;
}

TEST(Linearize, AnUnfinishedSearchIsUndecidedNeverLinearizable) {
  model::api::System m;
  const uint32_t dev = OneDevice(m);
  const Verdict v = Check(m, {Alloc(0, dev, 1, 0, 1), Alloc(1, dev, 2, 2, 3)}, 1);
  EXPECT_EQ(v.kind, Kind::kUndecided);
  EXPECT_NE(v.explanation.find("undecided"), std::string::npos);
}

TEST(Linearize, AnErrorTheModelDoesNotGiveIsRejected) {
  model::api::System m;
  const uint32_t dev = OneDevice(m);
  Event e = Alloc(0, dev, 0, 0, 1);
  e.outcome = {sa::Errno::kENOSPC};
  EXPECT_EQ(Check(m, {e}).kind, Kind::kNotLinearizable);
}

// A PASID allocator that finds the lowest free PASID under the lock and takes it under the lock
// again, without checking that it is still free in between: both steps are atomic, the whole is
// not. Two threads that both look before either takes get the same PASID.
class CheckThenTake {
 public:
  explicit CheckThenTake(impl::api::ConcurrentSystem& s) : s_(s) {}
  template <typename Between>
  sa::Ret<uint32_t> Alloc(uint32_t dev, Between between) {
    uint32_t p = 1;
    while (s_.PasidAllocated(p)) ++p;
    between();
    s_.AllocGlobalPasid(dev, p);  // BADCHOICE when someone took it meanwhile: ignored
    return {sa::Errno::kOk, p};
  }

 private:
  impl::api::ConcurrentSystem& s_;
};

TEST(Linearize, ACheckThenTakeRaceOnRealThreadsIsCaught) {
  impl::api::ConcurrentSystem impl;
  model::api::System m;
  const uint32_t dev = OneDevice(impl);
  ASSERT_EQ(OneDevice(m), dev);
  CheckThenTake racy(impl);
  std::atomic<uint64_t> clock{0};
  std::barrier both_looked(2);
  std::vector<Event> history(2);
  auto run = [&](int t) {
    Event& e = history[t];
    e.thread = t;
    e.call.kind = CallKind::kAllocPasid;
    e.call.dev = dev;
    e.invoked = clock.fetch_add(1);
    const auto r = racy.Alloc(dev, [&] { both_looked.arrive_and_wait(); });
    e.returned = clock.fetch_add(1);
    e.outcome = {r.err, r.value};
  };
  std::thread a(run, 0), b(run, 1);
  a.join();
  b.join();
  ASSERT_EQ(history[0].outcome, history[1].outcome);  // the race happened: both got PASID 1
  const Verdict v = Check(m, history);
  EXPECT_EQ(v.kind, Kind::kNotLinearizable) << ShowHistory(history);
  // The same two calls on the real allocator are linearizable.
  impl::api::ConcurrentSystem good;
  OneDevice(good);
  for (int t = 0; t < 2; ++t) {
    history[t].outcome = Invoke(good, history[t].call);
  }
  EXPECT_EQ(Check(m, history).kind, Kind::kLinearizable) << ShowHistory(history);
}

}  // namespace
}  // namespace smmuref::conform::linearize
