// Counterexamples as named fields and vectors (vectors.h).
// Tests: tests/proofs/equiv_main.cc
#include "vectors.h"

#include "smmuref/conform/explain.h"
#include "smmuref/model/arch/ste.h"
#include "smmuref/spec/format.h"

namespace smmuref::proofs {

using spec::Hex;

std::vector<uint64_t> WitnessWords(const ProofResult& r, const std::string& prefix, unsigned n) {
  std::vector<uint64_t> w;
  for (unsigned i = 0; i < n; ++i) w.push_back(Input(r, prefix + ".dw" + std::to_string(i)));
  return w;
}

spec::Profile WitnessProfile(const ProofResult& r, const std::string& profile) {
  if (profile != "symbolic") return *spec::LoadProfile(profile);
  spec::Profile p = *spec::LoadProfile("full");
  p.name = "witness";
  for (const auto& input : r.inputs) {
    // Not a structured binding: clang-14 cannot capture one in the lambda below.
    const auto& name = input.first;
    const auto& v = input.second;
    if (name.rfind("profile.", 0) != 0) continue;
    // Set directly: a witness may use IDR values the profile loader refuses as not modelled.
    const std::string key = name.substr(8);
    auto set = [&](const char* k, auto* field) {
      if (key == k) *field = static_cast<std::remove_pointer_t<decltype(field)>>(v);
    };
    set("arch_minor", &p.arch_minor); set("s1p", &p.s1p); set("s2p", &p.s2p);
    set("ttf", &p.ttf); set("httu", &p.httu); set("hyp", &p.hyp); set("ats", &p.ats);
    set("pri", &p.pri); set("asid16", &p.asid16); set("vmid16", &p.vmid16);
    set("cd2l", &p.cd2l); set("msi", &p.msi); set("ttendian", &p.ttendian);
    set("stall_model", &p.stall_model); set("term_model", &p.term_model);
    set("st_level", &p.st_level); set("sidsize", &p.sidsize); set("ssidsize", &p.ssidsize);
    set("cmdqs", &p.cmdqs); set("eventqs", &p.eventqs); set("attr_perms_ovr", &p.attr_perms_ovr);
    set("had", &p.had); set("xnx", &p.xnx); set("ril", &p.ril); set("stt", &p.stt);
    set("oas", &p.oas); set("gran4k", &p.gran4k); set("gran16k", &p.gran16k);
    set("gran64k", &p.gran64k); set("ds", &p.ds); set("vax", &p.vax);
  }
  return p;
}

std::string ExplainWitness(const std::string& kind, const ProofResult& r,
                           const std::string& prefix, unsigned dwords, const std::string& profile) {
  const spec::Profile p = WitnessProfile(r, profile);
  auto text = conform::Explain(kind, WitnessWords(r, prefix, dwords), p);
  std::string out = text ? *text : "(cannot explain: " + text.error().message + ")\n";
  std::string rest;
  for (const auto& [name, v] : r.inputs) {
    if (name.rfind(prefix + ".dw", 0) == 0) continue;
    rest += "  " + name + " = " + Hex(v) + "\n";
  }
  for (const auto& [name, v] : r.flags) rest += "  " + name + " = " + (v ? "1" : "0") + "\n";
  if (!rest.empty()) out += "other inputs:\n" + rest;
  return out;
}

std::string VectorPrologue(const std::string& title, const spec::Profile& p, unsigned log2_sids) {
  std::string v = "smmuref-vectors 1\n# " + title + "\n";
  v += "profile " + (p.name == "witness" ? std::string("full") : p.name);
  if (p.name == "witness") {
    for (const auto& [key, value] : spec::ProfileValues(p)) {
      v += " " + key + "=" + std::to_string(value);
    }
  }
  v += "\nreg.write64 STRTAB_BASE 0x100000\n";
  v += "reg.write32 STRTAB_BASE_CFG " + Hex(log2_sids) + "\n";
  v += "reg.write64 EVENTQ_BASE 0x200004\n";
  v += "reg.write32 CR0 0xd\n";
  return v;
}

std::string SteVector(const ProofResult& r, const std::string& profile) {
  const spec::Profile p = WitnessProfile(r, profile);
  const std::vector<uint64_t> ste = WitnessWords(r, "ste", 8);
  std::string v = VectorPrologue("counterexample of " + r.id + ": the STE at StreamID 0", p, 0);
  for (unsigned i = 0; i < 8; ++i) {
    v += "mem.write64 " + Hex(0x100000 + 8 * i) + " " + Hex(ste[i]) + "\n";
  }
  const auto reasons = model::arch::SteIllegalReasons(ste.data(), p);
  v += "txn 0 - 0x0 r\n";
  if (!(ste[0] & 1) || !reasons.empty()) {
    v += "expect fault C_BAD_STE sid=0    # " +
         std::string(reasons.empty() ? "R-STE-001" : reasons.front().rule) + "\n";
  } else {
    v += "# the model finds this STE legal; no expectation is written\n";
  }
  return v;
}

}  // namespace smmuref::proofs
