// Rule ids a fuzz target's inputs exercised, for the campaign report (fuzz/campaign.py,
// fuzz/README.md "Campaigns"): the ids of spec/rules.md whose probes in the model fired
// (spec/include/smmuref/spec/coverage.h), the measure `smmuref check` reports as "rule ids
// exercised". A target that runs vector files on the model declares a RuleCoverageScope around
// the run. With the environment variable SMMUREF_RULE_COVERAGE=FILE set, FILE holds the union over
// every input run so far, one rule id per line in spec/rules.md's order: it is created (empty)
// with the first scope and rewritten, through a temporary file and a rename, at the end of each
// scope whose input added an id, so an input that crashes later loses none of them. Unset, a
// scope costs a load of a function-local static and a branch at each end.
// Tests: tests/fuzz/rule_ids_test.sh, run on the seed corpora of fuzz_arch_diff and
// fuzz_vectors_runner by the ctests fuzz/replay/rule-ids/* (fuzz/CMakeLists.txt).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "smmuref/spec/coverage.h"

namespace smmuref::fuzz {

class RuleCoverageFile {
 public:
  // The file SMMUREF_RULE_COVERAGE names, created empty at the first call; null when the variable
  // is unset or empty.
  static RuleCoverageFile* Get() {
    static RuleCoverageFile* const file = [] {
      const char* path = std::getenv("SMMUREF_RULE_COVERAGE");
      RuleCoverageFile* f = path != nullptr && *path != '\0' ? new RuleCoverageFile(path) : nullptr;
      if (f != nullptr) f->Write();
      return f;
    }();
    return file;
  }

  spec::coverage::RuleSet* hits() { return &hits_; }

  void WriteIfGrown() {
    if (hits_.count() != written_) Write();
  }

 private:
  explicit RuleCoverageFile(std::string path) : path_(std::move(path)) {}

  // A file that cannot be written is a setup error of the caller: a report built on a missing or
  // stale file would be wrong, so stop loudly.
  void Write() {
    namespace cov = spec::coverage;
    const std::string tmp = path_ + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "w");
    bool ok = f != nullptr;
    for (size_t i = 0; ok && i < cov::kRuleCount; ++i) {
      if (!hits_.test(i)) continue;
      ok = std::fprintf(f, "%.*s\n", static_cast<int>(cov::kRuleIds[i].size()),
                        cov::kRuleIds[i].data()) > 0;
    }
    if (f != nullptr) ok = std::fclose(f) == 0 && ok;
    if (!ok || std::rename(tmp.c_str(), path_.c_str()) != 0) {
      std::fprintf(stderr, "rule coverage: cannot write SMMUREF_RULE_COVERAGE=%s\n", path_.c_str());
      std::abort();
    }
    written_ = hits_.count();
  }

  std::string path_;
  spec::coverage::RuleSet hits_;
  size_t written_ = 0;
};

// While it lives, the model's probes on this thread record into SMMUREF_RULE_COVERAGE's union
// (if the variable is set); at its end the file is brought up to date.
class RuleCoverageScope {
 public:
  RuleCoverageScope() : file_(RuleCoverageFile::Get()) {
    if (file_ != nullptr) {
      prev_ = spec::coverage::g_sink;
      spec::coverage::g_sink = file_->hits();
    }
  }
  ~RuleCoverageScope() {
    if (file_ == nullptr) return;
    spec::coverage::g_sink = prev_;
    file_->WriteIfGrown();
  }
  RuleCoverageScope(const RuleCoverageScope&) = delete;
  RuleCoverageScope& operator=(const RuleCoverageScope&) = delete;

 private:
  RuleCoverageFile* file_;
  spec::coverage::RuleSet* prev_ = nullptr;
};

}  // namespace smmuref::fuzz
