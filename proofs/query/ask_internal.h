// The canned questions implemented in their own files (ask.h).
// Tests: tests/proofs/query_test.cc
#pragma once

#include <string>
#include <vector>

#include "proofs/query/ask.h"

namespace smmuref::proofs {

AskResult AskHitless(const std::vector<std::string>& words, const ProveOptions& options);
AskResult AskIovaForPa(const std::vector<std::string>& words, const ProveOptions& options);
const std::vector<std::string>& AskSteRules();
const std::vector<std::string>& AskCdRules();

}  // namespace smmuref::proofs
