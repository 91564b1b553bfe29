// End to end: the SMMUv3 driver over model devices of two different profiles, checked for DMA
// isolation under every outcome the model allows after every operation (isolation.h), and
// shown to catch a driver that skips its TLB invalidations or its cleans.
#include <gtest/gtest.h>

#include "e2e/isolation.h"

namespace smmuref::conform::e2e {
namespace {

namespace sa = spec::api;

// Instance A: everything (`full`); instance B: stage 1 only, no SubstreamIDs, 16K and 64K
// granules only, 44-bit OAS, and a walker that does not snoop (isolation.h, FullInstance and
// NonCoherentInstance).
InstanceSpec SpecA() { return FullInstance(); }
InstanceSpec SpecB() { return NonCoherentInstance(); }

// The first violation only (each carries a whole vector), with how many there were.
std::string Joined(const std::vector<std::string>& v) {
  if (v.empty()) return "";
  return v[0] + (v.size() > 1 ? "(and " + std::to_string(v.size() - 1) + " more)\n" : "");
}

TEST(DriverE2E, ProbeReadsEachInstancesIdRegisters) {
  Instance a(SpecA()), b(SpecB());
  ASSERT_TRUE(a.ok()) << a.setup_error();
  ASSERT_TRUE(b.ok()) << b.setup_error();
  const auto& fa = a.smmu().features();
  EXPECT_TRUE(fa.s1 && fa.s2 && fa.two_level_st && fa.cd2l && fa.coherent);
  EXPECT_EQ(fa.sid_bits, 16u);
  EXPECT_EQ(fa.ssid_bits, 20u);
  EXPECT_EQ(fa.pgsize_bitmap(), 0x40201000u | 0x2004000u | 0x20010000u);
  const auto& fb = b.smmu().features();
  EXPECT_TRUE(fb.s1);
  EXPECT_FALSE(fb.s2);
  EXPECT_FALSE(fb.coherent);
  EXPECT_FALSE(b.smmu().walker_coherent());
  EXPECT_EQ(fb.ssid_bits, 0u);
  EXPECT_EQ(fb.oas, 44u);
  EXPECT_EQ(fb.pgsize_bitmap(), 0x2004000u | 0x20010000u);
  EXPECT_FALSE(a.smmu().device_error());
  EXPECT_FALSE(b.smmu().device_error());
}

TEST(DriverE2E, AStreamReachesExactlyWhatItsDomainMaps) {
  Instance a(SpecA());
  ASSERT_TRUE(a.ok()) << a.setup_error();
  DomainHandle d;
  ASSERT_EQ(a.AllocDomain(DomainKind::kStage1, 0x40201000, &d), sa::Errno::kOk);
  ASSERT_EQ(a.Attach(1, d), sa::Errno::kOk);
  EXPECT_EQ(a.Map(d, 0x10000, kPaBase + 0x5000, 0x1000, 2, sa::kProtRead | sa::kProtWrite).bytes,
            0x2000u);
  EXPECT_EQ(a.Map(d, 0x20'0000, kPaBase + 0x40'0000, 0x20'0000, 1, sa::kProtRead).bytes,
            0x20'0000u);
  EXPECT_EQ(a.Expect(1, std::nullopt, 0x11008, 'r').pa, kPaBase + 0x6008);
  EXPECT_TRUE(a.CheckOne(1, std::nullopt, 0x11008, 'w').empty());
  EXPECT_TRUE(a.CheckOne(1, std::nullopt, 0x2f'fff8, 'r').empty());
  EXPECT_TRUE(a.CheckOne(1, std::nullopt, 0x2f'fff8, 'w').empty());  // read-only: must fault
  EXPECT_TRUE(a.CheckOne(1, std::nullopt, 0x12000, 'r').empty());    // past the end
  std::mt19937_64 rng(1);
  EXPECT_EQ(Joined(a.Check(rng)), "");
  // Unmap returns only after the TLB invalidation: nothing is reachable afterwards.
  EXPECT_EQ(a.Unmap(d, 0x10000, 0x1000, 2).bytes, 0x2000u);
  EXPECT_EQ(Joined(a.Check(rng)), "");
  EXPECT_FALSE(a.Expect(1, std::nullopt, 0x10000, 'r').completes);
  EXPECT_FALSE(a.smmu().device_error());
}

TEST(DriverE2E, PasidsReachTheirOwnDomainAndPasidZeroIsRefused) {
  Instance a(SpecA());
  ASSERT_TRUE(a.ok()) << a.setup_error();
  DomainHandle rid, pasid_dom;
  ASSERT_EQ(a.AllocDomain(DomainKind::kStage1, 0x40201000, &rid), sa::Errno::kOk);
  ASSERT_EQ(a.AllocDomain(DomainKind::kStage1, 0x2004000, &pasid_dom), sa::Errno::kOk);
  ASSERT_EQ(a.Attach(0x123, rid), sa::Errno::kOk);
  a.Map(rid, 0x1000, kPaBase + 0x1000, 0x1000, 1, sa::kProtRead);
  a.Map(pasid_dom, 0x4000, kPaBase + 0x8000, 0x4000, 1, sa::kProtRead | sa::kProtWrite);
  EXPECT_EQ(a.AttachPasid(0x123, 0, pasid_dom), sa::Errno::kEINVAL);
  EXPECT_EQ(a.AttachPasid(0x123, 1u << 20, pasid_dom), sa::Errno::kEINVAL);
  // PASID 3 (first leaf of the 2-level CD table) and 1000 (another leaf).
  ASSERT_EQ(a.AttachPasid(0x123, 3, pasid_dom), sa::Errno::kOk);
  ASSERT_EQ(a.AttachPasid(0x123, 1000, pasid_dom), sa::Errno::kOk);
  EXPECT_EQ(a.AttachPasid(0x123, 3, rid), sa::Errno::kEBUSY);
  std::mt19937_64 rng(2);
  EXPECT_EQ(Joined(a.Check(rng)), "");
  EXPECT_TRUE(a.Expect(0x123, 3u, 0x4000, 'w').completes);
  EXPECT_TRUE(a.Expect(0x123, std::nullopt, 0x1000, 'r').completes);
  // The RID moves to identity: PASIDs stay, the RID bypasses (S1DSS=bypass).
  DomainHandle ident;
  ASSERT_EQ(a.AllocDomain(DomainKind::kIdentity, 0, &ident), sa::Errno::kOk);
  ASSERT_EQ(a.Attach(0x123, ident), sa::Errno::kOk);
  EXPECT_EQ(Joined(a.Check(rng)), "");
  ASSERT_EQ(a.DetachPasid(0x123, 3), sa::Errno::kOk);
  EXPECT_EQ(a.DetachPasid(0x123, 3), sa::Errno::kENOENT);
  EXPECT_EQ(Joined(a.Check(rng)), "");
  EXPECT_EQ(a.FreeDomain(pasid_dom), sa::Errno::kEBUSY);  // PASID 1000 still uses it
  // A stage-2 RID domain cannot sit under PASIDs.
  DomainHandle s2;
  ASSERT_EQ(a.AllocDomain(DomainKind::kStage2, 0, &s2), sa::Errno::kOk);
  EXPECT_EQ(a.Attach(0x123, s2), sa::Errno::kEINVAL);
  EXPECT_FALSE(a.smmu().device_error());
}

TEST(DriverE2E, WithoutSubstreamIdsPasidAttachIsRefused) {
  Instance b(SpecB());
  ASSERT_TRUE(b.ok()) << b.setup_error();
  DomainHandle d;
  ASSERT_EQ(b.AllocDomain(DomainKind::kStage1, 0x2004000, &d), sa::Errno::kOk);
  EXPECT_EQ(b.AttachPasid(2, 1, d), sa::Errno::kEINVAL);
  DomainHandle bad;
  EXPECT_EQ(b.AllocDomain(DomainKind::kStage1, 0x1000, &bad), sa::Errno::kEINVAL);  // no 4K
  EXPECT_EQ(b.AllocDomain(DomainKind::kStage2, 0, &bad), sa::Errno::kEINVAL);       // no S2
}

TEST(DriverE2E, RandomProgramsOnTwoInstancesStayIsolated) {
  uint64_t txns = 0;
  std::map<std::string, uint64_t> reached;
  for (const InstanceSpec& spec : {SpecA(), SpecB()}) {
    for (uint64_t seed = 1; seed <= 12; ++seed) {
      Instance inst(spec);
      ASSERT_TRUE(inst.ok()) << inst.setup_error();
      auto bad = RunProgram(inst, seed, 40);
      ASSERT_TRUE(bad.empty()) << "seed " << seed << ":\n" << Joined(bad);
      EXPECT_EQ(inst.smmu().device_error(), std::nullopt);
      txns += inst.transactions();
      for (const auto& [what, n] : inst.succeeded()) reached[what] += n;
    }
  }
  RecordProperty("transactions", std::to_string(txns));
  std::string summary;
  for (const auto& [what, n] : reached) summary += what + "=" + std::to_string(n) + " ";
  RecordProperty("reached", summary);
  // Every kind of operation happened, so the programs reach what the check is for.
  for (const char* what :
       {"alloc stage-1", "alloc stage-2", "alloc identity", "alloc blocked", "attach",
        "attach_pasid", "detach_pasid", "free", "map page", "map block", "unmap", "unmap partial"})
    EXPECT_GT(reached[what], 0u) << what << " never succeeded: " << summary;
  EXPECT_GT(txns, 1000u);
}

// The check bites: a driver whose TLB invalidations never reach the SMMU leaves a stale
// translation the model allows after unmap.
TEST(DriverE2E, ADriverThatSkipsItsTlbInvalidationIsCaught) {
  Instance a(SpecA());
  ASSERT_TRUE(a.ok()) << a.setup_error();
  a.faulty().drop_tlbi = true;
  DomainHandle d;
  ASSERT_EQ(a.AllocDomain(DomainKind::kStage1, 0x40201000, &d), sa::Errno::kOk);
  ASSERT_EQ(a.Attach(1, d), sa::Errno::kOk);
  a.Map(d, 0x3000, kPaBase + 0x3000, 0x1000, 1, sa::kProtRead);
  std::mt19937_64 rng(3);
  EXPECT_EQ(Joined(a.Check(rng)), "");
  a.Unmap(d, 0x3000, 0x1000, 1);
  const auto bad = a.Check(rng);
  ASSERT_FALSE(bad.empty());
  EXPECT_NE(bad[0].find("must not complete"), std::string::npos) << bad[0];
  EXPECT_NE(bad[0].find("txn 0x1 - 0x3000"), std::string::npos) << bad[0];
  EXPECT_NE(bad[0].find("smmuref-vectors 1\nprofile full\n"), std::string::npos) << bad[0];
}

// A driver that forgets to clean under a non-coherent walker: the SMMU may still read the old
// STE (abort), so the mapped page may not translate.
TEST(DriverE2E, ADriverThatSkipsItsCleansIsCaughtOnANonCoherentWalker) {
  Instance b(SpecB());
  ASSERT_TRUE(b.ok()) << b.setup_error();
  b.faulty().drop_clean = true;
  DomainHandle d;
  ASSERT_EQ(b.AllocDomain(DomainKind::kStage1, 0x2004000, &d), sa::Errno::kOk);
  ASSERT_EQ(b.Attach(2, d), sa::Errno::kOk);
  b.Map(d, 0x8000, kPaBase + 0x8000, 0x4000, 1, sa::kProtRead | sa::kProtWrite);
  std::mt19937_64 rng(4);
  const auto bad = b.Check(rng);
  ASSERT_FALSE(bad.empty());
  EXPECT_NE(bad[0].find("completes at"), std::string::npos) << bad[0];
}

}  // namespace
}  // namespace smmuref::conform::e2e
