// `--dut qemu`: QEMU's SMMUv3 (conform/src/qemu_smmu.h) behind the harness's Device contract.
// A concrete device: every transaction completes inside Translate, QEMU writing its event record
// to the queue in guest RAM, where the harness reads it as it reads any device's. What QEMU or
// this adapter cannot present stops the device with "not implemented by the DUT" naming it:
// memory outside guest RAM, injected aborts, StreamIDs without a PCI function, SubstreamIDs,
// instruction fetches and unprivileged transactions (qemu_smmu.h lists why).
// `qemu:SID,SID,...` chooses the StreamIDs (default 0x10,0x11: the layout of
// corpus/vectors/qemu/). A machine without qemu-system-aarch64 gets a clear error, exit 2.
// Tests: tests/conform/qemu_smmu_test.cc, corpus/vectors/qemu/ (ctest qemu/vectors when QEMU is
// installed)
#include "qemu_device.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "qemu_smmu.h"
#include "smmuref/spec/format.h"
#include "smmuref/model/arch/regs.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform {

namespace {

using spec::Hex;

using spec::ErrorKind;
using spec::Reg;

bool Is64(Reg r) {
  switch (r) {
    case Reg::STRTAB_BASE: case Reg::CMDQ_BASE: case Reg::EVENTQ_BASE:
    case Reg::GERROR_IRQ_CFG0: case Reg::EVENTQ_IRQ_CFG0:
      return true;
    default:
      return false;
  }
}

class QemuDevice final : public Device {
 public:
  explicit QemuDevice(std::unique_ptr<QemuSmmu> q) : q_(std::move(q)) {}
  // A device that stops on its first step: QEMU cannot present `why`.
  explicit QemuDevice(const std::string& why) { NotImplemented(why); }
  std::string Name() const override { return "qemu"; }

  void MemWrite64(uint64_t pa, uint64_t value) override {
    if (Stopped()) return;
    if (!q_->InRam(pa, 8)) return NotImplemented("memory at " + Hex(pa) + outside_);
    Check(q_->MemWrite64(pa, value));
  }
  uint64_t MemRead64(uint64_t pa) override {
    if (Stopped() || !q_->InRam(pa, 8)) return 0;
    auto v = q_->MemRead64(pa);
    return Check(v) ? *v : 0;
  }
  // QEMU's walker is coherent with the CPU's stores: nothing to clean.
  void MemClean(uint64_t, uint64_t) override {}
  void MemAbort(uint64_t pa, uint64_t) override {
    NotImplemented("an external abort injected at " + Hex(pa) +
                   " (QEMU's guest RAM cannot be made to abort)");
  }
  uint64_t RegRead(Reg r) override {
    if (Stopped()) return 0;
    auto v = q_->RegRead(spec::RegOffset(r), Is64(r) ? 8 : 4);
    return Check(v) ? *v : 0;
  }
  void RegWrite(Reg r, uint64_t value) override {
    if (Stopped()) return;
    Check(q_->RegWrite(spec::RegOffset(r), Is64(r) ? 8 : 4, value));
  }
  void RegWrite32(Reg r, bool high, uint32_t value) override {
    if (Stopped()) return;
    Check(q_->RegWrite(spec::RegOffset(r) + (high ? 4 : 0), 4, value));
  }
  // QEMU consumes commands when CMDQ_PROD is written; by then `process` has nothing to do.
  void ProcessCommands() override {}

  spec::Result<std::vector<spec::TxnOutcome>> Translate(const spec::Txn& txn) override {
    if (!Stopped()) {
      if (txn.ssv) {
        NotImplemented("SubstreamIDs (QEMU 7.2's SMMUv3 has none)");
      } else if (txn.instr) {
        NotImplemented("instruction fetches (the edu test device makes data accesses only)");
      } else if (!txn.priv) {
        NotImplemented("unprivileged transactions (QEMU 7.2 treats every DMA as privileged)");
      } else if (!q_->HasSid(txn.sid)) {
        NotImplemented("StreamID " + Hex(txn.sid) + " (no PCI function presents it; choose "
                       "StreamIDs with --dut qemu:SID,...)");
      }
    }
    if (Stopped()) return *Stopped();
    auto d = q_->Dma(txn.sid, txn.addr, txn.write);
    if (!Check(d)) return *Stopped();
    spec::TxnOutcome o;
    o.kind = d->completed ? spec::TxnOutcome::Kind::kOk : spec::TxnOutcome::Kind::kAbort;
    o.pa = d->pa;
    // QEMU's trace says whether the access completed, not which record it attempted: only the
    // record it wrote to the event queue is compared.
    o.event_reported = false;
    return std::vector<spec::TxnOutcome>{o};
  }

 private:
  void NotImplemented(const std::string& what) {
    Stop(spec::Error{"qemu", "not implemented by the DUT: " + what, ErrorKind::kNotImplemented});
  }
  template <typename T>
  bool Check(const spec::Result<T>& r) {
    if (r.ok()) return true;
    Stop(spec::Error{"qemu", r.error().message, ErrorKind::kDeviceFailure});
    return false;
  }

  std::unique_ptr<QemuSmmu> q_;
  const std::string outside_ = " (outside QEMU's guest RAM from 0x40000000: structures and "
                               "queues must be there, as in corpus/vectors/qemu/)";
};

// The StreamIDs of a `qemu:SID,...` name, or what is wrong with it.
std::string ParseSids(const std::string& name, std::vector<uint32_t>* sids) {
  *sids = QemuOptions{}.sids;
  if (name == "qemu") return "";
  sids->clear();
  std::stringstream list(name.substr(5));
  for (std::string item; std::getline(list, item, ',');) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(item.c_str(), &end, 0);
    if (item.empty() || *end != '\0' || v < 8 || v > 0xff) {
      return "a StreamID of --dut qemu:SID,... is a PCI devfn from 8 to 0xff; got '" + item + "'";
    }
    sids->push_back(static_cast<uint32_t>(v));
  }
  if (sids->empty()) return "--dut qemu:SID,... names no StreamID";
  return "";
}

// The first ID register whose value under `p` is not what QEMU presents, or an empty string.
std::string IdrDifference(const spec::Profile& p, const spec::Profile& qemu) {
  for (Reg r : {Reg::IDR0, Reg::IDR1, Reg::IDR2, Reg::IDR3, Reg::IDR4, Reg::IDR5, Reg::AIDR}) {
    const uint32_t want = model::arch::EncodeIdr(r, p), has = model::arch::EncodeIdr(r, qemu);
    if (want != has) {
      return std::string("profile '") + p.name + "' (" + spec::RegName(r) + " " + Hex(want) +
             "; QEMU 7.2 presents " + Hex(has) + ", profile qemu-7-2)";
    }
  }
  return "";
}

}  // namespace

bool IsQemuName(const std::string& name) { return name == "qemu" || name.rfind("qemu:", 0) == 0; }

std::string QemuNameProblem(const std::string& name) {
  std::vector<uint32_t> sids;
  return ParseSids(name, &sids);
}

std::string QemuOwnProfile() { return "inherit qemu-7-2\n"; }

Platform QemuPlatform(const std::string& name) {
  Platform pl;
  QemuOptions o;
  if (ParseSids(name, &o.sids).empty()) pl.sids = o.sids;
  // Guest RAM from 0x40000000 (qemu_smmu.cc), the CPU's loop in its last page.
  const uint64_t ram = 0x40000000, ram_end = ram + (o.ram_mib << 20) - 0x1000;
  // QEMU puts its device tree at the start of RAM: memory the harness never wrote must read as
  // zero (R-MEM-001), so programs begin 1 MiB above it.
  pl.struct_base = ram + 0x100000;
  pl.out_base = ram + 0x8000000;
  pl.out_size = std::min<uint64_t>(0x7000000, ram_end - pl.out_base);
  pl.substreams = false;
  pl.aborts = false;
  pl.exec = false;
  pl.unprivileged = false;
  pl.profile = "qemu-7-2";
  return pl;
}

spec::Result<std::unique_ptr<Device>> MakeQemuDevice(const std::string& name,
                                                     const spec::Profile& p) {
  QemuOptions o;
  if (std::string problem = ParseSids(name, &o.sids); !problem.empty()) {
    return spec::Error{"--dut", problem};
  }
  auto qemu = spec::LoadProfile("qemu-7-2");
  SMMUREF_CHECK(qemu.ok(), "the qemu-7-2 profile is built in");
  if (std::string diff = IdrDifference(p, *qemu); !diff.empty()) {
    return std::unique_ptr<Device>(new QemuDevice(diff));
  }
  std::string found;
  if (!FindOnPath(o.binary, &found)) {
    return spec::Error{"--dut " + name,
                       "qemu-system-aarch64 is not installed (Debian package qemu-system-arm)",
                       ErrorKind::kNotImplemented};
  }
  auto q = QemuSmmu::Start(o);
  if (!q) return spec::Error{"--dut " + name, q.error().message, ErrorKind::kDeviceFailure};
  return std::unique_ptr<Device>(new QemuDevice(std::move(*q)));
}

}  // namespace smmuref::conform
