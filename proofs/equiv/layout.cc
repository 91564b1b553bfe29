// Proofs that the engine's own bit layouts (impl/include/smmuref/impl/arch/layout.h), read
// through its extraction kernel Get/FieldGet, equal the spec/fields tables the model reads, for
// every field the engine uses, over all values of the structure's doublewords (full width).
// The wrong variant reads S2T0SZ one bit too wide.
// Tests: tests/proofs/equiv_main.cc
#include <string>

#include "proofs/encodings/fields.h"
#include "proofs/equiv/registry.h"
#include "smmuref/impl/arch/kernels.h"
#include "smmuref/impl/arch/layout.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace ia = impl::arch;
namespace il = impl::arch::layout;

namespace {

struct Pair {
  il::Field engine;
  spec::Field spec;
};

// One-word layouts as fields of doubleword 0.
il::Field W(uint64_t mask) { return {0, mask}; }

const std::vector<Pair>& Pairs(const std::string& structure) {
  namespace s = spec;
  static const std::vector<Pair> kSte = {
      {il::ste::kV, s::ste::V}, {il::ste::kConfig, s::ste::Config},
      {il::ste::kS1Fmt, s::ste::S1Fmt}, {il::ste::kS1ContextPtr, s::ste::S1ContextPtr},
      {il::ste::kS1CDMax, s::ste::S1CDMax}, {il::ste::kS1DSS, s::ste::S1DSS},
      {il::ste::kS1STALLD, s::ste::S1STALLD}, {il::ste::kEATS, s::ste::EATS},
      {il::ste::kSTRW, s::ste::STRW}, {il::ste::kPRIVCFG, s::ste::PRIVCFG},
      {il::ste::kINSTCFG, s::ste::INSTCFG}, {il::ste::kS2VMID, s::ste::S2VMID},
      {il::ste::kS2T0SZ, s::ste::S2T0SZ}, {il::ste::kS2SL0, s::ste::S2SL0},
      {il::ste::kS2TG, s::ste::S2TG}, {il::ste::kS2PS, s::ste::S2PS},
      {il::ste::kS2AA64, s::ste::S2AA64}, {il::ste::kS2ENDI, s::ste::S2ENDI},
      {il::ste::kS2AFFD, s::ste::S2AFFD}, {il::ste::kS2PTW, s::ste::S2PTW},
      {il::ste::kS2HD, s::ste::S2HD}, {il::ste::kS2HA, s::ste::S2HA},
      {il::ste::kS2S, s::ste::S2S}, {il::ste::kS2R, s::ste::S2R},
      {il::ste::kS2HAFT, s::ste::S2HAFT}, {il::ste::kS2TTB, s::ste::S2TTB}};
  static const std::vector<Pair> kCd = {
      {il::cd::kT0SZ, s::cd::T0SZ}, {il::cd::kTG0, s::cd::TG0}, {il::cd::kEPD0, s::cd::EPD0},
      {il::cd::kENDI, s::cd::ENDI}, {il::cd::kT1SZ, s::cd::T1SZ}, {il::cd::kTG1, s::cd::TG1},
      {il::cd::kEPD1, s::cd::EPD1}, {il::cd::kV, s::cd::V}, {il::cd::kIPS, s::cd::IPS},
      {il::cd::kAFFD, s::cd::AFFD}, {il::cd::kWXN, s::cd::WXN}, {il::cd::kTBI0, s::cd::TBI0},
      {il::cd::kTBI1, s::cd::TBI1}, {il::cd::kPAN, s::cd::PAN}, {il::cd::kAA64, s::cd::AA64},
      {il::cd::kHD, s::cd::HD}, {il::cd::kHA, s::cd::HA}, {il::cd::kS, s::cd::S},
      {il::cd::kR, s::cd::R}, {il::cd::kA, s::cd::A}, {il::cd::kASID, s::cd::ASID},
      {il::cd::kHAD0, s::cd::HAD0}, {il::cd::kHAFT, s::cd::HAFT}, {il::cd::kTTB0, s::cd::TTB0},
      {il::cd::kHAD1, s::cd::HAD1}, {il::cd::kTTB1, s::cd::TTB1}};
  static const std::vector<Pair> kL1 = {
      {W(il::l1std::kSpan), s::l1std::Span}, {W(il::l1std::kL2Ptr), s::l1std::L2Ptr}};
  static const std::vector<Pair> kL1Cd = {
      {W(il::l1cd::kV), s::l1cd::V}, {W(il::l1cd::kL2Ptr), s::l1cd::L2Ptr}};
  static const std::vector<Pair> kDescS1 = {
      {W(il::desc::kValid), s::desc_s1::Valid}, {W(il::desc::kTableOrPage), s::desc_s1::Type},
      {W(il::desc::kAf), s::desc_s1::AF}, {W(il::desc::kNg), s::desc_s1::nG},
      {W(il::desc::kAddr), s::desc_s1::OA}, {W(il::desc::kAddr), s::desc_s1::NLTA},
      {W(il::desc::kAp), s::desc_s1::AP}, {W(il::desc::kPxn), s::desc_s1::PXN},
      {W(il::desc::kUxn), s::desc_s1::UXN}, {W(il::desc::kPxnTable), s::desc_s1::PXNTable},
      {W(il::desc::kUxnTable), s::desc_s1::UXNTable}, {W(il::desc::kApTable), s::desc_s1::APTable}};
  static const std::vector<Pair> kDescS2 = {
      {W(il::desc::kValid), s::desc_s2::Valid}, {W(il::desc::kTableOrPage), s::desc_s2::Type},
      {W(il::desc::kAf), s::desc_s2::AF}, {W(il::desc::kAddr), s::desc_s2::OA},
      {W(il::desc::kS2MemAttr), s::desc_s2::MemAttr}, {W(il::desc::kS2Ap), s::desc_s2::S2AP},
      {W(il::desc::kS2Xn), s::desc_s2::XN}};
  static const std::vector<Pair> kCmd = {
      {il::cmd::kOpcode, s::cmd::Opcode}, {il::cmd::kSSec, s::cmd::SSec},
      {il::cmd::kSSV, s::cmd::SSV}, {il::cmd::kSubstreamID, s::cmd::SubstreamID},
      {il::cmd::kStreamID, s::cmd::StreamID}, {il::cmd::kVMID, s::cmd::VMID},
      {il::cmd::kASID, s::cmd::ASID}, {il::cmd::kNUM, s::cmd::NUM},
      {il::cmd::kSCALE, s::cmd::SCALE}, {il::cmd::kSyncCS, s::cmd::CS},
      {il::cmd::kSyncMSH, s::cmd::MSH}, {il::cmd::kSyncMSIAttr, s::cmd::MSIAttr},
      {il::cmd::kSyncMSIData, s::cmd::MSIData}, {il::cmd::kLeaf, s::cmd::Leaf},
      {il::cmd::kRange, s::cmd::Range}, {il::cmd::kTTL, s::cmd::TTL}, {il::cmd::kTG, s::cmd::TG},
      {il::cmd::kAddr, s::cmd::Addr}, {il::cmd::kIPAFull, s::cmd::IPAddr},
      {il::cmd::kSyncMSIAddr, s::cmd::MSIAddr}};
  static const std::vector<Pair> kEvent = {
      {il::event::kEventId, s::event::EventID}, {il::event::kSSV, s::event::SSV},
      {il::event::kSubstreamID, s::event::SubstreamID}, {il::event::kStreamID, s::event::StreamID},
      {il::event::kSTAG, s::event::STAG}, {il::event::kStall, s::event::Stall},
      {il::event::kPnU, s::event::PnU}, {il::event::kInD, s::event::InD},
      {il::event::kRnW, s::event::RnW}, {il::event::kS2, s::event::S2},
      {il::event::kCLASS, s::event::CLASS}, {il::event::kTTRnW, s::event::TTRnW},
      {il::event::kInputAddr, s::event::InputAddr}, {il::event::kFetchAddr, s::event::FetchAddr},
      {il::event::kIPA, s::event::IPA}};
  static const std::vector<Pair> kRegs = {
      {W(il::regs::kSmmuEn), s::reg::CR0_SMMUEN}, {W(il::regs::kEventqEn), s::reg::CR0_EVENTQEN},
      {W(il::regs::kCmdqEn), s::reg::CR0_CMDQEN}, {W(il::regs::kE2h), s::reg::CR2_E2H},
      {W(il::regs::kRecInvSid), s::reg::CR2_RECINVSID},
      {W(il::regs::kStrtabLog2Size), s::reg::STRTAB_BASE_CFG_LOG2SIZE},
      {W(il::regs::kStrtabSplit), s::reg::STRTAB_BASE_CFG_SPLIT},
      {W(il::regs::kStrtabFmt), s::reg::STRTAB_BASE_CFG_FMT},
      {W(il::regs::kIdr0S2p), s::reg::IDR0_S2P}, {W(il::regs::kIdr0S1p), s::reg::IDR0_S1P},
      {W(il::regs::kIdr0Ttf), s::reg::IDR0_TTF}, {W(il::regs::kIdr0Cohacc), s::reg::IDR0_COHACC},
      {W(il::regs::kIdr0Btm), s::reg::IDR0_BTM}, {W(il::regs::kIdr0Httu), s::reg::IDR0_HTTU},
      {W(il::regs::kIdr0Hyp), s::reg::IDR0_HYP}, {W(il::regs::kIdr0Ats), s::reg::IDR0_ATS},
      {W(il::regs::kIdr0Asid16), s::reg::IDR0_ASID16}, {W(il::regs::kIdr0Msi), s::reg::IDR0_MSI},
      {W(il::regs::kIdr0Sev), s::reg::IDR0_SEV}, {W(il::regs::kIdr0Pri), s::reg::IDR0_PRI},
      {W(il::regs::kIdr0Vmid16), s::reg::IDR0_VMID16}, {W(il::regs::kIdr0Cd2l), s::reg::IDR0_CD2L},
      {W(il::regs::kIdr0TtEndian), s::reg::IDR0_TTENDIAN},
      {W(il::regs::kIdr0StallModel), s::reg::IDR0_STALL_MODEL},
      {W(il::regs::kIdr0TermModel), s::reg::IDR0_TERM_MODEL},
      {W(il::regs::kIdr0StLevel), s::reg::IDR0_ST_LEVEL},
      {W(il::regs::kIdr1SidSize), s::reg::IDR1_SIDSIZE}, {W(il::regs::kIdr1SsidSize), s::reg::IDR1_SSIDSIZE},
      {W(il::regs::kIdr1PriqS), s::reg::IDR1_PRIQS}, {W(il::regs::kIdr1EventqS), s::reg::IDR1_EVENTQS},
      {W(il::regs::kIdr1CmdqS), s::reg::IDR1_CMDQS},
      {W(il::regs::kIdr1AttrPermsOvr), s::reg::IDR1_ATTR_PERMS_OVR},
      {W(il::regs::kIdr1AttrTypesOvr), s::reg::IDR1_ATTR_TYPES_OVR},
      {W(il::regs::kIdr3Had), s::reg::IDR3_HAD}, {W(il::regs::kIdr3Xnx), s::reg::IDR3_XNX},
      {W(il::regs::kIdr3Stt), s::reg::IDR3_STT}, {W(il::regs::kIdr3Ril), s::reg::IDR3_RIL},
      {W(il::regs::kIdr3Bbml), s::reg::IDR3_BBML}, {W(il::regs::kIdr5Oas), s::reg::IDR5_OAS},
      {W(il::regs::kIdr5Gran4K), s::reg::IDR5_GRAN4K}, {W(il::regs::kIdr5Gran16K), s::reg::IDR5_GRAN16K},
      {W(il::regs::kIdr5Gran64K), s::reg::IDR5_GRAN64K}, {W(il::regs::kIdr5Ds), s::reg::IDR5_DS},
      {W(il::regs::kIdr5Vax), s::reg::IDR5_VAX}, {W(il::regs::kAidrArchMinor), s::reg::AIDR_ArchMinorRev}};
  if (structure == "ste") return kSte;
  if (structure == "cd") return kCd;
  if (structure == "l1std") return kL1;
  if (structure == "l1cd") return kL1Cd;
  if (structure == "desc_s1") return kDescS1;
  if (structure == "desc_s2") return kDescS2;
  if (structure == "cmd") return kCmd;
  if (structure == "event") return kEvent;
  return kRegs;
}

unsigned Dwords(const std::string& structure) {
  if (structure == "ste" || structure == "cd") return 8;
  if (structure == "cmd") return 2;
  if (structure == "event") return 4;
  return 1;
}

ProofResult ProveLayout(const std::string& id, const std::string& structure, bool wrong,
                        const ProveOptions& o) {
  const std::vector<Bv> w = Words(structure, Dwords(structure));
  Bool all = true;
  for (const Pair& p : Pairs(structure)) {
    il::Field engine = p.engine;
    if (wrong && p.spec.name == std::string("S2T0SZ")) engine.mask |= engine.mask << 1;
    all = all && ia::Get<Bv>(w.data(), engine) == FieldOf(w.data(), p.spec);
  }
  return Prove(id, all, {}, o);
}

}  // namespace

void AddLayoutProofs(std::vector<ProofCase>* out) {
  for (const std::string s : {"ste", "cd", "l1std", "l1cd", "desc_s1", "desc_s2", "cmd", "event",
                              "regs"}) {
    const std::string id = "layout/" + s;
    const std::string width = "full width: every bit of the " + s + " doublewords, " +
                              std::to_string(Pairs(s).size()) + " fields";
    out->push_back({id, width, [id, s](const ProveOptions& o) { return ProveLayout(id, s, false, o); }});
  }
  ProofCase wrong{"layout/ste/wrong", "full width; S2T0SZ read one bit too wide",
                  [](const ProveOptions& o) { return ProveLayout("layout/ste/wrong", "ste", true, o); }};
  wrong.wrong = true;
  wrong.describe = [](const ProofResult& r) { return DescribeInputs(r); };
  out->push_back(wrong);
}

}  // namespace smmuref::proofs
