// The driver's command builders (impl/driver/cmdq.cc) against the model: every command is legal
// to the model's command checker under a profile that makes any non-zero reserved field
// CERROR_ILL (so the builders set no bit outside their fields), and decodes with the model's
// DecodeInvalidation to the operands that were built; CMD_SYNC and the prefetches, which are not
// invalidations, are read through the spec field tables.
#include "smmuref/impl/driver/cmdq.h"

#include <gtest/gtest.h>

#include <random>

#include "smmuref/model/arch/cmdq.h"
#include "smmuref/spec/tables.h"

namespace smmuref::impl::driver {
namespace {

namespace arch = model::arch;
using K = arch::Invalidation::Kind;
namespace cmd = layout::cmd;

// full with EL2 (HYP), range invalidation (RIL) and reserved fields checked.
const spec::Profile& Strict() {
  static const spec::Profile p =
      *spec::LoadProfile("full", {"hyp=1", "ril=1", "cmd_res0_ill=1"});
  return p;
}

arch::Invalidation Decode(const Command& c) {
  EXPECT_EQ(arch::CheckCommand(c.data(), Strict()), arch::kCerrorNone)
      << std::hex << c[0] << " " << c[1];
  arch::Invalidation inv;
  EXPECT_TRUE(arch::DecodeInvalidation(c.data(), Strict(), &inv, 0));
  EXPECT_FALSE(inv.none) << "operands the model does not guarantee";
  return inv;
}

TEST(Commands, ConfigurationInvalidationsDecodeAsBuilt) {
  std::mt19937_64 rng(6);
  for (int i = 0; i < 200; ++i) {
    const uint32_t sid = static_cast<uint32_t>(rng() & 0xffff);
    const uint32_t ssid = static_cast<uint32_t>(rng() & 0xfffff);
    const bool leaf = rng() & 1;
    arch::Invalidation inv = Decode(CmdCfgiSte{.sid = sid, .leaf = leaf}.Words());
    EXPECT_EQ(inv.kind, K::kCfgiSte);
    EXPECT_EQ(inv.sid, sid);
    EXPECT_EQ(inv.leaf, leaf);
    const unsigned range = static_cast<unsigned>(rng() % 32);
    inv = Decode(CmdCfgiSteRange{.sid = sid, .range = range}.Words());
    EXPECT_EQ(inv.kind, K::kCfgiSteRange);
    EXPECT_EQ(inv.sid, sid);
    EXPECT_EQ(inv.range, range);
    inv = Decode(CmdCfgiCd{.sid = sid, .ssid = ssid, .leaf = leaf}.Words());
    EXPECT_EQ(inv.kind, K::kCfgiCd);
    EXPECT_EQ(inv.sid, sid);
    EXPECT_EQ(inv.ssid, ssid);
    EXPECT_EQ(inv.leaf, leaf);
    inv = Decode(CmdCfgiCdAll{.sid = sid}.Words());
    EXPECT_EQ(inv.kind, K::kCfgiCdAll);
    EXPECT_EQ(inv.sid, sid);
  }
  const arch::Invalidation all = Decode(CmdCfgiAll{}.Words());
  EXPECT_EQ(all.kind, K::kCfgiSteRange);
  EXPECT_EQ(all.range, 31u);
}

TEST(Commands, TlbInvalidationsDecodeAsBuilt) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 300; ++i) {
    const uint16_t vmid = static_cast<uint16_t>(rng()), asid = static_cast<uint16_t>(rng());
    const uint64_t va = rng() & layout::Bits(46, 16);  // canonical, aligned for any TTL
    const uint64_t ipa = rng() & layout::Bits(39, 16);
    const bool leaf = rng() & 1;
    arch::Invalidation inv = Decode(CmdTlbiNhAll{.vmid = vmid}.Words());
    EXPECT_EQ(inv.kind, K::kTlbiNhAll);
    EXPECT_EQ(inv.vmid, vmid);
    inv = Decode(CmdTlbiNhAsid{.vmid = vmid, .asid = asid}.Words());
    EXPECT_EQ(inv.kind, K::kTlbiNhAsid);
    EXPECT_EQ(inv.vmid, vmid);
    EXPECT_EQ(inv.asid, asid);
    inv = Decode(CmdTlbiNhVa{.vmid = vmid, .asid = asid, .va = va, .leaf = leaf}.Words());
    EXPECT_EQ(inv.kind, K::kTlbiNhVa);
    EXPECT_EQ(inv.vmid, vmid);
    EXPECT_EQ(inv.asid, asid);
    EXPECT_EQ(inv.addr, va);
    EXPECT_EQ(inv.leaf, leaf);
    EXPECT_EQ(inv.length, 0u);
    inv = Decode(CmdTlbiNhVaa{.vmid = vmid, .va = va, .leaf = leaf}.Words());
    EXPECT_EQ(inv.kind, K::kTlbiNhVaa);
    EXPECT_EQ(inv.addr, va);
    inv = Decode(CmdTlbiS12Vmall{.vmid = vmid}.Words());
    EXPECT_EQ(inv.kind, K::kTlbiS12Vmall);
    EXPECT_EQ(inv.vmid, vmid);
    inv = Decode(CmdTlbiS2Ipa{.vmid = vmid, .ipa = ipa, .leaf = leaf}.Words());
    EXPECT_EQ(inv.kind, K::kTlbiS2Ipa);
    EXPECT_EQ(inv.vmid, vmid);
    EXPECT_EQ(inv.addr, ipa);
    EXPECT_EQ(inv.leaf, leaf);
    inv = Decode(CmdTlbiEl2Asid{.asid = asid}.Words());
    EXPECT_EQ(inv.kind, K::kTlbiEl2Asid);
    EXPECT_EQ(inv.asid, asid);
    inv = Decode(CmdTlbiEl2Va{.asid = asid, .va = va, .leaf = leaf}.Words());
    EXPECT_EQ(inv.kind, K::kTlbiEl2Va);
    EXPECT_EQ(inv.addr, va);
    inv = Decode(CmdTlbiEl2Vaa{.va = va, .leaf = leaf}.Words());
    EXPECT_EQ(inv.kind, K::kTlbiEl2Vaa);
    EXPECT_EQ(inv.addr, va);
  }
  EXPECT_EQ(Decode(CmdTlbiEl2All{}.Words()).kind, K::kTlbiEl2All);
  EXPECT_EQ(Decode(CmdTlbiNsnhAll{}.Words()).kind, K::kTlbiNsnhAll);
}

TEST(Commands, RangeInvalidationsDecodeAsBuilt) {
  // (num + 1) * 2^scale granules; TTL a level hint (1..3), with the address aligned to it.
  struct Case {
    uint64_t tg;
    unsigned granule_shift;
  };
  for (const Case c : {Case{cmd::kTg4K, 12}, Case{cmd::kTg16K, 14}, Case{cmd::kTg64K, 16}}) {
    for (unsigned num = 0; num < 32; num += 7) {
      for (unsigned scale = 0; scale < 32; scale += 5) {
        for (unsigned ttl : {0u, 2u, 3u}) {
          if (num == 0 && scale == 0 && ttl == 0) continue;  // CERROR_ILL [§4.4.1.1]
          const TlbiRange r{.tg = c.tg, .num = num, .scale = scale, .ttl = ttl};
          const uint64_t va = uint64_t{0x40} << 30;
          const arch::Invalidation inv =
              Decode(CmdTlbiNhVa{.vmid = 1, .asid = 2, .va = va, .range = r}.Words());
          EXPECT_EQ(inv.tg_shift, c.granule_shift);
          EXPECT_EQ(inv.ttl, ttl);
          EXPECT_EQ(inv.length, (uint64_t{num} + 1) << scale << c.granule_shift);
          const arch::Invalidation s2 =
              Decode(CmdTlbiS2Ipa{.vmid = 1, .ipa = va, .range = r}.Words());
          EXPECT_EQ(s2.length, inv.length);
          EXPECT_EQ(s2.tg_shift, c.granule_shift);
        }
      }
    }
  }
}

TEST(Commands, SyncAndPrefetchFieldsAreWhereTheSpecPutsThem) {
  const Command sync = CmdSync{.cs = cmd::kCsIrq, .msh = 3, .msi_attr = 0xf,
                               .msi_data = 0xdeadbeef, .msi_addr = 0x1234'5678'9abc}
                           .Words();
  EXPECT_EQ(arch::CheckCommand(sync.data(), Strict()), arch::kCerrorNone);
  EXPECT_EQ(spec::Get(sync.data(), spec::cmd::Opcode), spec::cmd::op::CMD_SYNC);
  EXPECT_EQ(spec::Get(sync.data(), spec::cmd::CS), cmd::kCsIrq);
  EXPECT_EQ(spec::Get(sync.data(), spec::cmd::MSH), 3u);
  EXPECT_EQ(spec::Get(sync.data(), spec::cmd::MSIAttr), 0xfu);
  EXPECT_EQ(spec::Get(sync.data(), spec::cmd::MSIData), 0xdeadbeefu);
  EXPECT_EQ(spec::Get(sync.data(), spec::cmd::MSIAddr) << 2, 0x1234'5678'9abcu);
  const Command plain = CmdSync{}.Words();
  EXPECT_EQ(arch::CheckCommand(plain.data(), Strict()), arch::kCerrorNone);
  EXPECT_EQ(plain[0], spec::cmd::op::CMD_SYNC);
  EXPECT_EQ(plain[1], 0u);

  const Command pc = CmdPrefetchConfig{.sid = 0x1234, .ssv = true, .ssid = 0x56}.Words();
  EXPECT_EQ(arch::CheckCommand(pc.data(), Strict()), arch::kCerrorNone);
  EXPECT_EQ(spec::Get(pc.data(), spec::cmd::Opcode), spec::cmd::op::CMD_PREFETCH_CONFIG);
  EXPECT_EQ(spec::Get(pc.data(), spec::cmd::StreamID), 0x1234u);
  EXPECT_EQ(spec::Get(pc.data(), spec::cmd::SSV), 1u);
  EXPECT_EQ(spec::Get(pc.data(), spec::cmd::SubstreamID), 0x56u);
  const Command pa = CmdPrefetchAddr{.sid = 7, .size = 3, .addr = 0xabc000}.Words();
  EXPECT_EQ(arch::CheckCommand(pa.data(), Strict()), arch::kCerrorNone);
  EXPECT_EQ(spec::Get(pa.data(), spec::cmd::Opcode), spec::cmd::op::CMD_PREFETCH_ADDR);
  EXPECT_EQ(spec::Get(pa.data(), spec::cmd::Addr) << 12, 0xabc000u);
}

}  // namespace
}  // namespace smmuref::impl::driver
