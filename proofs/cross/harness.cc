// Cross-check harness (harness.h).
// Tests: proofs/cross/*_test.cc
#include "harness.h"

#include <sstream>

#include "smmuref/spec/format.h"

namespace smmuref::proofs::cross {

namespace {

std::vector<z3::expr> Exprs(const std::vector<std::pair<std::string, z3::expr>>& v) {
  std::vector<z3::expr> out;
  for (const auto& [name, e] : v) out.push_back(e);
  return out;
}

uint64_t Mask(unsigned width) { return width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1; }

}  // namespace

uint64_t Rng::Next() {
  uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t Rng::Biased(unsigned width, const std::vector<uint64_t>& boundaries) {
  const uint64_t m = Mask(width);
  if (!boundaries.empty() && Chance(50)) return boundaries[Below(boundaries.size())] & m;
  switch (Below(7)) {
    case 0: return 0;
    case 1: return 1 & m;
    case 2: return m;
    case 3: return (m - 1) & m;
    case 4: return Below(8) & m;
    case 5: return (uint64_t{1} << Below(width)) & m;
    default: return Next() & m;
  }
}

std::vector<uint64_t> BiasedStructure(Rng& rng, const spec::FieldTable& table) {
  std::vector<uint64_t> w(table.dwords, 0);
  if (rng.Chance(10)) {
    for (auto& x : w) x = rng.Next();
    return w;
  }
  for (size_t i = 0; i < table.count; ++i) {
    const spec::Field& f = table.fields[i];
    uint64_t v = rng.Chance(30) ? 0 : rng.Biased(f.width());
    spec::Set(w.data(), f, v);
  }
  // Reserved bits (no field) now and then.
  if (rng.Chance(20)) w[rng.Below(w.size())] ^= uint64_t{1} << rng.Below(64);
  return w;
}

spec::Profile RandomProfile(Rng& rng) {
  if (rng.Chance(40)) {
    const auto names = spec::BuiltinProfileNames();
    return *spec::LoadProfile(names[rng.Below(names.size())]);
  }
  spec::Profile p;
  p.name = "random";
  auto b = [&] { return rng.Chance(50); };
  p.arch_minor = static_cast<unsigned>(rng.Below(4));
  p.s1p = b(); p.s2p = b(); p.ttf = 2; p.httu = static_cast<unsigned>(rng.Below(4));
  p.hyp = b(); p.ats = b(); p.pri = b(); p.asid16 = b(); p.vmid16 = b(); p.cd2l = b();
  p.msi = b(); p.ttendian = static_cast<unsigned>(rng.Below(4));
  p.stall_model = static_cast<unsigned>(rng.Below(4)); p.term_model = b();
  p.st_level = static_cast<unsigned>(rng.Below(2));
  p.sidsize = static_cast<unsigned>(rng.Below(33));
  p.ssidsize = static_cast<unsigned>(rng.Chance(30) ? 0 : rng.Below(21));
  p.cmdqs = static_cast<unsigned>(rng.Below(20)); p.eventqs = static_cast<unsigned>(rng.Below(20));
  p.attr_perms_ovr = b(); p.had = b(); p.xnx = b(); p.ril = b(); p.stt = b();
  static const unsigned kOas[] = {32, 36, 40, 42, 44, 48, 52};
  p.oas = kOas[rng.Below(7)];
  p.gran4k = b(); p.gran16k = b(); p.gran64k = b(); p.ds = b();
  p.vax = static_cast<unsigned>(rng.Below(4));
  return p;
}

CrossCheck::CrossCheck(std::vector<std::pair<std::string, z3::expr>> inputs,
                       std::vector<std::pair<std::string, z3::expr>> outputs)
    : eval_(Exprs(inputs), Exprs(outputs)) {
  for (const auto& [name, e] : inputs) input_names_.push_back(name);
  for (const auto& [name, e] : outputs) output_names_.push_back(name);
}

size_t CrossCheck::Output(const std::string& name) const {
  for (size_t i = 0; i < output_names_.size(); ++i) {
    if (output_names_[i] == name) return i;
  }
  return output_names_.size();
}

std::string CrossCheck::Compare(const std::vector<uint64_t>& in,
                                const std::vector<std::optional<uint64_t>>& expected) {
  const std::vector<uint64_t>& got = eval_.Run(in);
  std::string mismatch;
  for (size_t i = 0; i < got.size() && mismatch.empty(); ++i) {
    if (i < expected.size() && expected[i] && *expected[i] != got[i]) {
      mismatch = output_names_[i] + ": encoding " + spec::Hex(got[i]) + ", model " +
                 spec::Hex(*expected[i]);
    }
  }
  if (mismatch.empty() && samples_ % 2000 == 0 && eval_.RunWithZ3(in) != got) {
    mismatch = "the tape evaluator disagrees with Z3's evaluation of the encoding";
  }
  ++samples_;
  if (mismatch.empty()) return "";
  std::ostringstream os;
  os << mismatch << "; inputs:";
  for (size_t i = 0; i < in.size(); ++i) os << " " << input_names_[i] << "=" << spec::Hex(in[i]);
  return os.str();
}

}  // namespace smmuref::proofs::cross
