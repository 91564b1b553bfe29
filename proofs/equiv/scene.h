// Small vector-file builders for counterexamples: a stream table with stage-1 and stage-2 STEs,
// CDs, page tables mapping one address through every level, and the command queue, written in
// the vector format (spec/vector-format.md) with the structures laid out from the spec field
// tables. Each wrong variant's counterexample becomes a vector through these, so that replaying
// it on the matching impl-mutant-K shows the same mistake.
// Tests: tests/proofs/equiv_main.cc (vectors replay in ctest: proofs/vectors/*)
#pragma once

#include <cstdint>
#include <string>

#include "smmuref/spec/profile.h"

namespace smmuref::proofs {

class Scene {
 public:
  // A vector under `profile` (a built-in name) with a linear stream table of 16 STEs at
  // 0x100000, a 16-record event queue at 0x200000 and a 16-command queue at 0x210000.
  Scene(const std::string& title, const std::string& profile);

  void Comment(const std::string& text) { text_ += "# " + text + "\n"; }
  void Line(const std::string& line) { text_ += line + "\n"; }
  void Write(uint64_t pa, uint64_t value, const std::string& what = "");

  // A stage-1 STE at `sid` whose single CD (at 0x300000 + 0x40 * sid) has TTB0 `ttb`, granule
  // 2^g, T0SZ `tsz`, ASID, and the TBI0 / PAN bits given; EPD1=1.
  void Stage1(unsigned sid, unsigned g, unsigned tsz, uint64_t ttb, uint16_t asid, bool tbi,
              bool pan);
  // A stage-2-only STE at `sid`: S2TTB, granule, S2T0SZ and S2SL0 as given, VMID 1.
  void Stage2(unsigned sid, unsigned g, unsigned t0sz, unsigned sl0, uint64_t ttb);
  // Tables from `start` down to `leaf_level` - 1 for `va` (from fresh pages), and `leaf` as
  // the descriptor at `leaf_level`; returns the address of the leaf descriptor.
  uint64_t Map(uint64_t ttb, unsigned g, unsigned ia_bits, unsigned start, uint64_t va,
               unsigned leaf_level, uint64_t leaf);
  uint64_t Page();  // a fresh 64KB-aligned page for a table
  void Enable();    // SMMUEN | EVENTQEN | CMDQEN
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  uint64_t next_page_ = 0x400000;
};

// Start level of a stage-1 walk (4 - ceil((IA - g) / (g - 3))).
unsigned S1Start(unsigned ia_bits, unsigned g);

}  // namespace smmuref::proofs
