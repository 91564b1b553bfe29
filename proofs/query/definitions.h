// The function definitions behind the query prelude (prelude.h): a name, its parameters, and
// the encoding that gives its body under a profile. Split by area: definitions_config.cc
// (structure fields, STE, CD), definitions_walk.cc (walk, permissions, commands, queues, TLBI,
// stream table, substreams, CD tables, API).
// Tests: tests/proofs/query_test.cc
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "proofs/encodings/profile.h"
#include "proofs/query/prelude.h"

namespace smmuref::proofs {

using QueryBody = std::function<z3::expr(const std::vector<Bv>& args, const ProfileTerms& p)>;
struct QueryDefinition {
  QueryFunction f;
  QueryBody body;
};

// Appends a (_ BitVec 64) or Bool function.
void DefineBv(std::vector<QueryDefinition>& d, const std::string& name,
              std::vector<std::string> params, const std::string& meaning, QueryBody body);
void DefineBool(std::vector<QueryDefinition>& d, const std::string& name,
                std::vector<std::string> params, const std::string& meaning, QueryBody body);

// dw0 .. dw(n-1)
std::vector<std::string> DwParams(unsigned n);

void AddConfigDefinitions(std::vector<QueryDefinition>& d);
void AddWalkDefinitions(std::vector<QueryDefinition>& d);

// The ILLEGAL rules the legality functions track.
const std::vector<std::string>& SteRuleIds();
const std::vector<std::string>& CdRuleIds();

}  // namespace smmuref::proofs
