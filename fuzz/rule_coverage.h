// Rule ids a fuzz target's inputs exercised (spec/rules.md, spec/include/smmuref/spec/coverage.h),
// for the campaign report (fuzz/campaign.py, fuzz/README.md "Campaigns"). A target that runs
// vector files on the model hands each run's FileReport::rules to NoteRules. With the environment
// variable SMMUREF_RULE_COVERAGE=FILE set, FILE holds the union over every input run so far, one
// rule id per line in sorted order: it is created (empty) at the first input and rewritten, through
// a temporary file and a rename, whenever the union grows, so an input that crashes later loses
// none of it. Unset, NoteRules is a load of a function-local static and a branch per input.
// Tests: ctest fuzz/replay/rule-ids/arch_diff (tests/fuzz/rule_ids_test.sh).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>

namespace smmuref::fuzz {

class RuleCoverageFile {
 public:
  // The file SMMUREF_RULE_COVERAGE names, created empty; null when the variable is unset or empty.
  static RuleCoverageFile* FromEnv() {
    const char* path = std::getenv("SMMUREF_RULE_COVERAGE");
    if (path == nullptr || *path == '\0') return nullptr;
    auto* f = new RuleCoverageFile(path);  // lives until exit, like the process's other statics
    f->Write();
    return f;
  }

  void Add(const std::set<std::string>& ids) {
    const size_t before = ids_.size();
    ids_.insert(ids.begin(), ids.end());
    if (ids_.size() != before) Write();
  }

 private:
  explicit RuleCoverageFile(std::string path) : path_(std::move(path)) {}

  // A file that cannot be written is a setup error of the caller: a report built on a missing or
  // stale file would be wrong, so stop loudly.
  void Write() const {
    const std::string tmp = path_ + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "w");
    bool ok = f != nullptr;
    for (const std::string& id : ids_) ok = ok && std::fprintf(f, "%s\n", id.c_str()) > 0;
    if (f != nullptr) ok = std::fclose(f) == 0 && ok;
    if (!ok || std::rename(tmp.c_str(), path_.c_str()) != 0) {
      std::fprintf(stderr, "rule coverage: cannot write SMMUREF_RULE_COVERAGE=%s\n", path_.c_str());
      std::abort();
    }
  }

  std::string path_;
  std::set<std::string> ids_;
};

// Adds one run's rule ids to SMMUREF_RULE_COVERAGE's file, if the variable is set.
inline void NoteRules(const std::set<std::string>& ids) {
  static RuleCoverageFile* const file = RuleCoverageFile::FromEnv();
  if (file != nullptr) file->Add(ids);
}

}  // namespace smmuref::fuzz
