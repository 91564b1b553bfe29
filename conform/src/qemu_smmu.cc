// QEMU's SMMUv3 over qtest: machine start, PCI set-up of the edu functions, register and RAM
// access, and client transactions as edu DMAs read back from QEMU's translation trace.
// Facts relied on (QEMU 7.2, hw/arm/virt.c, hw/misc/edu.c, hw/arm/smmuv3.c): the SMMU frame at
// 0x09050000, guest RAM from 0x40000000, the high PCIe ECAM window at 0x40_1000_0000 with bus 0
// behind the SMMU (requester ID = StreamID), the 32-bit MMIO window from 0x10000000; edu's DMA
// registers at BAR0 + 0x80 (source), 0x88 (destination), 0x90 (count), 0x98 (command: bit 0
// start, bit 1 direction edu-to-memory), its buffer at 0x40000 in its own address space, the
// transfer run by a timer 100 ms of virtual time after the start, and its `dma_mask` property
// (28 bits unless raised). The Debian build has no qtest accelerator (no `clock_step`), hence the
// idle CPU under icount below.
// Tests: tests/conform/qemu_smmu_test.cc
#include "qemu_smmu.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include "smmuref/spec/format.h"
#include "smmuref/spec/regex.h"

namespace smmuref::conform {

namespace {

using spec::Hex;

constexpr uint64_t kEcam = 0x4010000000ull;
constexpr uint64_t kMmioWindow = 0x10000000;
constexpr uint64_t kEduBuffer = 0x40000;
constexpr uint32_t kEduId = 0x11e81234;  // device 0x11e8, vendor 0x1234
constexpr uint64_t kLoopPage = 0x1000;      // the last page of RAM holds the CPU's idle loop
constexpr uint32_t kWfi = 0xd503207f;        // A64 WFI
constexpr uint32_t kBranchBack = 0x17ffffff;  // A64 B .-4
// edu finishes a DMA from a timer on QEMU's virtual clock, which advances only while its vCPU
// thread runs: on a loaded machine that takes a while. Polls of edu's command register: the
// first kDmaFastPolls back to back, then one per millisecond, for at most kDmaWait in all.
constexpr int kDmaFastPolls = 1000;
constexpr std::chrono::seconds kDmaWait{20};

spec::Error Fail(const std::string& what) { return spec::Error{"qemu", what}; }

std::string QemuVersion(const std::string& binary) {
  std::string out;
  if (FILE* f = popen((binary + " --version 2>/dev/null").c_str(), "r")) {
    char line[256];
    if (std::fgets(line, sizeof line, f)) out = line;
    pclose(f);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

std::optional<QemuDmaOutcome> ParseTranslateTrace(const std::string& line, uint32_t sid,
                                                  uint64_t iova) {
  static const spec::Regex kSuccess(
      "smmuv3_translate_success .*sid=0x([0-9a-f]+) iova=0x([0-9a-f]+) translated=0x([0-9a-f]+)");
  static const spec::Regex kOther(
      "smmuv3_translate_(bypass|disable|abort) .*sid=0x([0-9a-f]+) .*iova:0x([0-9a-f]+)");
  auto same = [&](const std::string& s, const std::string& a) {
    return std::stoull(s, nullptr, 16) == sid && std::stoull(a, nullptr, 16) == iova;
  };
  if (const auto m = kSuccess.Search(line)) {
    if (!same((*m)[1], (*m)[2])) return std::nullopt;
    return QemuDmaOutcome{true, std::stoull((*m)[3], nullptr, 16)};
  }
  if (const auto m = kOther.Search(line)) {
    if (!same((*m)[2], (*m)[3])) return std::nullopt;
    if ((*m)[1] == "abort") return QemuDmaOutcome{false, 0};
    return QemuDmaOutcome{true, iova};
  }
  return std::nullopt;
}

spec::Result<std::unique_ptr<QemuSmmu>> QemuSmmu::Start(const QemuOptions& o) {
  auto s = std::unique_ptr<QemuSmmu>(new QemuSmmu());
  if (o.ram_mib < 16 || o.ram_mib > 3072) return Fail("RAM size must be 16..3072 MiB");
  // The CPU runs a WFI loop in the last page of RAM (outside the window the adapter offers),
  // so that it is idle, and icount with sleep=off then moves virtual time straight to the next
  // timer deadline: edu's DMA timer fires at once instead of 100 ms later.
  const uint64_t loop = kRamBase + (o.ram_mib << 20) - kLoopPage;
  std::vector<std::string> argv = {o.binary, "-machine", "virt,iommu=smmuv3", "-cpu", "cortex-a57",
                                   "-m", std::to_string(o.ram_mib) + "M", "-qtest", "stdio",
                                   "-qtest-log", "/dev/null", "-display", "none", "-nodefaults",
                                   "-monitor", "none", "-serial", "none", "-icount",
                                   "shift=0,sleep=off"};
  for (auto [addr, insn] : {std::pair<uint64_t, uint32_t>{loop, kWfi}, {loop + 4, kBranchBack}}) {
    argv.push_back("-device");
    argv.push_back("loader,addr=" + Hex(addr) + ",data=" + Hex(insn) + ",data-len=4");
  }
  argv.push_back("-device");
  argv.push_back("loader,addr=" + Hex(loop) + ",cpu-num=0");
  std::map<uint32_t, bool> slots;  // slot -> whether function 0 is one of ours
  for (uint32_t sid : o.sids) {
    if (sid < 8 || sid > 0xff) return Fail("StreamID " + Hex(sid) + " is not a devfn in 8..0xff");
    if (sid % 8 == 0) slots[sid / 8] = true;
    else slots.emplace(sid / 8, false);
  }
  std::vector<uint32_t> sids = o.sids;
  // A function other than 0 needs a multi-function device at function 0 of its slot.
  for (auto& [slot, has0] : slots) {
    if (!has0) sids.push_back(slot * 8);
  }
  for (uint32_t sid : sids) {
    char addr[16];
    std::snprintf(addr, sizeof addr, "%02x.%x", sid / 8, sid % 8);
    argv.push_back("-device");
    argv.push_back(std::string("edu,addr=") + addr + ",dma_mask=0xffffffffffffffff" +
                   (sid % 8 == 0 ? ",multifunction=on" : ""));
  }
  for (const char* ev : {"smmuv3_translate_success", "smmuv3_translate_bypass",
                         "smmuv3_translate_disable", "smmuv3_translate_abort"}) {
    argv.push_back("-trace");
    argv.push_back(ev);
  }
  auto q = QtestProcess::Start(argv, o.timeout_ms);
  if (!q) return q.error();
  s->q_ = std::move(*q);
  s->sids_ = o.sids;
  s->ram_bytes_ = (o.ram_mib << 20) - kLoopPage;
  s->version_ = QemuVersion(o.binary);
  for (size_t i = 0; i < sids.size(); ++i) s->bar_[sids[i]] = kMmioWindow + (i << 20);
  if (auto r = s->SetUpPci(); !r) return r.error();
  return s;
}

spec::Result<uint64_t> QemuSmmu::Read(const std::string& op, uint64_t addr) {
  auto r = q_->Command(op + " " + Hex(addr));
  if (!r) return r.error();
  if (r->size() != 1) return Fail("QEMU answered " + op + " without a value");
  return std::stoull((*r)[0], nullptr, 16);
}

spec::Result<bool> QemuSmmu::Write(const std::string& op, uint64_t addr, uint64_t value) {
  auto r = q_->Command(op + " " + Hex(addr) + " " + Hex(value));
  if (!r) return r.error();
  return true;
}

spec::Result<bool> QemuSmmu::SetUpPci() {
  for (const auto& [sid, bar] : bar_) {
    const uint64_t cfg = kEcam + (uint64_t{sid} << 12);
    auto id = Read("readl", cfg);
    if (!id) return id.error();
    if (*id != kEduId) {
      return Fail("no edu device at devfn " + Hex(sid) + " (config space reads " + Hex(*id) + ")");
    }
    // BAR0, then memory decoding and bus mastering on.
    for (auto [off, v] : {std::pair<uint64_t, uint64_t>{0x10, bar}, {0x14, 0}, {0x04, 0x6}}) {
      if (auto w = Write("writel", cfg + off, v); !w) return w.error();
    }
    auto alive = Read("readl", bar);
    if (!alive) return alive.error();
    if ((*alive & 0xff) != 0xed) return Fail("edu at devfn " + Hex(sid) + " does not answer");
  }
  return true;
}

spec::Result<uint64_t> QemuSmmu::RegRead(uint64_t offset, unsigned bytes) {
  return Read(bytes == 8 ? "readq" : "readl", kSmmuBase + offset);
}

spec::Result<bool> QemuSmmu::RegWrite(uint64_t offset, unsigned bytes, uint64_t value) {
  return Write(bytes == 8 ? "writeq" : "writel", kSmmuBase + offset, value);
}

bool QemuSmmu::InRam(uint64_t pa, uint64_t len) const {
  return pa >= kRamBase && len <= ram_bytes_ && pa - kRamBase <= ram_bytes_ - len;
}

bool QemuSmmu::HasSid(uint32_t sid) const {
  for (uint32_t s : sids_) {
    if (s == sid) return true;
  }
  return false;
}

spec::Result<uint64_t> QemuSmmu::MemRead64(uint64_t pa) {
  if (!InRam(pa, 8)) return Fail("address " + Hex(pa) + " is outside QEMU's guest RAM");
  return Read("readq", pa);
}

spec::Result<bool> QemuSmmu::MemWrite64(uint64_t pa, uint64_t value) {
  if (!InRam(pa, 8)) return Fail("address " + Hex(pa) + " is outside QEMU's guest RAM");
  written_[pa] = value;
  return Write("writeq", pa, value);
}

spec::Result<QemuDmaOutcome> QemuSmmu::Dma(uint32_t sid, uint64_t iova, bool write) {
  if (!HasSid(sid)) return Fail("no PCI function presents StreamID " + Hex(sid));
  const uint64_t bar = bar_.at(sid);
  q_->DrainStderr();
  const uint64_t src = write ? kEduBuffer : iova, dst = write ? iova : kEduBuffer;
  for (auto [off, v] : {std::pair<uint64_t, uint64_t>{0x80, src}, {0x88, dst}, {0x90, 1},
                        {0x98, write ? 3u : 1u}}) {
    if (auto w = Write("writeq", bar + off, v); !w) return w.error();
  }
  const auto deadline = std::chrono::steady_clock::now() + kDmaWait;
  for (int i = 0;; ++i) {
    auto cmd = Read("readq", bar + 0x98);
    if (!cmd) return cmd.error();
    if (!(*cmd & 1)) break;
    if (std::chrono::steady_clock::now() > deadline) {
      return Fail("the edu DMA at StreamID " + Hex(sid) + " did not finish within " +
                  std::to_string(kDmaWait.count()) + " s");
    }
    if (i >= kDmaFastPolls) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  QemuDmaOutcome out;  // no trace line: the SMMU terminated it before any trace point
  for (const std::string& line : q_->DrainStderr()) {
    if (auto o = ParseTranslateTrace(line, sid, iova)) out = *o;
  }
  if (out.completed && write && InRam(out.pa & ~uint64_t{7}, 8)) {
    const uint64_t word = out.pa & ~uint64_t{7};
    auto it = written_.find(word);
    if (auto w = Write("writeq", word, it == written_.end() ? 0 : it->second); !w) return w.error();
  }
  return out;
}

}  // namespace smmuref::conform
