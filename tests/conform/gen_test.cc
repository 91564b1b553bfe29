// The random program generator (conform/src/gen/): its typed builders put every field where the
// spec field tables say, and its programs are reproducible, well-formed, bounded and reach every
// command, register and fault kind the issue lists.
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "../../conform/src/gen/build.h"
#include "smmuref/conform/campaign.h"
#include "smmuref/conform/progen.h"
#include "smmuref/conform/runner.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform {
namespace {

namespace g = gen;

TEST(GenBuild, SteFieldsLandWhereTheTableSays) {
  g::SteFields f;
  f.config = g::kCfgNested;
  f.s1fmt = 2;
  f.s1cdmax = 9;
  f.s1dss = 2;
  f.s1_context_ptr = 0x12345640;
  f.strw = 2;
  f.s2vmid = 0x1234;
  f.s2t0sz = 25;
  f.s2sl0 = 1;
  f.s2tg = 2;
  f.s2ps = 5;
  f.s2ttb = 0xabcde000;
  uint64_t s[8];
  f.Encode(s);
  namespace fs = spec::ste;
  EXPECT_EQ(spec::Get(s, fs::V), 1u);
  EXPECT_EQ(spec::Get(s, fs::Config), 7u);
  EXPECT_EQ(spec::Get(s, fs::S1Fmt), 2u);
  EXPECT_EQ(spec::Get(s, fs::S1CDMax), 9u);
  EXPECT_EQ(spec::Get(s, fs::S1DSS), 2u);
  EXPECT_EQ(spec::Get(s, fs::S1ContextPtr) << 6, 0x12345640u);
  EXPECT_EQ(spec::Get(s, fs::STRW), 2u);
  EXPECT_EQ(spec::Get(s, fs::S2VMID), 0x1234u);
  EXPECT_EQ(spec::Get(s, fs::S2T0SZ), 25u);
  EXPECT_EQ(spec::Get(s, fs::S2SL0), 1u);
  EXPECT_EQ(spec::Get(s, fs::S2TG), 2u);
  EXPECT_EQ(spec::Get(s, fs::S2AA64), 1u);
  EXPECT_EQ(spec::Get(s, fs::S2R), 1u);
  EXPECT_EQ(spec::Get(s, fs::S2TTB) << 4, 0xabcde000u);
}

TEST(GenBuild, CdFieldsLandWhereTheTableSays) {
  g::CdFields f;
  f.t0sz = 25;
  f.tg0 = g::Tg0(16);
  f.t1sz = 30;
  f.tg1 = g::Tg1(14);
  f.epd1 = false;
  f.asid = 0x2345;
  f.ttb0 = 0x1230000;
  f.ttb1 = 0x4560000;
  f.pan = f.tbi1 = f.had1 = true;
  f.a = false;
  uint64_t c[8];
  f.Encode(c);
  namespace fc = spec::cd;
  EXPECT_EQ(spec::Get(c, fc::T0SZ), 25u);
  EXPECT_EQ(spec::Get(c, fc::TG0), 1u);  // 64KB
  EXPECT_EQ(spec::Get(c, fc::T1SZ), 30u);
  EXPECT_EQ(spec::Get(c, fc::TG1), 1u);  // 16KB
  EXPECT_EQ(spec::Get(c, fc::EPD1), 0u);
  EXPECT_EQ(spec::Get(c, fc::V), 1u);
  EXPECT_EQ(spec::Get(c, fc::AA64), 1u);
  EXPECT_EQ(spec::Get(c, fc::ASID), 0x2345u);
  EXPECT_EQ(spec::Get(c, fc::PAN), 1u);
  EXPECT_EQ(spec::Get(c, fc::TBI1), 1u);
  EXPECT_EQ(spec::Get(c, fc::HAD1), 1u);
  EXPECT_EQ(spec::Get(c, fc::A), 0u);
  EXPECT_EQ(spec::Get(c, fc::TTB0) << 4, 0x1230000u);
  EXPECT_EQ(spec::Get(c, fc::TTB1) << 4, 0x4560000u);
}

TEST(GenBuild, DescriptorsAndL1Entries) {
  g::S1Attrs a;
  a.ap = 2;
  a.ng = true;
  a.uxn = true;
  const uint64_t page = g::S1Leaf(0x40005000, 3, a);
  EXPECT_EQ(page & 3, 3u);
  EXPECT_EQ(spec::Get(&page, spec::desc_s1::AP), 2u);
  EXPECT_EQ(spec::Get(&page, spec::desc_s1::nG), 1u);
  EXPECT_EQ(spec::Get(&page, spec::desc_s1::UXN), 1u);
  EXPECT_EQ(spec::Get(&page, spec::desc_s1::AF), 1u);
  EXPECT_EQ(spec::Get(&page, spec::desc_s1::OA) << 12, 0x40005000u);
  EXPECT_EQ(g::S1Leaf(0x40200000, 2, a) & 3, 1u);  // a block
  g::S1TableAttrs t;
  t.aptable = 3;
  t.pxntable = true;
  const uint64_t table = g::S1Table(0x123000, t);
  EXPECT_EQ(spec::Get(&table, spec::desc_s1::APTable), 3u);
  EXPECT_EQ(spec::Get(&table, spec::desc_s1::PXNTable), 1u);
  EXPECT_EQ(spec::Get(&table, spec::desc_s1::NLTA) << 12, 0x123000u);
  g::S2Attrs s2;
  s2.s2ap = 1;
  s2.xn = 2;
  const uint64_t leaf2 = g::S2Leaf(0x80000000, 1, s2);
  EXPECT_EQ(leaf2 & 3, 1u);
  EXPECT_EQ(spec::Get(&leaf2, spec::desc_s2::S2AP), 1u);
  EXPECT_EQ(spec::Get(&leaf2, spec::desc_s2::XN), 2u);
  const uint64_t l1std = g::L1Std(0x200000, 7);
  EXPECT_EQ(spec::Get(&l1std, spec::l1std::Span), 7u);
  EXPECT_EQ(spec::Get(&l1std, spec::l1std::L2Ptr) << 6, 0x200000u);
  const uint64_t l1cd = g::L1Cd(0x401000, true);
  EXPECT_EQ(spec::Get(&l1cd, spec::l1cd::V), 1u);
  EXPECT_EQ(spec::Get(&l1cd, spec::l1cd::L2Ptr) << 12, 0x401000u);
}

TEST(GenBuild, CommandsCarryTheirOperands) {
  namespace cf = spec::cmd;
  const g::Cmd cd = g::CmdCfgiCd(0x55, 0x123, true);
  EXPECT_EQ(spec::Get(cd.dw, cf::Opcode), cf::op::CMD_CFGI_CD);
  EXPECT_EQ(spec::Get(cd.dw, cf::StreamID), 0x55u);
  EXPECT_EQ(spec::Get(cd.dw, cf::SubstreamID), 0x123u);
  EXPECT_EQ(spec::Get(cd.dw, cf::Leaf), 1u);
  const g::Cmd range = g::CmdCfgiSteRange(0x40, 31);
  EXPECT_EQ(spec::Get(range.dw, cf::Range), 31u);
  g::TlbiAddr a;
  a.addr = 0xffff000012345000;
  a.tg = 1;
  a.num = 3;
  a.scale = 2;
  a.ttl = 3;
  a.leaf = true;
  const g::Cmd va = g::CmdTlbiNhVa(7, 9, a);
  EXPECT_EQ(spec::Get(va.dw, cf::Opcode), cf::op::CMD_TLBI_NH_VA);
  EXPECT_EQ(spec::Get(va.dw, cf::VMID), 7u);
  EXPECT_EQ(spec::Get(va.dw, cf::ASID), 9u);
  EXPECT_EQ(spec::Get(va.dw, cf::Addr) << 12, 0xffff000012345000u);
  EXPECT_EQ(spec::Get(va.dw, cf::TG), 1u);
  EXPECT_EQ(spec::Get(va.dw, cf::NUM), 3u);
  EXPECT_EQ(spec::Get(va.dw, cf::SCALE), 2u);
  EXPECT_EQ(spec::Get(va.dw, cf::TTL), 3u);
  const g::Cmd ipa = g::CmdTlbiS2Ipa(4, a);
  // IPA[55:52] is RES0: the builder never sets it.
  EXPECT_EQ(spec::Get(ipa.dw, cf::IPAddr) << 12, 0xf000012345000u);
  const g::Cmd sync = g::CmdSync(1, 0x10000044, 0xabcd);
  EXPECT_EQ(spec::Get(sync.dw, cf::CS), 1u);
  EXPECT_EQ(spec::Get(sync.dw, cf::MSIAddr) << 2, 0x10000044u);
  EXPECT_EQ(spec::Get(sync.dw, cf::MSIData), 0xabcdu);
}

std::string Program(uint64_t seed, Focus f) {
  ProgramId id;
  id.seed = seed;
  id.focus = f;
  return ProgramText(id);
}

TEST(Generator, SameSeedAndFocusSameProgram) {
  EXPECT_EQ(Program(42, Focus::kQueues), Program(42, Focus::kQueues));
  EXPECT_NE(Program(42, Focus::kQueues), Program(43, Focus::kQueues));
  EXPECT_NE(Program(42, Focus::kQueues), Program(42, Focus::kNested));
}

// A platform's programs stay inside it: structures and queues at or above its structure base,
// only its StreamIDs, no SubstreamIDs, injected aborts, instruction fetches or unprivileged
// transactions; and they still run on the model within the bound.
TEST(Generator, ProgramsStayOnTheirPlatform) {
  Platform pl;
  pl.struct_base = 0x40100000;
  pl.out_base = 0x48000000;
  pl.out_size = 0x7000000;
  pl.sids = {0x10, 0x11};
  pl.substreams = pl.aborts = pl.exec = pl.unprivileged = false;
  pl.profile = "qemu-7-2";
  int txns = 0;
  for (int f = 0; f < kFocusCount; ++f) {
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      ProgramId id;
      id.seed = seed * 131;
      id.focus = static_cast<Focus>(f);
      const std::string text = ProgramText(id, pl);
      auto file = ParseVectorText(text, "p.vec");
      ASSERT_TRUE(file.ok()) << file.error().ToString();
      for (const auto& l : file->lines) {
        EXPECT_NE(l.op, "mem.abort") << l.text;
        if (l.op == "profile") EXPECT_EQ(l.text, "profile qemu-7-2");
        if (l.op == "mem.write64") EXPECT_GE(std::stoull(l.args[0], nullptr, 0), pl.struct_base) << l.text;
        if (l.op != "txn") continue;
        ++txns;
        const uint64_t sid = std::stoull(l.args[0], nullptr, 0);
        EXPECT_TRUE(sid == 0x10 || sid == 0x11) << l.text;
        EXPECT_EQ(l.args[1], "-") << l.text;
        EXPECT_TRUE(l.args[3] == "rp" || l.args[3] == "wp") << l.text;
      }
      const FileReport rep = RunVectorFile(*file, RunOptions{});
      EXPECT_TRUE(!rep.error || rep.bound) << id.ToString() << ": " << rep.error_message;
    }
  }
  EXPECT_GT(txns, 1000);
}

// The default platform is smmuref's own: the program of a seed is the one GenerateProgram gives
// without a platform.
TEST(Generator, TheDefaultPlatformChangesNoProgram) {
  for (int f = 0; f < kFocusCount; ++f) {
    ProgramId id;
    id.seed = 4242;
    id.focus = static_cast<Focus>(f);
    SeededRandom r(id.seed);
    GenOptions o;
    o.focus = id.focus;
    EXPECT_EQ(ProgramText(id, Platform{}), GenerateProgram(r, o));
  }
}

TEST(Generator, FocusNamesRoundTrip) {
  for (int i = 0; i < kFocusCount; ++i) {
    Focus f;
    ASSERT_TRUE(ParseFocus(FocusName(static_cast<Focus>(i)), &f));
    EXPECT_EQ(static_cast<int>(f), i);
  }
  Focus f;
  EXPECT_FALSE(ParseFocus("everything", &f));
}

// Every focus gives programs the runner accepts, on the model alone, within the allowed-set
// bound.
TEST(Generator, EveryFocusGivesWellFormedBoundedPrograms) {
  for (int f = 0; f < kFocusCount; ++f) {
    for (uint64_t seed = 1; seed <= 12; ++seed) {
      const std::string text = Program(seed * 977, static_cast<Focus>(f));
      auto file = ParseVectorText(text, "p.vec");
      ASSERT_TRUE(file.ok()) << file.error().ToString();
      const FileReport rep = RunVectorFile(*file, RunOptions{});
      EXPECT_FALSE(rep.error) << FocusName(static_cast<Focus>(f)) << " seed " << seed * 977 << ": "
                              << rep.error_message;
    }
  }
}

// A source of choices that always answers the same (a fuzzer's input once its bytes run out)
// still gives a finite, well-formed program: no choice is retried until it differs.
class ConstantRandom final : public Random {
 public:
  explicit ConstantRandom(bool last) : last_(last) {}
  uint64_t Below(uint64_t n) override { return last_ ? n - 1 : 0; }

 private:
  bool last_;
};

TEST(Generator, ConstantChoicesStillGiveFinitePrograms) {
  for (bool last : {false, true}) {
    for (int f = 0; f < kFocusCount; ++f) {
      ConstantRandom r(last);
      GenOptions o;
      o.focus = static_cast<Focus>(f);
      const std::string text = GenerateProgram(r, o);
      auto file = ParseVectorText(text, "p.vec");
      ASSERT_TRUE(file.ok()) << file.error().ToString();
      const FileReport rep = RunVectorFile(*file, RunOptions{});
      EXPECT_TRUE(!rep.error || rep.bound) << rep.error_message;
    }
  }
}

// The commands, driver steps and fault injections of a few hundred programs cover every form.
TEST(Generator, ProgramsReachEveryCommandAndDriverStep) {
  std::set<uint64_t> opcodes;
  std::set<std::string> ops;
  bool range = false, msi = false, small_cmdq = false;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    const std::string text = Program(seed, static_cast<Focus>(seed % kFocusCount));
    auto file = ParseVectorText(text, "p.vec");
    ASSERT_TRUE(file.ok());
    for (const VectorLine& l : file->lines) {
      ops.insert(l.op);
      if (l.op == "reg.write64" && l.args[0] == "CMDQ_BASE") {
        small_cmdq |= (std::stoull(l.args[1], nullptr, 0) & 31) <= 2;
      }
      if (l.op != "cmd") continue;
      uint64_t c[2] = {std::stoull(l.args[0], nullptr, 0), std::stoull(l.args[1], nullptr, 0)};
      const uint64_t op = spec::Get(c, spec::cmd::Opcode);
      opcodes.insert(op);
      range |= (op == 0x12 || op == 0x13 || op == 0x2a) && spec::Get(c, spec::cmd::TG) != 0;
      msi |= op == 0x46 && spec::Get(c, spec::cmd::CS) == 1;
    }
  }
  namespace op = spec::cmd::op;
  for (uint64_t want : {op::CMD_CFGI_STE, op::CMD_CFGI_STE_RANGE, op::CMD_CFGI_CD,
                        op::CMD_CFGI_CD_ALL, op::CMD_TLBI_NH_ALL, op::CMD_TLBI_NH_ASID,
                        op::CMD_TLBI_NH_VA, op::CMD_TLBI_NH_VAA, op::CMD_TLBI_EL2_ALL,
                        op::CMD_TLBI_EL2_ASID, op::CMD_TLBI_EL2_VA, op::CMD_TLBI_EL2_VAA,
                        op::CMD_TLBI_S12_VMALL, op::CMD_TLBI_S2_IPA, op::CMD_TLBI_NSNH_ALL,
                        op::CMD_SYNC, op::CMD_TLBI_EL3_ALL}) {
    EXPECT_TRUE(opcodes.count(want)) << "opcode " << want << " never generated";
  }
  EXPECT_TRUE(opcodes.count(0)) << "no reserved opcode";
  for (const char* want : {"mem.abort", "mem.clean", "cmd.skip", "gerror.ack", "event.drain",
                           "reg.write32", "reg.write64", "txn", "process"}) {
    EXPECT_TRUE(ops.count(want)) << want << " never generated";
  }
  EXPECT_TRUE(range) << "no range TLBI";
  EXPECT_TRUE(msi) << "no CMD_SYNC with an MSI";
  EXPECT_TRUE(small_cmdq) << "no small (wrapping) command queue";
}

}  // namespace
}  // namespace smmuref::conform
