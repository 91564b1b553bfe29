// The encodings as named SMT-LIB functions for `smmuref query` (signatures and meanings in
// spec/queries.md): every field of every spec/fields structure, STE/CD validity, legality and
// each ILLEGAL rule, decoded fields, walk arithmetic, permissions, command checks, queue
// arithmetic, TLBI coverage, stream-table and substream selection, iommu_pgsize and PASID
// ranges, all over (_ BitVec 64) arguments under one profile. Legality is written with one Bool
// constant per rule id (|R-STE-019| ...) that the query assumes true, so that an unsat answer
// names the rules in its core.
// The file is parsed against declarations of these functions (QueryDecls), and each
// application is then replaced by the encoding instantiated on its arguments (ExpandQuery).
// Z3 4.8.12 takes minutes to parse a define-fun prelude (some legality bodies expand
// exponentially in its macro definitions), so the functions are never given as SMT-LIB text.
// Tests: tests/proofs/query_test.cc, corpus/queries/*.smt2 (ctest queries/*)
#pragma once

#include <set>
#include <string>
#include <vector>

#include "proofs/lib/bv.h"
#include "smmuref/spec/profile.h"

namespace smmuref::proofs {

struct QueryFunction {
  std::string name;
  std::vector<std::string> params;  // all (_ BitVec 64)
  bool boolean = false;             // returns Bool, else (_ BitVec 64)
  std::string meaning;              // one line, as in spec/queries.md
};

// Every function a query may call, in order.
const std::vector<QueryFunction>& QueryFunctions();

// The rule ids whose indicator constants a query may name.
const std::vector<std::string>& QueryRules();

// The declarations the parser resolves names against: one per function, then one Bool
// constant per rule.
const z3::func_decl_vector& QueryDecls();

// `e` with every application of a query function replaced by its encoding under `p` (also
// under quantifiers). Iterative: a deeply nested file cannot overflow the stack. The rule
// constants `e` names itself are added to `mentioned` (the query leaves those to the file).
z3::expr ExpandQuery(const z3::expr& e, const spec::Profile& p, std::set<std::string>* mentioned);

// One `(declare-fun NAME ((_ BitVec 64) ...) SORT)` line per function with its meaning as a
// comment (`smmuref query --list`).
std::string QuerySignatures();

}  // namespace smmuref::proofs
