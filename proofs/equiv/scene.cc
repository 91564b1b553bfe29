// Vector-file builders for counterexamples (scene.h).
// Tests: tests/proofs/equiv_main.cc
#include "scene.h"

#include "smmuref/spec/format.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

using spec::Hex;

unsigned S1Start(unsigned ia_bits, unsigned g) {
  const unsigned stride = g - 3;
  return 4 - (ia_bits - g + stride - 1) / stride;
}

Scene::Scene(const std::string& title, const std::string& profile) {
  text_ = "smmuref-vectors 1\n# " + title + "\n# Written by smmuref prove from a counterexample.\n";
  text_ += "profile " + profile + "\n";
  text_ += "reg.write64 STRTAB_BASE 0x100000\n";
  text_ += "reg.write32 STRTAB_BASE_CFG 0x4\n";
  text_ += "reg.write64 EVENTQ_BASE 0x200004\n";
  text_ += "reg.write64 CMDQ_BASE 0x210004\n";
}

void Scene::Write(uint64_t pa, uint64_t value, const std::string& what) {
  text_ += "mem.write64 " + Hex(pa) + " " + Hex(value) + (what.empty() ? "" : "  # " + what) + "\n";
}

void Scene::Stage1(unsigned sid, unsigned g, unsigned tsz, uint64_t ttb, uint16_t asid, bool tbi,
                   bool pan) {
  const uint64_t cd_addr = 0x300000 + 0x40 * sid;
  uint64_t ste[8] = {};
  spec::Set(ste, spec::ste::V, 1);
  spec::Set(ste, spec::ste::Config, 5);
  spec::Set(ste, spec::ste::S1ContextPtr, cd_addr >> 6);
  for (unsigned i = 0; i < 2; ++i) {
    Write(0x100000 + 64 * sid + 8 * i, ste[i], i == 0 ? "STE: stage 1, one CD" : "");
  }
  uint64_t cd[8] = {};
  namespace f = spec::cd;
  spec::Set(cd, f::T0SZ, tsz);
  spec::Set(cd, f::TG0, g == 12 ? 0 : g == 16 ? 1 : 2);
  spec::Set(cd, f::EPD1, 1);
  spec::Set(cd, f::V, 1);
  spec::Set(cd, f::IPS, 5);
  spec::Set(cd, f::TBI0, tbi);
  spec::Set(cd, f::PAN, pan);
  spec::Set(cd, f::AA64, 1);
  spec::Set(cd, f::R, 1);
  spec::Set(cd, f::A, 1);
  spec::Set(cd, f::ASID, asid);
  spec::Set(cd, f::TTB0, ttb >> f::TTB0.lsb % 64);
  Write(cd_addr, cd[0], "CD: T0SZ=" + std::to_string(tsz) + " granule 2^" + std::to_string(g) +
                            " ASID " + std::to_string(asid) + (tbi ? " TBI0" : "") + (pan ? " PAN" : ""));
  Write(cd_addr + 8, cd[1], "CD: TTB0");
}

void Scene::Stage2(unsigned sid, unsigned g, unsigned t0sz, unsigned sl0, uint64_t ttb) {
  uint64_t ste[8] = {};
  namespace f = spec::ste;
  spec::Set(ste, f::V, 1);
  spec::Set(ste, f::Config, 6);
  spec::Set(ste, f::S2VMID, 1);
  spec::Set(ste, f::S2T0SZ, t0sz);
  spec::Set(ste, f::S2SL0, sl0);
  spec::Set(ste, f::S2TG, g == 12 ? 0 : g == 16 ? 1 : 2);
  spec::Set(ste, f::S2PS, 5);
  spec::Set(ste, f::S2AA64, 1);
  spec::Set(ste, f::S2R, 1);
  spec::Set(ste, f::S2TTB, ttb >> f::S2TTB.lsb % 64);
  for (unsigned i = 0; i < 4; ++i) {
    Write(0x100000 + 64 * sid + 8 * i, ste[i], i == 0 ? "STE: stage 2 only" : "");
  }
}

uint64_t Scene::Map(uint64_t ttb, unsigned g, unsigned ia_bits, unsigned start, uint64_t va,
                    unsigned leaf_level, uint64_t leaf) {
  uint64_t table = ttb;
  for (unsigned level = start;; ++level) {
    const unsigned shift = g + (3 - level) * (g - 3);
    const unsigned bits = level == start ? ia_bits - shift : g - 3;
    const uint64_t index = (va >> shift) & ((uint64_t{1} << bits) - 1);
    const uint64_t at = table + index * 8;
    if (level == leaf_level) {
      Write(at, leaf, "level " + std::to_string(level) + " leaf");
      return at;
    }
    const uint64_t next = Page();  // 64KB apart: aligned for every granule
    Write(at, next | 3, "level " + std::to_string(level) + " table");
    table = next;
  }
}

uint64_t Scene::Page() {
  const uint64_t p = next_page_;
  next_page_ += 0x10000;
  return p;
}

void Scene::Enable() {
  // The queue indexes reset to UNKNOWN values (C-REG-001): a vector that expects a CONS value
  // programs them first, or every value would pass.
  for (const char* r : {"CMDQ_PROD", "CMDQ_CONS", "EVENTQ_PROD", "EVENTQ_CONS"}) {
    Line(std::string("reg.write32 ") + r + " 0");
  }
  Line("reg.write32 CR0 0xd  # SMMUEN | EVENTQEN | CMDQEN");
}

}  // namespace smmuref::proofs
