// Commands as the driver writes them into the command queue [IHI0070 §4.2-§4.7]: the typed
// builders' two doublewords.
// Tests: tests/impl/driver/cmdq_test.cc
#include "smmuref/impl/driver/cmdq.h"

namespace smmuref::impl::driver {

namespace cmd = layout::cmd;
using layout::Prep;

namespace {

uint64_t Op(uint64_t opcode) { return Prep(cmd::kDw0Opcode, opcode); }

uint64_t Stream(uint32_t sid, bool ssv, uint32_t ssid) {
  return Prep(cmd::kDw0StreamID, sid) | (ssv ? cmd::kDw0SSV : 0) |
         Prep(cmd::kDw0SubstreamID, ssid);
}

// DW0 range operands and DW1 of a TLBI by address: Leaf, TTL, TG and the address bits `addr`.
Command TlbiByAddress(uint64_t dw0, uint64_t addr_mask, uint64_t addr, bool leaf,
                      const TlbiRange& r) {
  return {dw0 | Prep(cmd::kDw0NUM, r.num) | Prep(cmd::kDw0SCALE, r.scale),
          (leaf ? cmd::kDw1Leaf : 0) | Prep(cmd::kDw1TTL, r.ttl) | Prep(cmd::kDw1TG, r.tg) |
              (addr & addr_mask)};
}

}  // namespace

Command CmdPrefetchConfig::Words() const {
  return {Op(cmd::kOpPrefetchConfig) | Stream(sid, ssv, ssid), 0};
}

Command CmdPrefetchAddr::Words() const {
  return {Op(cmd::kOpPrefetchAddr) | Stream(sid, ssv, ssid),
          Prep(cmd::kDw1Size, size) | (addr & cmd::kDw1VA)};
}

Command CmdCfgiSte::Words() const {
  return {Op(cmd::kOpCfgiSte) | Stream(sid, false, 0), leaf ? cmd::kDw1Leaf : 0};
}

Command CmdCfgiSteRange::Words() const {
  return {Op(cmd::kOpCfgiSteRange) | Stream(sid, false, 0), Prep(cmd::kDw1Range, range)};
}

Command CmdCfgiAll::Words() const {
  return {Op(cmd::kOpCfgiSteRange), Prep(cmd::kDw1Range, cmd::kRangeAll)};
}

Command CmdCfgiCd::Words() const {
  return {Op(cmd::kOpCfgiCd) | Stream(sid, false, ssid), leaf ? cmd::kDw1Leaf : 0};
}

Command CmdCfgiCdAll::Words() const {
  return {Op(cmd::kOpCfgiCdAll) | Stream(sid, false, 0), 0};
}

Command CmdTlbiNhAll::Words() const {
  return {Op(cmd::kOpTlbiNhAll) | Prep(cmd::kDw0VMID, vmid), 0};
}

Command CmdTlbiNhAsid::Words() const {
  return {Op(cmd::kOpTlbiNhAsid) | Prep(cmd::kDw0VMID, vmid) | Prep(cmd::kDw0ASID, asid), 0};
}

Command CmdTlbiNhVa::Words() const {
  return TlbiByAddress(
      Op(cmd::kOpTlbiNhVa) | Prep(cmd::kDw0VMID, vmid) | Prep(cmd::kDw0ASID, asid), cmd::kDw1VA,
      va, leaf, range);
}

Command CmdTlbiNhVaa::Words() const {
  return TlbiByAddress(Op(cmd::kOpTlbiNhVaa) | Prep(cmd::kDw0VMID, vmid), cmd::kDw1VA, va, leaf,
                       range);
}

Command CmdTlbiEl2All::Words() const { return {Op(cmd::kOpTlbiEl2All), 0}; }

Command CmdTlbiEl2Asid::Words() const {
  return {Op(cmd::kOpTlbiEl2Asid) | Prep(cmd::kDw0ASID, asid), 0};
}

Command CmdTlbiEl2Va::Words() const {
  return TlbiByAddress(Op(cmd::kOpTlbiEl2Va) | Prep(cmd::kDw0ASID, asid), cmd::kDw1VA, va, leaf,
                       range);
}

Command CmdTlbiEl2Vaa::Words() const {
  return TlbiByAddress(Op(cmd::kOpTlbiEl2Vaa), cmd::kDw1VA, va, leaf, range);
}

Command CmdTlbiS12Vmall::Words() const {
  return {Op(cmd::kOpTlbiS12Vmall) | Prep(cmd::kDw0VMID, vmid), 0};
}

Command CmdTlbiS2Ipa::Words() const {
  return TlbiByAddress(Op(cmd::kOpTlbiS2Ipa) | Prep(cmd::kDw0VMID, vmid), cmd::kDw1IPA, ipa, leaf,
                       range);
}

Command CmdTlbiNsnhAll::Words() const { return {Op(cmd::kOpTlbiNsnhAll), 0}; }

Command CmdSync::Words() const {
  return {Op(cmd::kOpSync) | Prep(cmd::kDw0CS, cs) | Prep(cmd::kDw0MSH, msh) |
              Prep(cmd::kDw0MSIAttr, msi_attr) | Prep(cmd::kDw0MSIData, msi_data),
          msi_addr & cmd::kDw1MSIAddr};
}

}  // namespace smmuref::impl::driver
