// The RapidCheck stateful test of impl/arch against the model (arch_diff_test.cc): the abstract
// configuration that generates realistic programs (ArchModel, a copyable value), the builder of
// vector lines (Program), and the system under test (ArchSut: impl and model in lockstep, and a
// recorder of every line so a failure is a replayable vector, spec/vector-format.md).
//
// Memory plan: the stream table, queues and the nested stage-2 identity at fixed addresses; each
// StreamID owns a 4MB region for its CDs and page tables, so setting up one stream writes the
// same lines whatever else the sequence did (shrinking keeps programs meaningful).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "smmuref/conform/device.h"
#include "smmuref/conform/evtq_reader.h"
#include "smmuref/conform/lockstep.h"
#include "smmuref/conform/progen.h"
#include "smmuref/spec/profile.h"
#include "smmuref/spec/tables.h"

namespace smmuref::stateful {

inline constexpr uint64_t kStrtab = 0x100000;  // linear, 16 STEs
inline constexpr uint64_t kEvtq = 0x200000;    // 2^5 records
inline constexpr uint64_t kCmdq = 0x210000;    // 2^8 commands
inline constexpr unsigned kCmdqLog2 = 8;
inline constexpr unsigned kMaxQueued = 200;  // commands written and not yet processed
inline constexpr uint64_t kS2Identity = 0x300000;
inline constexpr uint64_t kRegionBase = 0x1000000, kRegionSize = 0x400000;
inline constexpr uint32_t kSids = 16;
inline constexpr uint64_t kS2Page = 0x7ff;   // valid page: MemAttr 0xF, S2AP RW, SH ISH, AF
inline constexpr uint64_t kS2Block = 0x7fd;  // the same as a block
inline constexpr uint64_t kOaMask = 0x0000fffffffff000ull;

inline std::string Hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

inline unsigned LevelShift(unsigned g, int level) {
  return g + static_cast<unsigned>(3 - level) * (g - 3);
}

enum class Kind { kAbort, kInvalid, kBypass, kS1, kS2, kNested };
inline const char* KindName(Kind k) {
  static const char* kNames[] = {"abort", "invalid", "bypass", "s1", "s2", "nested"};
  return kNames[static_cast<int>(k)];
}

struct Root {
  uint64_t base = 0;
  int start = 0;
  unsigned g = 12;
  unsigned ia = 48;
};

struct Leaf {
  uint64_t va = 0;  // input address (VA, or IPA for stage 2)
  uint64_t desc_pa = 0;
  unsigned size_log2 = 12;
  bool s2 = false;
  bool block = false;
  bool split = false;  // a block replaced by a table: desc_pa now holds a table descriptor
  uint64_t desc = 0;   // current descriptor
  uint64_t attrs = 0;  // attributes of the first mapping, for re-mapping after an unmap
};

struct Stream {
  uint32_t sid = 0;
  Kind kind = Kind::kBypass;
  uint16_t asid = 0, vmid = 0;
  uint64_t ste[8] = {};
  uint64_t cd[8] = {};
  uint64_t ste_pa = 0, cd_pa = 0;
  bool substreams = false;
  Root s1, s2;
  uint64_t next = 0;                   // allocator inside the stream's region
  std::map<uint64_t, uint64_t> table;  // table descriptors written, by PA
  std::vector<Leaf> leaves;
  bool HasS1() const { return kind == Kind::kS1 || kind == Kind::kNested; }
};

// A change software has made and not yet invalidated.
struct Dirty {
  enum class What { kSte, kCd, kS1, kS2 } what;
  uint32_t sid = 0;
  uint16_t asid = 0, vmid = 0;
  uint64_t va = 0;
};

// The RapidCheck model: what software believes it configured. It only steers generation.
struct ArchModel {
  std::string profile_line;
  spec::Profile p;
  std::vector<Stream> streams;
  std::vector<Dirty> dirty;
  unsigned queued = 0;

  const Stream* Find(uint32_t sid) const {
    for (const auto& s : streams) if (s.sid == sid) return &s;
    return nullptr;
  }
  Stream* Find(uint32_t sid) {
    for (auto& s : streams) if (s.sid == sid) return &s;
    return nullptr;
  }
  uint16_t Vmid(const Stream& s) const { return p.s2p ? s.vmid : 0; }
};

// Builds the vector lines of one operation. Random choices (cleaning after writes on a
// non-coherent walker) are made while building, so the lines are fixed once built.
class Program {
 public:
  Program(const spec::Profile& p, conform::Random* r) : p_(p), r_(r) {}
  void Line(std::string l) { lines_.push_back(std::move(l)); }
  void W(uint64_t pa, uint64_t v, bool may_clean = true) {
    Line("mem.write64 " + Hex(pa) + " " + Hex(v));
    if (may_clean && !p_.coherent_walk && r_ && r_->Chance(80)) Clean(pa, 8);
  }
  void Clean(uint64_t pa, uint64_t len) { Line("mem.clean " + Hex(pa) + " " + Hex(len)); }
  void Cmd(const uint64_t c[2]) { Line("cmd " + Hex(c[0]) + " " + Hex(c[1])); }
  void Sync() {
    uint64_t c[2] = {spec::cmd::op::CMD_SYNC, 0};
    Cmd(c);
    Line("process");
  }
  std::vector<std::string>& lines() { return lines_; }
  conform::Random* random() { return r_; }

 private:
  const spec::Profile& p_;
  conform::Random* r_;
  std::vector<std::string> lines_;
};

inline void EncodeCmd(uint64_t c[2], uint8_t op) {
  c[0] = c[1] = 0;
  spec::Set(c, spec::cmd::Opcode, op);
}

// Allocates in the stream's region; the region is sized so a stream never overflows it.
inline uint64_t Alloc(Stream& s, uint64_t size, uint64_t align) {
  s.next = (s.next + align - 1) & ~(align - 1);
  const uint64_t a = s.next;
  s.next += size;
  return a;
}

inline Root NewRoot(Stream& s, unsigned g, unsigned ia, int start) {
  Root rt{0, start, g, ia};
  const unsigned bits = ia - LevelShift(g, start);
  const uint64_t size = std::max<uint64_t>(64, uint64_t{8} << bits);
  rt.base = Alloc(s, size, std::max<uint64_t>(size, uint64_t{1} << g));
  return rt;
}

// The PA of the descriptor for `va` at `level`, creating intermediate tables as needed.
inline uint64_t LeafAddress(Stream& s, const Root& rt, uint64_t va, int level, Program& out) {
  uint64_t table = rt.base;
  for (int l = rt.start;; ++l) {
    const unsigned shift = LevelShift(rt.g, l);
    const unsigned bits = l == rt.start ? rt.ia - shift : rt.g - 3;
    const uint64_t pa = table + ((va >> shift) & ((uint64_t{1} << bits) - 1)) * 8;
    if (l == level) return pa;
    auto it = s.table.find(pa);
    if (it == s.table.end()) {
      const uint64_t d = Alloc(s, uint64_t{1} << rt.g, uint64_t{1} << rt.g) | 3;
      out.W(pa, d);
      it = s.table.emplace(pa, d).first;
    }
    table = it->second & kOaMask & ~((uint64_t{1} << rt.g) - 1);
  }
}

// The command queue and event queue geometry, and the system under test.
class ArchSut {
 public:
  explicit ArchSut(const ArchModel& m);
  // Executes lines on impl and model in lockstep and records them. Returns the mismatches.
  std::vector<std::string> Run(const std::string& what, const std::vector<std::string>& lines);
  std::string Vector() const { return vector_; }
  bool bounded() const { return bounded_; }
  const conform::LockstepDevice& dev() const { return *dev_; }

 private:
  void Exec(const std::string& line);

  spec::Profile p_;
  std::unique_ptr<conform::LockstepDevice> dev_;
  std::string vector_;
  std::vector<std::string> errors_;
  bool bounded_ = false;
};

// The lines that reset the device and enable it (the start of every recorded vector).
std::vector<std::string> ResetLines(const ArchModel& m);

}  // namespace smmuref::stateful
