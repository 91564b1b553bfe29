// Grammar-aware mutations of vector files for fuzz_vectors_parser.cc: whole lines are swapped,
// duplicated, deleted or inserted from templates of every directive, and single tokens are
// swapped, duplicated or replaced by boundary numbers (0, 2^32, 2^64-1, 2^64, ...) and the other
// kinds of mistake the bad-input suite (tests/badinput/cases/) is made of; the address and length
// operands of a range operation get pairs at the edges of the address space. One mutation in four is
// libFuzzer's own byte-level one, so encodings (NUL, CR, bytes that are not UTF-8) are reached too.
// Used only by the libFuzzer build; the replay build never calls it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <random>
#include <utility>
#include <string>
#include <vector>

namespace smmuref::fuzz {

// One line of each kind, so that a mutation can bring in any directive with plausible operands.
inline const std::vector<std::string>& LineTemplates() {
  static const std::vector<std::string> t = {
      "profile full", "profile noncoherent coherent_walk=0", "profile full-v32 ssidsize=0",
      "mem.write64 0x1000c0 0x30000b", "mem.write64 0x300000 0x16205c0000010",
      "mem.clean 0x400000 0x1000", "mem.abort 0x500000 0x1000",
      "reg.write64 STRTAB_BASE 0x100000", "reg.write32 STRTAB_BASE_CFG 0x4",
      "reg.write64 EVENTQ_BASE 0x200004", "reg.write64 CMDQ_BASE 0x210004", "reg.write32 CR0 0xd",
      "reg.write32 CR0+4 0", "reg.expect32 CR0ACK 0xd", "reg.expect64 EVENTQ_PROD 0",
      "cmd 0x100000003 0x1", "cmd 0x46 0x0", "cmd 0x12 0x1000", "process",
      "txn 3 - 0x1234 r", "txn 3 0 0x1234 wp", "expect ok 0x800234", "expect abort", "expect raz",
      "expect fault C_BAD_STE sid=3 class=CD", "expect oneof abort | ok 0x1234",
      "event.expect F_TRANSLATION sid=3 s2=0", "event.none",
      "api.knob min_pasid=1", "api.instance s0 pgsize=0x40201000 pasid_bits=20 features=sva",
      "api.device d0 s0 sids=0x10 pasid_bits=20", "api.domain.alloc dom paging dev=d0 -> 0",
      "api.attach dom d0 -> 0", "api.map dom 0x200000 0x80200000 0x200000 rw -> 0",
      "api.unmap dom 0x200000 0x1000 -> 0x1000", "api.iova_to_phys dom 0x200000",
      "api.pgsize 0x40201000 0 0 0x201000", "api.pasid.alloc d0 -> 0 pasid=$p",
      "api.pasid.free $p", "api.sva.bind h1 d0 mm1 -> 0 pasid=$q", "api.sva.unbind h1",
      "api.dma.mask d0 0xffffffff", "api.dma.map d0 0x1000 0x2000 bidir -> 0 iova=$i",
      "api.dma.sync d0 $i 0x1000 bidir cpu", "api.expect.leaf dom 0x200000 pa=0x80200000",
      "api.expect.pasid d0 1 none",
  };
  return t;
}

// Values at the edges of every field width, and the number forms the reader must refuse.
inline const std::vector<std::string>& BoundaryTokens() {
  static const std::vector<std::string> t = {
      "0", "1", "7", "8", "0xfff", "0x1000", "0xfffff", "0x100000", "0xffffffff", "0x100000000",
      "0x100000001", "0xfffffffffffff000", "0xfffffffffffffff8", "0xffffffffffffffff",
      "18446744073709551615", "18446744073709551616", "0x10000000000000000", "010", "0x", "-1",
      "+1", "1e3", "1.5", "-", "|", "->", "=", "x=", "=1", "$v", "!none"};
  return t;
}

// Address and length pairs at the edges of the address space: ranges that end exactly at 2^64 or
// 2^32, or run past them, or are huge from a low start.
inline const std::vector<std::pair<std::string, std::string>>& EdgeRanges() {
  static const std::vector<std::pair<std::string, std::string>> t = {
      {"0xfffffffffffffff8", "8"},     {"0xffffffffffffffff", "1"},
      {"0xfffffffffffff000", "0x1000"}, {"0xfffffffffffffff8", "9"},
      {"0", "0xffffffffffffffff"},     {"0x1000", "0xfffffffffffff000"},
      {"0xfffff000", "0x1000"},        {"0xffffffff", "2"},
      {"0x10000", "0x100000000000"},   {"0", "0x10000000000"}};
  return t;
}

// Where an operation's address and length operands are (token indexes, the op is token 0).
inline bool RangeOperands(const std::string& op, size_t* addr, size_t* len) {
  struct Row { const char* op; size_t addr, len; };
  static const Row rows[] = {{"mem.clean", 1, 2},    {"mem.abort", 1, 2},    {"api.map", 2, 4},
                             {"api.unmap", 2, 3},    {"api.dma.map", 2, 3},  {"api.dma.unmap", 2, 3},
                             {"api.dma.sync", 2, 3}, {"api.dma.free", 3, 2}, {"api.pgsize", 2, 4}};
  for (const Row& r : rows) {
    if (op == r.op) return *addr = r.addr, *len = r.len, true;
  }
  return false;
}

class VectorMutator {
 public:
  explicit VectorMutator(unsigned seed) : rnd_(seed) {}

  std::string Mutate(const std::string& text) {
    std::vector<std::string> lines = Split(text, '\n');
    if (lines.empty()) lines.push_back("smmuref-vectors 1");
    switch (Below(7)) {
      case 0: std::swap(lines[Below(lines.size())], lines[Below(lines.size())]); break;
      case 1: lines.insert(lines.begin() + Below(lines.size() + 1), lines[Below(lines.size())]); break;
      case 2: if (lines.size() > 1) lines.erase(lines.begin() + Below(lines.size())); break;
      case 3: lines.insert(lines.begin() + Below(lines.size() + 1), Pick(LineTemplates())); break;
      default: MutateToken(&lines[Below(lines.size())]); break;
    }
    // Most inputs keep the header, so that the mutations reach the operations behind it.
    if (lines[0] != "smmuref-vectors 1" && Below(8) != 0) lines.insert(lines.begin(), "smmuref-vectors 1");
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

 private:
  static std::vector<std::string> Split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    size_t b = 0;
    for (size_t e; (e = s.find(sep, b)) != std::string::npos; b = e + 1) parts.push_back(s.substr(b, e - b));
    if (b < s.size()) parts.push_back(s.substr(b));
    return parts;
  }

  void MutateToken(std::string* line) {
    std::vector<std::string> tok = Split(*line, ' ');
    if (tok.empty()) tok.push_back("");
    const size_t i = Below(tok.size());
    size_t addr = 0, len = 0;
    if (RangeOperands(tok[0], &addr, &len) && tok.size() > std::max(addr, len) && Below(3) == 0) {
      const auto& edge = EdgeRanges()[Below(EdgeRanges().size())];
      tok[addr] = edge.first;
      tok[len] = edge.second;
    } else switch (Below(5)) {
      case 0: tok[i] = Pick(BoundaryTokens()); break;
      case 1: tok.insert(tok.begin() + i, tok[i]); break;               // duplicate
      case 2: std::swap(tok[i], tok[Below(tok.size())]); break;         // swap
      case 3: tok.erase(tok.begin() + i); break;                        // drop
      default: {
        // A key=value keeps its key and gets a boundary value.
        const size_t eq = tok[i].find('=');
        tok[i] = (eq == std::string::npos ? "" : tok[i].substr(0, eq + 1)) + Pick(BoundaryTokens());
      }
    }
    line->clear();
    for (size_t k = 0; k < tok.size(); ++k) *line += (k ? " " : "") + tok[k];
  }

  size_t Below(size_t n) { return n ? std::uniform_int_distribution<size_t>(0, n - 1)(rnd_) : 0; }
  const std::string& Pick(const std::vector<std::string>& v) { return v[Below(v.size())]; }

  std::mt19937 rnd_;
};

}  // namespace smmuref::fuzz

// libFuzzer's byte-level mutator; absent (null) in the replay build, which never mutates.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size) __attribute__((weak));

namespace smmuref::fuzz {

// The body of LLVMFuzzerCustomMutator of the vector-text targets (fuzz_vectors_parser,
// fuzz_vectors_runner): one mutation in four is libFuzzer's byte-level one, the others
// VectorMutator's.
inline size_t MutateVectorText(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  if (LLVMFuzzerMutate && seed % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  VectorMutator m(seed);
  const std::string out = m.Mutate(std::string(reinterpret_cast<const char*>(data), size));
  const size_t n = out.size() < max_size ? out.size() : max_size;
  std::memcpy(data, out.data(), n);
  return n;
}

}  // namespace smmuref::fuzz
