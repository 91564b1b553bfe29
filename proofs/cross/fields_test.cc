// Cross-check of field extraction from the spec/fields tables as Z3 terms
// (proofs/encodings/fields.cc) against spec::Get, for every field of every structure table,
// 100,000 random structures in all.
#include <gtest/gtest.h>

#include "harness.h"
#include "proofs/encodings/fields.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs::cross {
namespace {

TEST(CrossFields, FieldOfMatchesSpecGetForEveryTable) {
  const spec::FieldTable* tables[] = {&spec::L1StdTable(), &spec::SteTable(), &spec::L1CdTable(),
                                      &spec::CdTable(),    &spec::DescS1Table(), &spec::DescS2Table(),
                                      &spec::EventTable()};
  for (const spec::FieldTable* t : tables) {
    const std::vector<Bv> w = Words(t->structure, t->dwords);
    std::vector<std::pair<std::string, z3::expr>> in, out;
    for (unsigned i = 0; i < t->dwords; ++i) in.push_back({"dw" + std::to_string(i), w[i].expr()});
    for (size_t f = 0; f < t->count; ++f) {
      out.push_back({std::string(t->structure) + "." + t->fields[f].name,
                     FieldOf(w.data(), t->fields[f]).expr()});
    }
    CrossCheck check(in, out);
    Rng rng(600 + t->dwords);
    const uint64_t n = kSamples / (sizeof tables / sizeof tables[0]) + 1;
    for (uint64_t s = 0; s < n; ++s) {
      std::vector<uint64_t> words(t->dwords);
      for (uint64_t& x : words) x = rng.Biased(64);
      std::vector<std::optional<uint64_t>> want;
      for (size_t f = 0; f < t->count; ++f) want.push_back(spec::Get(words.data(), t->fields[f]));
      const std::string diff = check.Compare(words, want);
      ASSERT_EQ(diff, "") << t->structure << " sample " << s;
    }
  }
}

}  // namespace
}  // namespace smmuref::proofs::cross
