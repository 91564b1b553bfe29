// Typed builders for generated programs (see build.h) [IHI0070 §4, §5; DDI0487 D8.3].
#include "build.h"

#include "smmuref/spec/tables.h"

namespace smmuref::conform::gen {

namespace fs = spec::ste;
namespace fc = spec::cd;
namespace cf = spec::cmd;
namespace op = spec::cmd::op;

void SteFields::Encode(uint64_t s[8]) const {
  for (int i = 0; i < 8; ++i) s[i] = 0;
  spec::Set(s, fs::V, v);
  spec::Set(s, fs::Config, config);
  spec::Set(s, fs::S1Fmt, s1fmt);
  spec::Set(s, fs::S1ContextPtr, s1_context_ptr >> 6);
  spec::Set(s, fs::S1CDMax, s1cdmax);
  spec::Set(s, fs::S1DSS, s1dss);
  spec::Set(s, fs::S1STALLD, s1stalld);
  spec::Set(s, fs::MEV, mev);
  spec::Set(s, fs::EATS, eats);
  spec::Set(s, fs::STRW, strw);
  spec::Set(s, fs::PRIVCFG, privcfg);
  spec::Set(s, fs::INSTCFG, instcfg);
  spec::Set(s, fs::S2VMID, s2vmid);
  spec::Set(s, fs::S2T0SZ, s2t0sz);
  spec::Set(s, fs::S2SL0, s2sl0);
  spec::Set(s, fs::S2TG, s2tg);
  spec::Set(s, fs::S2PS, s2ps);
  spec::Set(s, fs::S2AA64, s2aa64);
  spec::Set(s, fs::S2ENDI, s2endi);
  spec::Set(s, fs::S2AFFD, s2affd);
  spec::Set(s, fs::S2PTW, s2ptw);
  spec::Set(s, fs::S2HD, s2hd);
  spec::Set(s, fs::S2HA, s2ha);
  spec::Set(s, fs::S2S, s2s);
  spec::Set(s, fs::S2R, s2r);
  spec::Set(s, fs::S2HAFT, s2haft);
  spec::Set(s, fs::S2TTB, s2ttb >> 4);
}

void CdFields::Encode(uint64_t c[8]) const {
  for (int i = 0; i < 8; ++i) c[i] = 0;
  spec::Set(c, fc::T0SZ, t0sz);
  spec::Set(c, fc::TG0, tg0);
  spec::Set(c, fc::EPD0, epd0);
  spec::Set(c, fc::ENDI, endi);
  spec::Set(c, fc::T1SZ, t1sz);
  spec::Set(c, fc::TG1, tg1);
  spec::Set(c, fc::EPD1, epd1);
  spec::Set(c, fc::V, v);
  spec::Set(c, fc::IPS, ips);
  spec::Set(c, fc::AFFD, affd);
  spec::Set(c, fc::WXN, wxn);
  spec::Set(c, fc::UWXN, uwxn);
  spec::Set(c, fc::TBI0, tbi0);
  spec::Set(c, fc::TBI1, tbi1);
  spec::Set(c, fc::PAN, pan);
  spec::Set(c, fc::AA64, aa64);
  spec::Set(c, fc::HD, hd);
  spec::Set(c, fc::HA, ha);
  spec::Set(c, fc::S, s);
  spec::Set(c, fc::R, r);
  spec::Set(c, fc::A, a);
  spec::Set(c, fc::ASET, aset);
  spec::Set(c, fc::ASID, asid);
  spec::Set(c, fc::HAD0, had0);
  spec::Set(c, fc::HAFT, haft);
  spec::Set(c, fc::TTB0, ttb0 >> 4);
  spec::Set(c, fc::HAD1, had1);
  spec::Set(c, fc::TTB1, ttb1 >> 4);
  spec::Set(c, fc::MAIR0, mair & 0xffffffffu);
  spec::Set(c, fc::MAIR1, mair >> 32);
}

uint64_t L1Std(uint64_t l2ptr, unsigned span) {
  uint64_t d = 0;
  spec::Set(&d, spec::l1std::Span, span);
  spec::Set(&d, spec::l1std::L2Ptr, l2ptr >> 6);
  return d;
}

uint64_t L1Cd(uint64_t l2ptr, bool v) {
  uint64_t d = 0;
  spec::Set(&d, spec::l1cd::V, v);
  spec::Set(&d, spec::l1cd::L2Ptr, l2ptr >> 12);
  return d;
}

unsigned Tg0(unsigned g) { return g == 12 ? 0 : g == 16 ? 1 : 2; }
unsigned Tg1(unsigned g) { return g == 14 ? 1 : g == 12 ? 2 : 3; }
unsigned S2Tg(unsigned g) { return g == 12 ? 0 : g == 16 ? 1 : 2; }

unsigned PsEncoding(unsigned bits) {
  switch (bits) {
    case 32: return 0;
    case 36: return 1;
    case 40: return 2;
    case 42: return 3;
    case 44: return 4;
    default: return 5;
  }
}

namespace {
namespace d1 = spec::desc_s1;
namespace d2 = spec::desc_s2;

uint64_t S1Attributes(uint64_t oa, const S1Attrs& a) {
  uint64_t d = 0;
  spec::Set(&d, d1::Valid, 1);
  spec::Set(&d, d1::AttrIndx, a.attrindx);
  spec::Set(&d, d1::AP, a.ap);
  spec::Set(&d, d1::SH, a.sh);
  spec::Set(&d, d1::AF, a.af);
  spec::Set(&d, d1::nG, a.ng);
  spec::Set(&d, d1::OA, oa >> 12);
  spec::Set(&d, d1::PXN, a.pxn);
  spec::Set(&d, d1::UXN, a.uxn);
  return d;
}

uint64_t S2Attributes(uint64_t oa, const S2Attrs& a) {
  uint64_t d = 0;
  spec::Set(&d, d2::Valid, 1);
  spec::Set(&d, d2::MemAttr, a.memattr);
  spec::Set(&d, d2::S2AP, a.s2ap);
  spec::Set(&d, d2::SH, a.sh);
  spec::Set(&d, d2::AF, a.af);
  spec::Set(&d, d2::OA, oa >> 12);
  spec::Set(&d, d2::XN, a.xn);
  return d;
}
}  // namespace

uint64_t S1Table(uint64_t next, const S1TableAttrs& a) {
  uint64_t d = 0;
  spec::Set(&d, d1::Valid, 1);
  spec::Set(&d, d1::Type, 1);
  spec::Set(&d, d1::NLTA, next >> 12);
  spec::Set(&d, d1::APTable, a.aptable);
  spec::Set(&d, d1::UXNTable, a.uxntable);
  spec::Set(&d, d1::PXNTable, a.pxntable);
  return d;
}

uint64_t S1Leaf(uint64_t oa, int level, const S1Attrs& a) {
  uint64_t d = S1Attributes(oa, a);
  spec::Set(&d, d1::Type, level == 3);
  return d;
}

uint64_t S1BlockEncoding(uint64_t oa, const S1Attrs& a) { return S1Attributes(oa, a); }

uint64_t S2Table(uint64_t next) {
  uint64_t d = 0;
  spec::Set(&d, d2::Valid, 1);
  spec::Set(&d, d2::Type, 1);
  spec::Set(&d, d2::NLTA, next >> 12);
  return d;
}

uint64_t S2Leaf(uint64_t oa, int level, const S2Attrs& a) {
  uint64_t d = S2Attributes(oa, a);
  spec::Set(&d, d2::Type, level == 3);
  return d;
}

uint64_t S2BlockEncoding(uint64_t oa, const S2Attrs& a) { return S2Attributes(oa, a); }

Cmd CmdRaw(uint8_t opcode) {
  Cmd c;
  spec::Set(c.dw, cf::Opcode, opcode);
  return c;
}

Cmd CmdCfgiSte(uint32_t sid, bool leaf) {
  Cmd c = CmdRaw(op::CMD_CFGI_STE);
  spec::Set(c.dw, cf::StreamID, sid);
  spec::Set(c.dw, cf::Leaf, leaf);
  return c;
}

Cmd CmdCfgiSteRange(uint32_t sid, unsigned range) {
  Cmd c = CmdRaw(op::CMD_CFGI_STE_RANGE);
  spec::Set(c.dw, cf::StreamID, sid);
  spec::Set(c.dw, cf::Range, range);
  return c;
}

Cmd CmdCfgiCd(uint32_t sid, uint32_t ssid, bool leaf) {
  Cmd c = CmdRaw(op::CMD_CFGI_CD);
  spec::Set(c.dw, cf::StreamID, sid);
  spec::Set(c.dw, cf::SubstreamID, ssid);
  spec::Set(c.dw, cf::Leaf, leaf);
  return c;
}

Cmd CmdCfgiCdAll(uint32_t sid) {
  Cmd c = CmdRaw(op::CMD_CFGI_CD_ALL);
  spec::Set(c.dw, cf::StreamID, sid);
  return c;
}

Cmd CmdTlbiNhAll(uint16_t vmid) {
  Cmd c = CmdRaw(op::CMD_TLBI_NH_ALL);
  spec::Set(c.dw, cf::VMID, vmid);
  return c;
}

Cmd CmdTlbiNhAsid(uint16_t vmid, uint16_t asid) {
  Cmd c = CmdRaw(op::CMD_TLBI_NH_ASID);
  spec::Set(c.dw, cf::VMID, vmid);
  spec::Set(c.dw, cf::ASID, asid);
  return c;
}

namespace {
void SetAddress(Cmd& c, const TlbiAddr& a, bool ipa) {
  spec::Set(c.dw, cf::Leaf, a.leaf);
  spec::Set(c.dw, cf::NUM, a.num);
  spec::Set(c.dw, cf::SCALE, a.scale);
  spec::Set(c.dw, cf::TG, a.tg);
  spec::Set(c.dw, cf::TTL, a.ttl);
  // IPA[55:52] is RES0 (no 52-bit IPAs in scope); the VA operand is VA[63:12] in full.
  const uint64_t addr = ipa ? a.addr & ((uint64_t{1} << 52) - 1) : a.addr;
  spec::Set(c.dw, ipa ? cf::IPAddr : cf::Addr, addr >> 12);
}
}  // namespace

Cmd CmdTlbiNhVa(uint16_t vmid, uint16_t asid, const TlbiAddr& a) {
  Cmd c = CmdRaw(op::CMD_TLBI_NH_VA);
  spec::Set(c.dw, cf::VMID, vmid);
  spec::Set(c.dw, cf::ASID, asid);
  SetAddress(c, a, false);
  return c;
}

Cmd CmdTlbiNhVaa(uint16_t vmid, const TlbiAddr& a) {
  Cmd c = CmdRaw(op::CMD_TLBI_NH_VAA);
  spec::Set(c.dw, cf::VMID, vmid);
  SetAddress(c, a, false);
  return c;
}

Cmd CmdTlbiEl2All() { return CmdRaw(op::CMD_TLBI_EL2_ALL); }

Cmd CmdTlbiEl2Asid(uint16_t asid) {
  Cmd c = CmdRaw(op::CMD_TLBI_EL2_ASID);
  spec::Set(c.dw, cf::ASID, asid);
  return c;
}

Cmd CmdTlbiEl2Va(uint16_t asid, const TlbiAddr& a) {
  Cmd c = CmdRaw(op::CMD_TLBI_EL2_VA);
  spec::Set(c.dw, cf::ASID, asid);
  SetAddress(c, a, false);
  return c;
}

Cmd CmdTlbiEl2Vaa(const TlbiAddr& a) {
  Cmd c = CmdRaw(op::CMD_TLBI_EL2_VAA);
  SetAddress(c, a, false);
  return c;
}

Cmd CmdTlbiS12Vmall(uint16_t vmid) {
  Cmd c = CmdRaw(op::CMD_TLBI_S12_VMALL);
  spec::Set(c.dw, cf::VMID, vmid);
  return c;
}

Cmd CmdTlbiS2Ipa(uint16_t vmid, const TlbiAddr& a) {
  Cmd c = CmdRaw(op::CMD_TLBI_S2_IPA);
  spec::Set(c.dw, cf::VMID, vmid);
  SetAddress(c, a, true);
  return c;
}

Cmd CmdTlbiNsnhAll() { return CmdRaw(op::CMD_TLBI_NSNH_ALL); }

Cmd CmdSync(unsigned cs, uint64_t msi_addr, uint32_t msi_data) {
  Cmd c = CmdRaw(op::CMD_SYNC);
  spec::Set(c.dw, cf::CS, cs);
  spec::Set(c.dw, cf::MSIData, msi_data);
  spec::Set(c.dw, cf::MSIAddr, msi_addr >> 2);
  if (cs == 1) spec::Set(c.dw, cf::MSIAttr, 0xf);
  return c;
}

}  // namespace smmuref::conform::gen
