// Typed builders for the structures and commands a generated program writes: STE, CD, L1STD,
// L1CD, stage-1 and stage-2 descriptors, and every command the generator issues
// [IHI0070 §4, §5.1-§5.4; DDI0487 D8.3]. Fields are named as in the spec and encoded through the
// spec field tables, so the generator never writes hex literals. This is the one place the
// generator encodes structures (the driver's builders may replace it).
// Tests: tests/conform/gen_test.cc
#pragma once

#include <cstdint>

namespace smmuref::conform::gen {

// STE Config values [IHI0070 §5.2].
enum SteConfig : unsigned { kCfgAbort = 0, kCfgBypass = 4, kCfgS1 = 5, kCfgS2 = 6, kCfgNested = 7 };

struct SteFields {
  bool v = true;
  unsigned config = kCfgBypass;
  unsigned s1fmt = 0, s1cdmax = 0, s1dss = 0;
  uint64_t s1_context_ptr = 0;  // byte address (bits [5:0] dropped by the encoding)
  bool s1stalld = false, mev = false;
  unsigned eats = 0, strw = 0, privcfg = 0, instcfg = 0;
  uint16_t s2vmid = 0;
  unsigned s2t0sz = 0, s2sl0 = 0, s2tg = 0, s2ps = 0;  // S2TG: 0 4KB, 1 64KB, 2 16KB
  bool s2aa64 = true, s2endi = false, s2affd = false, s2ptw = false, s2hd = false, s2ha = false;
  bool s2s = false, s2r = true, s2haft = false;
  uint64_t s2ttb = 0;  // byte address (bits [3:0] dropped)
  void Encode(uint64_t out[8]) const;
};

struct CdFields {
  bool v = true;
  unsigned t0sz = 16, tg0 = 0, t1sz = 16, tg1 = 2;  // TG0: 0 4KB, 1 64KB, 2 16KB; TG1: 1 16KB, 2 4KB, 3 64KB
  bool epd0 = false, epd1 = true, endi = false;
  unsigned ips = 5;  // 0 32 bits ... 5 48 bits
  bool affd = false, wxn = false, uwxn = false, tbi0 = false, tbi1 = false, pan = false;
  bool aa64 = true, hd = false, ha = false, s = false, r = true, a = true, aset = false;
  bool had0 = false, had1 = false, haft = false;
  uint16_t asid = 0;
  uint64_t ttb0 = 0, ttb1 = 0;  // byte addresses (bits [3:0] dropped)
  uint64_t mair = 0x44ff04;     // Device-nGnRnE, Normal WB, Normal NC
  void Encode(uint64_t out[8]) const;
};

uint64_t L1Std(uint64_t l2ptr, unsigned span);
uint64_t L1Cd(uint64_t l2ptr, bool v);

// Granule encodings.
unsigned Tg0(unsigned granule_shift);
unsigned Tg1(unsigned granule_shift);
unsigned S2Tg(unsigned granule_shift);
// IPS/PS encoding of an address size in bits (32 36 40 42 44 48).
unsigned PsEncoding(unsigned bits);

struct S1Attrs {
  unsigned ap = 0;  // AP[2:1]
  bool af = true, ng = false, uxn = false, pxn = false;
  unsigned attrindx = 1, sh = 3;
};
struct S1TableAttrs {
  unsigned aptable = 0;
  bool uxntable = false, pxntable = false;
};
uint64_t S1Table(uint64_t next, const S1TableAttrs& a = {});
// A block (level < 3) or page (level 3) descriptor for output address `oa`.
uint64_t S1Leaf(uint64_t oa, int level, const S1Attrs& a);
// A level-0..2 descriptor with bits[1:0]=0b01 (a block, legal or not) and a level-3 one with
// 0b01 (reserved, invalid).
uint64_t S1BlockEncoding(uint64_t oa, const S1Attrs& a);

struct S2Attrs {
  unsigned s2ap = 3;      // bit 0 read, bit 1 write
  bool af = true;
  unsigned xn = 0;        // XN[1:0]
  unsigned memattr = 0xf; // Normal WB; MemAttr[3:2] = 0 is Device
  unsigned sh = 3;
};
uint64_t S2Table(uint64_t next);
uint64_t S2Leaf(uint64_t oa, int level, const S2Attrs& a);
uint64_t S2BlockEncoding(uint64_t oa, const S2Attrs& a);

// Commands [IHI0070 §4].
struct Cmd {
  uint64_t dw[2] = {0, 0};
};
// The address operand of a TLBI by address; tg = 0 is the non-range form.
struct TlbiAddr {
  uint64_t addr = 0;
  bool leaf = false;
  unsigned num = 0, scale = 0, tg = 0, ttl = 0;  // TG: 1 4KB, 2 16KB, 3 64KB
};
Cmd CmdRaw(uint8_t opcode);
Cmd CmdCfgiSte(uint32_t sid, bool leaf);
Cmd CmdCfgiSteRange(uint32_t sid, unsigned range);  // range 31 is CFGI_ALL
Cmd CmdCfgiCd(uint32_t sid, uint32_t ssid, bool leaf);
Cmd CmdCfgiCdAll(uint32_t sid);
Cmd CmdTlbiNhAll(uint16_t vmid);
Cmd CmdTlbiNhAsid(uint16_t vmid, uint16_t asid);
Cmd CmdTlbiNhVa(uint16_t vmid, uint16_t asid, const TlbiAddr& a);
Cmd CmdTlbiNhVaa(uint16_t vmid, const TlbiAddr& a);
Cmd CmdTlbiEl2All();
Cmd CmdTlbiEl2Asid(uint16_t asid);
Cmd CmdTlbiEl2Va(uint16_t asid, const TlbiAddr& a);
Cmd CmdTlbiEl2Vaa(const TlbiAddr& a);
Cmd CmdTlbiS12Vmall(uint16_t vmid);
Cmd CmdTlbiS2Ipa(uint16_t vmid, const TlbiAddr& a);
Cmd CmdTlbiNsnhAll();
// CS: 0 none, 1 SIG_IRQ (MSI write of msi_data to msi_addr), 2 SIG_SEV, 3 reserved.
Cmd CmdSync(unsigned cs = 0, uint64_t msi_addr = 0, uint32_t msi_data = 0);

}  // namespace smmuref::conform::gen
