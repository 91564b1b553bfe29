// The optimized engine (impl/arch) exported through the DUT ABI (spec/include/smmuref/dut.h):
// the ABI's first client and the built-in device "impl-abi". Its memory is the harness's (every
// access through the dut.h callbacks), registers go by offset, and each transaction writes its
// record through the callbacks and reports the record it attempted. The conformance suite runs
// it next to "impl" to show that the ABI carries everything a direct device does.
// Tests: tests/conformance/dut_abi_test.cc
#include <memory>
#include <string>

#include "dut_device.h"
#include "smmuref/impl/arch/engine.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform::dut {

namespace {

struct ImplDut {
  explicit ImplDut(const spec::Profile& p) : engine(p) {}
  impl::arch::Engine engine;
  std::string error;
};

std::string g_create_error;

ImplDut* Cast(smmuref_dut* d) { return reinterpret_cast<ImplDut*>(d); }

int Refuse(ImplDut* d, uint32_t offset) {
  d->error = "no register at offset " + std::to_string(offset);
  return SMMUREF_DUT_NOT_IMPLEMENTED;
}

smmuref_dut* Create(const smmuref_dut_profile* profile, const smmuref_dut_memory* mem) {
  auto p = spec::ParseProfile(profile->text, "the harness's profile");
  if (!p) {
    g_create_error = p.error().ToString();
    return nullptr;
  }
  p->name = profile->name;
  auto* d = new ImplDut(*p);
  impl::arch::PhysMemory::External ext;
  ext.ctx = mem->ctx;
  ext.read64 = mem->read64;
  ext.write64 = mem->write64;
  d->engine.UseExternalMemory(ext);
  return reinterpret_cast<smmuref_dut*>(d);
}

int RegRead(smmuref_dut* dut, uint32_t offset, uint32_t size, uint64_t* value) {
  ImplDut* d = Cast(dut);
  spec::Reg r;
  bool high;
  if (!LocateReg(offset, size, &r, &high)) {
    return Refuse(d, offset);
  }
  const uint64_t v = d->engine.ReadReg(r);
  *value = size == 64 ? v : high ? v >> 32 : v & 0xffffffffu;
  return SMMUREF_DUT_OK;
}

int RegWrite(smmuref_dut* dut, uint32_t offset, uint32_t size, uint64_t value) {
  ImplDut* d = Cast(dut);
  spec::Reg r;
  bool high;
  if (!LocateReg(offset, size, &r, &high)) {
    return Refuse(d, offset);
  }
  if (size == 64 || !spec::RegIs64(r)) d->engine.WriteReg(r, value);
  else d->engine.WriteReg32(r, high, static_cast<uint32_t>(value));
  return SMMUREF_DUT_OK;
}

int Translate(smmuref_dut* dut, const smmuref_dut_txn* t, smmuref_dut_outcome* out) {
  ImplDut* d = Cast(dut);
  spec::Txn txn;
  txn.sid = t->sid;
  txn.ssid = t->ssid;
  txn.ssv = t->ssv != 0;
  txn.addr = t->addr;
  txn.write = t->access == SMMUREF_DUT_WRITE;
  txn.instr = t->access == SMMUREF_DUT_EXEC;
  txn.priv = t->priv != 0;
  const spec::TxnOutcome o = d->engine.Translate(txn);
  d->engine.Commit(o);
  *out = smmuref_dut_outcome{};
  using K = spec::TxnOutcome::Kind;
  out->kind = o.kind == K::kOk ? SMMUREF_DUT_COMPLETED
              : o.kind == K::kRazWi ? SMMUREF_DUT_RAZ_WI
                                    : SMMUREF_DUT_ABORTED;
  out->pa = o.kind == K::kOk ? o.pa : 0;
  out->event_reported = 1;
  out->has_event = o.event.has_value();
  if (o.event) spec::EncodeEvent(*o.event, out->event);
  return SMMUREF_DUT_OK;
}

int Process(smmuref_dut* dut) {
  Cast(dut)->engine.ProcessCommands();
  return SMMUREF_DUT_OK;
}

const char* LastError(smmuref_dut* dut) {
  return dut ? Cast(dut)->error.c_str() : g_create_error.c_str();
}

}  // namespace

const smmuref_dut_ops* ImplDutOps() {
  static const smmuref_dut_ops ops = {
      SMMUREF_DUT_ABI_VERSION,
      "impl (the optimized engine, through dut.h)",
      nullptr,
      Create,
      [](smmuref_dut* d) { delete Cast(d); },
      RegRead,
      RegWrite,
      Translate,
      Process,
      LastError,
  };
  return &ops;
}

}  // namespace smmuref::conform::dut
