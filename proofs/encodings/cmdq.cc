// The model's command-queue decisions as Z3 terms (cmdq.h), after model/arch/cmdq.cc and
// model/include/smmuref/model/arch/queue.h.
// Tests: proofs/cross/cmdq_test.cc
#include "cmdq.h"

#include <vector>

#include "fields.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace cf = spec::cmd;
namespace op = spec::cmd::op;

namespace {

Bool IsSet(const Bv& v) { return v != Bv(0); }

bool IsRangeCapable(uint8_t o) {
  return o == op::CMD_TLBI_NH_VA || o == op::CMD_TLBI_NH_VAA || o == op::CMD_TLBI_EL2_VA ||
         o == op::CMD_TLBI_EL2_VAA || o == op::CMD_TLBI_S2_IPA;
}

std::vector<spec::Field> Operands(uint8_t o) {
  switch (o) {
    case op::CMD_PREFETCH_CONFIG: return {cf::SSec, cf::SSV, cf::SubstreamID, cf::StreamID};
    case op::CMD_CFGI_STE: return {cf::SSec, cf::StreamID, cf::Leaf};
    case op::CMD_CFGI_STE_RANGE: return {cf::SSec, cf::StreamID, cf::Range};
    case op::CMD_CFGI_CD: return {cf::SSec, cf::SubstreamID, cf::StreamID, cf::Leaf};
    case op::CMD_CFGI_CD_ALL: return {cf::SSec, cf::StreamID};
    case op::CMD_TLBI_NH_ALL: return {cf::VMID};
    case op::CMD_TLBI_NH_ASID: return {cf::VMID, cf::ASID};
    case op::CMD_TLBI_NH_VA: return {cf::NUM, cf::SCALE, cf::VMID, cf::ASID, cf::Leaf, cf::TTL, cf::TG, cf::Addr};
    case op::CMD_TLBI_NH_VAA: return {cf::NUM, cf::SCALE, cf::VMID, cf::Leaf, cf::TTL, cf::TG, cf::Addr};
    case op::CMD_TLBI_EL2_ASID: return {cf::ASID};
    case op::CMD_TLBI_EL2_VA: return {cf::NUM, cf::SCALE, cf::ASID, cf::Leaf, cf::TTL, cf::TG, cf::Addr};
    case op::CMD_TLBI_EL2_VAA: return {cf::NUM, cf::SCALE, cf::Leaf, cf::TTL, cf::TG, cf::Addr};
    case op::CMD_TLBI_S12_VMALL: return {cf::VMID};
    case op::CMD_TLBI_S2_IPA: return {cf::NUM, cf::SCALE, cf::VMID, cf::Leaf, cf::TTL, cf::TG, cf::IPAddr};
    case op::CMD_SYNC: return {cf::CS, cf::MSH, cf::MSIAttr, cf::MSIData, cf::MSIAddr};
    default: return {};
  }
}

// Bits [lsb, lsb+width) of the 128-bit command as two doubleword masks.
void Mask(spec::Field f, unsigned width, uint64_t out[2]) {
  out[0] = out[1] = 0;
  for (unsigned b = f.lsb; b < f.lsb + width; ++b) out[b / 64] |= uint64_t{1} << (b % 64);
}

// UsedMask for opcode `o` with the profile's RIL/S2P/VMID16/ASID16 as terms.
void UsedMaskTerm(uint8_t o, const ProfileTerms& p, Bv used[2]) {
  uint64_t m[2];
  Mask(cf::Opcode, cf::Opcode.width(), m);
  used[0] = Bv(m[0]);
  used[1] = Bv(m[1]);
  for (const spec::Field& f : Operands(o)) {
    const bool range_field = f.lsb == cf::NUM.lsb || f.lsb == cf::SCALE.lsb ||
                             f.lsb == cf::TTL.lsb || f.lsb == cf::TG.lsb;
    Bool present = true;
    if (range_field && IsRangeCapable(o)) present = IsSet(p.ril);
    uint64_t full[2], narrow[2];
    Mask(f, f.width(), full);
    Mask(f, 8, narrow);
    Bv part[2] = {Bv(full[0]), Bv(full[1])};
    if (f.lsb == cf::VMID.lsb && f.msb == cf::VMID.msb) {
      present = IsSet(p.s2p);
      for (int i = 0; i < 2; ++i) part[i] = Select(IsSet(p.vmid16), Bv(full[i]), Bv(narrow[i]));
    }
    if (f.lsb == cf::ASID.lsb && f.msb == cf::ASID.msb) {
      for (int i = 0; i < 2; ++i) part[i] = Select(IsSet(p.asid16), Bv(full[i]), Bv(narrow[i]));
    }
    // IPA[55:52] is RES0; the VA operand, at the same lsb, is VA[63:12] in full.
    if (f.lsb == cf::IPAddr.lsb && f.msb == cf::IPAddr.msb) {
      uint64_t ipa[2];
      Mask(f, 52 - 12, ipa);
      part[0] = Bv(ipa[0]);
      part[1] = Bv(ipa[1]);
    }
    for (int i = 0; i < 2; ++i) used[i] = used[i] | Select(present, part[i], Bv(0));
  }
}

// The verdict for one concrete opcode.
Bv CheckOne(uint8_t o, const Bv* cmd, const ProfileTerms& p, const Bv& res0_ill) {
  const Bv ill(1), none(0);
  // R-CMDQ-003
  if (spec::CommandName(o) == nullptr) return ill;
  // R-CMDQ-004
  const bool has_ssec = o == op::CMD_PREFETCH_CONFIG || o == op::CMD_PREFETCH_ADDR ||
                        o == op::CMD_CFGI_STE || o == op::CMD_CFGI_STE_RANGE ||
                        o == op::CMD_CFGI_CD || o == op::CMD_CFGI_CD_ALL ||
                        o == op::CMD_RESUME || o == op::CMD_STALL_TERM;
  Bool bad = has_ssec ? IsSet(FieldOf(cmd, cf::SSec)) : Bool(false);
  // R-CMDQ-005 / R-CMDQ-006
  switch (o) {
    case op::CMD_CFGI_CD: case op::CMD_CFGI_CD_ALL: case op::CMD_TLBI_NH_ALL:
    case op::CMD_TLBI_NH_ASID: case op::CMD_TLBI_NH_VA: case op::CMD_TLBI_NH_VAA:
      bad = bad || !IsSet(p.s1p);
      break;
    case op::CMD_TLBI_S12_VMALL: case op::CMD_TLBI_S2_IPA:
      bad = bad || !IsSet(p.s2p);
      break;
    case op::CMD_TLBI_EL2_ALL: case op::CMD_TLBI_EL2_ASID: case op::CMD_TLBI_EL2_VA:
    case op::CMD_TLBI_EL2_VAA:
      bad = bad || !IsSet(p.hyp);
      break;
    case op::CMD_TLBI_EL3_ALL: case op::CMD_TLBI_EL3_VA: case op::CMD_CFGI_VMS_PIDM:
      return ill;
    case op::CMD_ATC_INV: return Select(bad || !IsSet(p.ats), ill, none);
    case op::CMD_PRI_RESP: return Select(bad || !IsSet(p.pri), ill, none);
    case op::CMD_RESUME: case op::CMD_STALL_TERM:
      return Select(bad || p.stall_model == Bv(1), ill, none);
    case op::CMD_SYNC:
      bad = bad || FieldOf(cmd, cf::CS) == Bv(3);
      break;
    default:
      break;
  }
  // R-TLBI-012
  if (IsRangeCapable(o)) {
    const Bv tg = FieldOf(cmd, cf::TG), ttl_raw = FieldOf(cmd, cf::TTL);
    const Bv ttl = Select(tg == Bv(2) && ttl_raw == Bv(1) && !IsSet(p.ds), Bv(0), ttl_raw);
    bad = bad || (IsSet(p.ril) && tg != Bv(0) && FieldOf(cmd, cf::NUM) == Bv(0) &&
                  FieldOf(cmd, cf::SCALE) == Bv(0) && ttl == Bv(0));
  }
  // R-CMDQ-010
  if (o != op::CMD_PREFETCH_ADDR) {
    Bv used[2];
    UsedMaskTerm(o, p, used);
    bad = bad || (IsSet(res0_ill) && (IsSet(cmd[0] & ~used[0]) || IsSet(cmd[1] & ~used[1])));
  }
  return Select(bad, ill, none);
}

}  // namespace

Bv CheckCommandTerm(const Bv* cmd, const ProfileTerms& p, const Bv& res0_ill) {
  const Bv opcode = FieldOf(cmd, cf::Opcode);
  Bv result(1);  // opcodes without a name: reserved
  for (int o = 255; o >= 0; --o) {
    if (spec::CommandName(static_cast<uint8_t>(o)) == nullptr) continue;
    result = Select(opcode == Bv(o), CheckOne(static_cast<uint8_t>(o), cmd, p, res0_ill), result);
  }
  return result;
}

QueueTerms QueuePointerTerm(const Bv& reg32, const Bv& qs) {
  QueueTerms q;
  const Bv reg = reg32 & Bv(0xffffffffull);
  const Bv m32(0xffffffffull);
  q.index = reg & (((Bv(1) << qs) - Bv(1)) & m32);
  q.wrap = (reg >> qs) & Bv(1);
  q.value = reg & (((Bv(2) << qs) - Bv(1)) & m32);
  q.next = ((q.value + Bv(1)) & (((Bv(2) << qs) - Bv(1)) & m32)) & m32;
  return q;
}

Bool QueueEmptyTerm(const Bv& prod, const Bv& cons, const Bv& qs) {
  return QueuePointerTerm(prod, qs).value == QueuePointerTerm(cons, qs).value;
}

Bool QueueFullTerm(const Bv& prod, const Bv& cons, const Bv& qs) {
  const QueueTerms a = QueuePointerTerm(prod, qs), b = QueuePointerTerm(cons, qs);
  return a.index == b.index && a.wrap != b.wrap;
}

}  // namespace smmuref::proofs
