// The reference model (model/arch) exported through the DUT ABI v2 (spec/include/smmuref/dut.h):
// the built-in device "model-abi". The model's caching rules allow any value a location held
// since the last covering invalidation, so it needs the memory's history, which read64 cannot
// give: it keeps its own copy of memory from the harness's notes (every CPU store, clean and
// abort range, in order), and copies every store it makes itself (event records, CMD_SYNC MSIs)
// to the harness's memory through write64, where the harness reads them. As a device it commits
// one outcome per transaction: the first allowed one, the outcome on current memory.
// Tests: tests/conformance/dut_abi_test.cc (ModelThroughTheAbi*)
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dut_device.h"
#include "smmuref/model/arch/smmu.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform::dut {

namespace {

struct ModelDut {
  ModelDut(const spec::Profile& p, const smmuref_dut_memory& m) : smmu(p), mem(m) {}
  model::arch::Smmu smmu;
  smmuref_dut_memory mem;
  uint64_t seq = 0;  // the last note taken
  std::string error;
};

std::string g_create_error;

ModelDut* Cast(smmuref_dut* d) { return reinterpret_cast<ModelDut*>(d); }

// Runs one step of the SMMU and copies the stores it made to the harness's memory. A store the
// harness answers with an abort is one the model made to an abort range it was told of; the
// model has already taken the abort into account, so nothing more happens.
template <typename Step>
void AsSmmu(ModelDut* d, Step step) {
  std::vector<std::pair<uint64_t, uint64_t>> stores;
  d->smmu.memory().LogStores(&stores);
  step();
  d->smmu.memory().LogStores(nullptr);
  for (const auto& [pa, value] : stores) d->mem.write64(d->mem.ctx, pa, value);
}

smmuref_dut* Create(const smmuref_dut_profile* profile, const smmuref_dut_memory* mem) {
  auto p = spec::ParseProfile(profile->text, "the harness's profile");
  if (!p) {
    g_create_error = p.error().ToString();
    return nullptr;
  }
  p->name = profile->name;
  return reinterpret_cast<smmuref_dut*>(new ModelDut(*p, *mem));
}

int Refuse(ModelDut* d, uint32_t offset) {
  d->error = "no register at offset " + std::to_string(offset);
  return SMMUREF_DUT_NOT_IMPLEMENTED;
}

int RegRead(smmuref_dut* dut, uint32_t offset, uint32_t size, uint64_t* value) {
  ModelDut* d = Cast(dut);
  spec::Reg r;
  bool high;
  if (!LocateReg(offset, size, &r, &high)) return Refuse(d, offset);
  const uint64_t v = d->smmu.ReadReg(r);
  *value = size == 64 ? v : high ? v >> 32 : v & 0xffffffffu;
  return SMMUREF_DUT_OK;
}

int RegWrite(smmuref_dut* dut, uint32_t offset, uint32_t size, uint64_t value) {
  ModelDut* d = Cast(dut);
  spec::Reg r;
  bool high;
  if (!LocateReg(offset, size, &r, &high)) return Refuse(d, offset);
  AsSmmu(d, [&] {
    if (size == 64 || !spec::RegIs64(r)) d->smmu.WriteReg(r, value);
    else d->smmu.WriteReg32(r, high, static_cast<uint32_t>(value));
  });
  return SMMUREF_DUT_OK;
}

int Translate(smmuref_dut* dut, const smmuref_dut_txn* t, smmuref_dut_outcome* out) {
  ModelDut* d = Cast(dut);
  spec::Txn txn;
  txn.sid = t->sid;
  txn.ssid = t->ssid;
  txn.ssv = t->ssv != 0;
  txn.addr = t->addr;
  txn.write = t->access == SMMUREF_DUT_WRITE;
  txn.instr = t->access == SMMUREF_DUT_EXEC;
  txn.priv = t->priv != 0;
  auto allowed = d->smmu.Translate(txn);
  if (!allowed) {
    // The model's allowed-set bound (R-CACHE-009): this device cannot say what it does.
    d->error = allowed.error().message;
    return SMMUREF_DUT_FAILED;
  }
  const spec::TxnOutcome& o = allowed->front();
  AsSmmu(d, [&] { d->smmu.Commit(o); });
  *out = smmuref_dut_outcome{};
  using K = spec::TxnOutcome::Kind;
  if (o.kind == K::kUnpredictable) {
    // Any outcome is allowed (the model forgets what its event queue holds): terminate, and do
    // not say which record, since the model wrote none.
    out->kind = SMMUREF_DUT_ABORTED;
    return SMMUREF_DUT_OK;
  }
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
  ModelDut* d = Cast(dut);
  AsSmmu(d, [&] { d->smmu.ProcessCommands(); });
  return SMMUREF_DUT_OK;
}

// The memory's history, from the harness's notes: the model's own memory takes every CPU store
// in the harness's order, so its caching rules see what each location held and when.
int Note(smmuref_dut* dut, const smmuref_dut_note* n) {
  ModelDut* d = Cast(dut);
  if (n->seq != d->seq + 1) {
    d->error = "memory note " + std::to_string(n->seq) + " after note " + std::to_string(d->seq) +
               ": a note is missing, so the memory's history is not known";
    return SMMUREF_DUT_FAILED;
  }
  d->seq = n->seq;
  model::arch::Memory& m = d->smmu.memory();
  switch (n->kind) {
    case SMMUREF_DUT_NOTE_WRITE: m.Write64(n->pa, n->value); break;
    case SMMUREF_DUT_NOTE_CLEAN: m.Clean(n->pa, n->value); break;
    case SMMUREF_DUT_NOTE_ABORT: m.AddAbortRange(n->pa, n->value); break;
    default: break;  // a later kind: dut.h says to ignore it
  }
  return SMMUREF_DUT_OK;
}

const char* LastError(smmuref_dut* dut) {
  return dut ? Cast(dut)->error.c_str() : g_create_error.c_str();
}

}  // namespace

const smmuref_dut_ops* ModelDutOps() {
  static const smmuref_dut_ops ops = {
      SMMUREF_DUT_ABI_VERSION,
      "model (the reference model, through dut.h v2)",
      nullptr,
      Create,
      [](smmuref_dut* d) { delete Cast(d); },
      RegRead,
      RegWrite,
      Translate,
      Process,
      LastError,
      Note,
  };
  return &ops;
}

}  // namespace smmuref::conform::dut
