// The driver's typed command builders [IHI0070 §4]: one value type per command, with the
// command's operands as named fields, whose Words() are the two doublewords to put in the
// command queue; the positions are layout.h's. The range forms of the TLBI_*VA* and S2_IPA
// commands (IDR3.RIL) are the TG/NUM/SCALE/TTL fields of TlbiRange; TG=0 is a non-range
// invalidation of the entries that hold the address.
// Tests: tests/impl/driver/cmdq_test.cc (commands decoded by the model)
#pragma once

#include <array>
#include <cstdint>

#include "smmuref/impl/driver/layout.h"

namespace smmuref::impl::driver {

using Command = std::array<uint64_t, 2>;

// Range invalidation operands [IHI0070 §4.4.1.1]: (num + 1) * 2^scale granules of `tg`
// (layout::cmd::kTg4K/16K/64K) from the address, of leaf entries at level `ttl` (0: any level).
struct TlbiRange {
  uint64_t tg = layout::cmd::kTgNone;
  unsigned num = 0, scale = 0, ttl = 0;
};

struct CmdPrefetchConfig {
  uint32_t sid = 0;
  bool ssv = false;
  uint32_t ssid = 0;
  Command Words() const;
};
struct CmdPrefetchAddr {
  uint32_t sid = 0;
  bool ssv = false;
  uint32_t ssid = 0;
  unsigned size = 0;  // 2^size translations
  uint64_t addr = 0;
  Command Words() const;
};
struct CmdCfgiSte {
  uint32_t sid = 0;
  bool leaf = true;
  Command Words() const;
};
// 2^(range+1) StreamIDs from sid rounded down to that alignment.
struct CmdCfgiSteRange {
  uint32_t sid = 0;
  unsigned range = 0;
  Command Words() const;
};
// CMD_CFGI_ALL: CFGI_STE_RANGE with Range=31.
struct CmdCfgiAll {
  Command Words() const;
};
struct CmdCfgiCd {
  uint32_t sid = 0;
  uint32_t ssid = 0;  // the CD-table index (0 is CD 0 whatever S1DSS says)
  bool leaf = true;
  Command Words() const;
};
struct CmdCfgiCdAll {
  uint32_t sid = 0;
  Command Words() const;
};
struct CmdTlbiNhAll {
  uint16_t vmid = 0;
  Command Words() const;
};
struct CmdTlbiNhAsid {
  uint16_t vmid = 0, asid = 0;
  Command Words() const;
};
struct CmdTlbiNhVa {
  uint16_t vmid = 0, asid = 0;
  uint64_t va = 0;
  bool leaf = true;
  TlbiRange range;
  Command Words() const;
};
struct CmdTlbiNhVaa {
  uint16_t vmid = 0;
  uint64_t va = 0;
  bool leaf = true;
  TlbiRange range;
  Command Words() const;
};
struct CmdTlbiEl2All {
  Command Words() const;
};
struct CmdTlbiEl2Asid {
  uint16_t asid = 0;
  Command Words() const;
};
struct CmdTlbiEl2Va {
  uint16_t asid = 0;
  uint64_t va = 0;
  bool leaf = true;
  TlbiRange range;
  Command Words() const;
};
struct CmdTlbiEl2Vaa {
  uint64_t va = 0;
  bool leaf = true;
  TlbiRange range;
  Command Words() const;
};
struct CmdTlbiS12Vmall {
  uint16_t vmid = 0;
  Command Words() const;
};
struct CmdTlbiS2Ipa {
  uint16_t vmid = 0;
  uint64_t ipa = 0;
  bool leaf = true;
  TlbiRange range;
  Command Words() const;
};
struct CmdTlbiNsnhAll {
  Command Words() const;
};
// CMD_SYNC; with cs = kCsIrq and a non-zero msi_addr the SMMU writes msi_data there on completion.
struct CmdSync {
  uint64_t cs = layout::cmd::kCsNone;
  unsigned msh = 0, msi_attr = 0;
  uint32_t msi_data = 0;
  uint64_t msi_addr = 0;
  Command Words() const;
};

}  // namespace smmuref::impl::driver
