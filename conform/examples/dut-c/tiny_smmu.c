/* tiny-smmu: an example device under test for smmuref, in C, through the DUT ABI
 * (spec/include/smmuref/dut.h). Deliberately small: stage 1 only, a linear stream table, one
 * context descriptor per stream (no substreams), 4KB granule, TTB0 only, no caches (so every
 * invalidation is trivially complete). Its profile is tiny_smmu.profile. What it does not
 * implement it says so (SMMUREF_DUT_NOT_IMPLEMENTED), and smmuref reports that apart from what it
 * gets wrong. It has one deliberate bug: it ignores the access flag (a descriptor with AF=0
 * translates instead of raising F_ACCESS) unless built with -DTINY_SMMU_FIX_AF. It is also wrong,
 * not on purpose, where a small SMMU is easily wrong, and smmuref finds it (ctest
 * examples/dut-c): bypassed addresses beyond the OAS complete instead of faulting with
 * F_ADDR_SIZE (R-TXN-007), and commands with bad operands are consumed instead of stopping the
 * queue with CERROR_ILL.
 *
 * It takes no memory notes (dut.h v2 `note`: its table ends before it, which leaves it NULL).
 * Built with -DTINY_SMMU_ABI_V1 it says it implements ABI v1, as a DUT built against the first
 * header does, which the harness still loads (tests/conformance/dut_abi_test.cc).
 *
 * The architecture is IHI0070 (SMMUv3) and, for the walk, DDI0487 (VMSAv8-64).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmuref/dut.h"

enum {
  CR0 = 0x20, CR0ACK = 0x24, CR1 = 0x28, CR2 = 0x2C, GBPA = 0x44, IRQ_CTRL = 0x50,
  IRQ_CTRLACK = 0x54, GERROR = 0x60, GERRORN = 0x64, STRTAB_BASE = 0x80, STRTAB_BASE_CFG = 0x88,
  CMDQ_BASE = 0x90, CMDQ_PROD = 0x98, CMDQ_CONS = 0x9C, EVENTQ_BASE = 0xA0,
  EVENTQ_PROD = 0x100A8, EVENTQ_CONS = 0x100AC, NREGS = 0x10100 / 4
};

struct smmuref_dut {
  uint32_t idr[6], aidr;
  uint64_t strtab_base, cmdq_base, eventq_base;
  uint32_t r32[64]; /* 32-bit registers of page 0 by offset / 4 */
  uint32_t evtq_prod, evtq_cons;
  const smmuref_dut_memory *mem;
  char error[160];
};

static char create_error[160];

static uint64_t Bits(uint64_t v, unsigned hi, unsigned lo) {
  return (v >> lo) & (hi - lo == 63 ? ~0ull : ((1ull << (hi - lo + 1)) - 1));
}

static int NotImplemented(struct smmuref_dut *d, const char *what) {
  snprintf(d->error, sizeof d->error, "%s", what);
  return SMMUREF_DUT_NOT_IMPLEMENTED;
}

/* ---- registers [IHI0070 §6.3] ---- */

static uint64_t *Reg64(struct smmuref_dut *d, uint32_t off) {
  if (off == STRTAB_BASE) return &d->strtab_base;
  if (off == CMDQ_BASE) return &d->cmdq_base;
  if (off == EVENTQ_BASE) return &d->eventq_base;
  return NULL;
}

static int RegRead(struct smmuref_dut *d, uint32_t off, uint32_t size, uint64_t *v) {
  uint64_t *r64 = Reg64(d, off & ~4u);
  if (r64) {
    *v = size == 64 ? *r64 : (off & 4) ? *r64 >> 32 : (uint32_t)*r64;
    return SMMUREF_DUT_OK;
  }
  if (off <= 0x14) *v = d->idr[off / 4];
  else if (off == 0x1C) *v = d->aidr;
  else if (off == CR0ACK) *v = d->r32[CR0 / 4];
  else if (off == IRQ_CTRLACK) *v = d->r32[IRQ_CTRL / 4];
  else if (off == EVENTQ_PROD) *v = d->evtq_prod;
  else if (off == EVENTQ_CONS) *v = d->evtq_cons;
  else if (off < 0x100) *v = d->r32[off / 4];
  else return NotImplemented(d, "a register outside page 0 other than EVENTQ_PROD/CONS");
  return SMMUREF_DUT_OK;
}

static int RegWrite(struct smmuref_dut *d, uint32_t off, uint32_t size, uint64_t v) {
  static const uint64_t kBaseMask = 0x40FFFFFFFFFFFFFFull; /* RA/WA, ADDR, LOG2SIZE */
  uint64_t *r64 = Reg64(d, off & ~4u);
  if (r64) {
    if (size == 32) {
      const unsigned shift = (off & 4) ? 32 : 0;
      v = (*r64 & ~(0xffffffffull << shift)) | ((v & 0xffffffffull) << shift);
    }
    *r64 = v & (off == STRTAB_BASE ? 0x40FFFFFFFFFFFFC0ull : kBaseMask);
    return SMMUREF_DUT_OK;
  }
  switch (off) {
    case CR0: d->r32[CR0 / 4] = (uint32_t)v & 0x1D; break; /* SMMUEN EVENTQEN CMDQEN ATSCHK */
    case CR1: d->r32[CR1 / 4] = (uint32_t)v & 0x3F; break;
    case CR2: d->r32[CR2 / 4] = (uint32_t)v & 0x7; break;
    case GBPA: d->r32[GBPA / 4] = (uint32_t)v & 0x1FFFFF; break; /* the update completes now */
    case IRQ_CTRL: d->r32[IRQ_CTRL / 4] = (uint32_t)v & 0x7; break;
    case GERRORN: d->r32[GERRORN / 4] = (uint32_t)v & 0x1FD; break;
    case STRTAB_BASE_CFG: d->r32[off / 4] = (uint32_t)v & 0x3FFFF; break;
    case CMDQ_PROD: d->r32[off / 4] = (uint32_t)v & 0xFFFFF; break;
    case CMDQ_CONS: d->r32[off / 4] = (uint32_t)v & 0xFFFFF; break;
    case EVENTQ_CONS: d->evtq_cons = (uint32_t)v & 0x800FFFFF; break;
    case EVENTQ_PROD: d->evtq_prod = (uint32_t)v & 0x800FFFFF; break;
    case 0x68: case 0x70: case 0x74: case 0xB0: case 0xB8: case 0xBC:
      return NotImplemented(d, "MSI configuration registers");
    default: break; /* read-only or reserved: ignored */
  }
  return SMMUREF_DUT_OK;
}

/* ---- the event queue [IHI0070 §7.2] ---- */

static unsigned QueueLog2(uint64_t base, unsigned cap) {
  unsigned l = (unsigned)(base & 31);
  return l < cap ? l : cap;
}

static uint64_t QueueBase(uint64_t base, unsigned log2, unsigned entry_log2) {
  unsigned align = log2 + entry_log2 < 5 ? 5 : log2 + entry_log2;
  return base & 0x00FFFFFFFFFFFFE0ull & ~((1ull << align) - 1);
}

/* Writes one record: type, the transaction's fields, and the input address. */
static void RecordEvent(struct smmuref_dut *d, uint8_t type, const smmuref_dut_txn *t,
                        int with_access_fields, int cls) {
  if (!(d->r32[CR0 / 4] & 4)) return; /* EVENTQEN=0: no record */
  const unsigned log2 = QueueLog2(d->eventq_base, (unsigned)Bits(d->idr[1], 20, 16)); /* EVENTQS */
  const uint32_t ptr_mask = (2u << log2) - 1, idx_mask = (1u << log2) - 1;
  const uint32_t prod = d->evtq_prod & ptr_mask, cons = d->evtq_cons & ptr_mask;
  if ((prod ^ cons) == (1u << log2)) { /* full: the record is lost, overflow is flagged */
    if ((d->evtq_prod ^ d->evtq_cons) >> 31 == 0) d->evtq_prod ^= 1u << 31;
    return;
  }
  uint64_t rec[4] = {0, 0, 0, 0};
  rec[0] = type | (uint64_t)t->sid << 32 | (uint64_t)(t->ssv != 0) << 11 |
           (t->ssv ? (uint64_t)(t->ssid & 0xFFFFF) << 12 : 0);
  if (with_access_fields) {
    rec[1] = (uint64_t)(t->priv != 0) << 33 | (uint64_t)(t->access == SMMUREF_DUT_EXEC) << 34 |
             (uint64_t)(t->access != SMMUREF_DUT_WRITE) << 35 | (uint64_t)cls << 40;
    rec[2] = t->addr;
  }
  const uint64_t slot = QueueBase(d->eventq_base, log2, 5) + (uint64_t)(prod & idx_mask) * 32;
  for (int i = 0; i < 4; ++i) d->mem->write64(d->mem->ctx, slot + 8 * i, rec[i]);
  d->evtq_prod = (d->evtq_prod & ~ptr_mask) | ((prod + 1) & ptr_mask);
}

/* ---- translation [IHI0070 §3, §5; DDI0487 D8] ---- */

enum { C_BAD_STREAMID = 0x02, C_BAD_STE = 0x04, C_BAD_SUBSTREAMID = 0x08, C_BAD_CD = 0x0A,
       F_TRANSLATION = 0x10, F_ACCESS = 0x12, F_PERMISSION = 0x13 };

static int Read(struct smmuref_dut *d, uint64_t pa, unsigned n, uint64_t *out) {
  for (unsigned i = 0; i < n; ++i) {
    if (d->mem->read64(d->mem->ctx, pa + 8 * i, &out[i])) return 0;
  }
  return 1;
}

static int Abort(smmuref_dut_outcome *o) {
  o->kind = SMMUREF_DUT_ABORTED;
  return SMMUREF_DUT_OK;
}

static int Fault(struct smmuref_dut *d, const smmuref_dut_txn *t, smmuref_dut_outcome *o,
                 uint8_t type, int cls) {
  RecordEvent(d, type, t, type >= F_TRANSLATION, cls);
  return Abort(o);
}

/* A 4KB-granule stage 1 walk from TTB0 over an input of `ia_bits` bits. */
static int Walk(struct smmuref_dut *d, const smmuref_dut_txn *t, uint64_t ttb, unsigned ia_bits,
                smmuref_dut_outcome *o) {
  int level = 4 - (int)((ia_bits - 12 + 8) / 9);
  uint64_t table = ttb & 0x0000FFFFFFFFF000ull;
  for (;; ++level) {
    const unsigned shift = 12 + 9 * (unsigned)(3 - level);
    const unsigned top = level == 4 - (int)((ia_bits - 12 + 8) / 9) ? ia_bits : shift + 9;
    const uint64_t index = Bits(t->addr, top - 1, shift);
    uint64_t desc;
    if (!Read(d, table + index * 8, 1, &desc)) return NotImplemented(d, "walk external aborts");
    const int valid = desc & 1, is_table = (desc & 2) != 0;
    if (!valid || (level == 3 && !is_table) || (level == 0 && !is_table)) {
      return Fault(d, t, o, F_TRANSLATION, 1);
    }
    if (level < 3 && is_table) {
      table = desc & 0x0000FFFFFFFFF000ull;
      continue;
    }
#ifdef TINY_SMMU_FIX_AF
    if (!(desc & (1u << 10))) return Fault(d, t, o, F_ACCESS, 1);
#endif
    const int ro = (desc >> 7) & 1, el0 = (desc >> 6) & 1;
    const int xn = t->priv ? (int)((desc >> 53) & 1) : (int)((desc >> 54) & 1);
    if ((t->access == SMMUREF_DUT_WRITE && ro) || (!t->priv && !el0) ||
        (t->access == SMMUREF_DUT_EXEC && xn)) {
      return Fault(d, t, o, F_PERMISSION, 1);
    }
    const uint64_t offset_mask = (1ull << shift) - 1;
    o->kind = SMMUREF_DUT_COMPLETED;
    o->pa = (desc & 0x0000FFFFFFFFF000ull & ~offset_mask) | (t->addr & offset_mask);
    return SMMUREF_DUT_OK;
  }
}

static int StageOne(struct smmuref_dut *d, const smmuref_dut_txn *t, const uint64_t *ste,
                    smmuref_dut_outcome *o) {
  if (Bits(ste[0], 63, 59) != 0 || Bits(ste[0], 5, 4) != 0) {
    return NotImplemented(d, "substreams (STE.S1CDMax != 0)");
  }
  if (t->ssv) return Fault(d, t, o, C_BAD_SUBSTREAMID, 0);
  uint64_t cd[8];
  if (!Read(d, ste[0] & 0x00FFFFFFFFFFFFC0ull, 8, cd)) {
    return NotImplemented(d, "CD fetch external aborts");
  }
  if (!Bits(cd[0], 31, 31)) return Fault(d, t, o, C_BAD_CD, 0);
  const unsigned t0sz = (unsigned)Bits(cd[0], 5, 0), tg0 = (unsigned)Bits(cd[0], 7, 6);
  if (!Bits(cd[0], 41, 41) || tg0 != 0 || t0sz < 16 || t0sz > 39 || Bits(cd[0], 38, 38)) {
    return NotImplemented(d, "CDs other than AArch64, 4KB TG0, T0SZ 16..39, TBI0=0");
  }
  if (Bits(t->addr, 63, 64 - t0sz) != 0) {
    return NotImplemented(d, "addresses outside the TTB0 range");
  }
  if (Bits(cd[0], 14, 14)) return Fault(d, t, o, F_TRANSLATION, 1); /* EPD0 */
  return Walk(d, t, cd[1] & 0x000FFFFFFFFFFFF0ull, 64 - t0sz, o);
}

static int Translate(struct smmuref_dut *d, const smmuref_dut_txn *t, smmuref_dut_outcome *o) {
  memset(o, 0, sizeof *o);
  if (!(d->r32[CR0 / 4] & 1)) { /* SMMUEN=0: GBPA decides */
    if (d->r32[GBPA / 4] & (1u << 20)) return Abort(o);
    o->kind = SMMUREF_DUT_COMPLETED;
    o->pa = t->addr;
    return SMMUREF_DUT_OK;
  }
  const uint32_t cfg = d->r32[STRTAB_BASE_CFG / 4];
  if (Bits(cfg, 17, 16) != 0) return NotImplemented(d, "2-level stream tables");
  if (t->sid >= (1ull << Bits(cfg, 5, 0)) || t->sid >> Bits(d->idr[1], 5, 0)) {
    return Fault(d, t, o, C_BAD_STREAMID, 0);
  }
  uint64_t ste[8];
  if (!Read(d, (d->strtab_base & 0x00FFFFFFFFFFFFC0ull) + (uint64_t)t->sid * 64, 8, ste)) {
    return NotImplemented(d, "STE fetch external aborts");
  }
  if (!(ste[0] & 1)) return Fault(d, t, o, C_BAD_STE, 0);
  switch (Bits(ste[0], 3, 1)) {
    case 0: return Abort(o);
    case 4: o->kind = SMMUREF_DUT_COMPLETED; o->pa = t->addr; return SMMUREF_DUT_OK;
    case 5: return StageOne(d, t, ste, o);
    default: return Fault(d, t, o, C_BAD_STE, 0); /* stage 2 is not in this SMMU */
  }
}

/* ---- the command queue [IHI0070 §4] ---- */

static int Process(struct smmuref_dut *d) {
  if (!(d->r32[CR0 / 4] & 8) || (d->r32[GERROR / 4] ^ d->r32[GERRORN / 4]) & 1) return SMMUREF_DUT_OK;
  const unsigned log2 = QueueLog2(d->cmdq_base, (unsigned)Bits(d->idr[1], 25, 21)); /* CMDQS */
  const uint32_t ptr_mask = (2u << log2) - 1;
  const uint64_t base = QueueBase(d->cmdq_base, log2, 4);
  for (;;) {
    const uint32_t prod = d->r32[CMDQ_PROD / 4] & ptr_mask, cons = d->r32[CMDQ_CONS / 4] & ptr_mask;
    if (prod == cons) return SMMUREF_DUT_OK;
    uint64_t cmd[2];
    if (!Read(d, base + (uint64_t)(cons & ((1u << log2) - 1)) * 16, 2, cmd)) {
      return NotImplemented(d, "command fetch external aborts");
    }
    const unsigned op = (unsigned)(cmd[0] & 0xFF);
    const int known = op == 0x01 || op == 0x02 || (op >= 0x03 && op <= 0x06) ||
                      op == 0x10 || op == 0x11 || op == 0x12 || op == 0x20 || op == 0x28 ||
                      op == 0x29 || op == 0x2A || op == 0x30 || op == 0x46;
    if (!known) { /* CERROR_ILL: CONS stays, CMDQ_ERR activates */
      d->r32[CMDQ_CONS / 4] = (d->r32[CMDQ_CONS / 4] & ~(0x7Fu << 24)) | 1u << 24;
      d->r32[GERROR / 4] ^= 1;
      return SMMUREF_DUT_OK;
    }
    if (op == 0x46 && Bits(cmd[0], 13, 12) == 1) return NotImplemented(d, "CMD_SYNC with an MSI");
    /* No caches: every invalidation is complete as soon as it is consumed. */
    d->r32[CMDQ_CONS / 4] = (d->r32[CMDQ_CONS / 4] & ~ptr_mask) | ((cons + 1) & ptr_mask);
  }
}

/* ---- create / destroy ---- */

static smmuref_dut *Create(const smmuref_dut_profile *p, const smmuref_dut_memory *mem) {
  /* IDR0.S2P must be 0, ST_LEVEL 0 (linear only), IDR1.SSIDSIZE 0. */
  if ((p->idr[0] & 1) || Bits(p->idr[0], 28, 27) != 0 || Bits(p->idr[1], 10, 6) != 0) {
    snprintf(create_error, sizeof create_error,
             "not implemented: profile '%s' needs stage 2, 2-level stream tables or substreams "
             "(tiny-smmu: see tiny_smmu.profile)", p->name);
    return NULL;
  }
  struct smmuref_dut *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  memcpy(d->idr, p->idr, sizeof d->idr);
  d->aidr = p->aidr;
  d->mem = mem;
  return d;
}

static void Destroy(smmuref_dut *d) { free(d); }

static const char *LastError(smmuref_dut *d) { return d ? d->error : create_error; }

#ifdef TINY_SMMU_ABI_V1
#define TINY_SMMU_ABI 1u
#else
#define TINY_SMMU_ABI SMMUREF_DUT_ABI_VERSION
#endif

static const smmuref_dut_ops kOps = {
    TINY_SMMU_ABI,
    "tiny-smmu (examples/dut-c)",
    "# tiny-smmu: stage 1 only, linear stream table, no substreams\n"
    "inherit s1only-nossid\nst_level = 0\ncd2l = 0\nmsi = 0\n",
    Create, Destroy, RegRead, RegWrite, Translate, Process, LastError,
};

__attribute__((visibility("default"))) const uint32_t smmuref_dut_abi_version =
    TINY_SMMU_ABI;
__attribute__((visibility("default"))) const smmuref_dut_ops *smmuref_dut_entry(void) {
  return &kOps;
}
