// The profile fields for choices an implementation fixes once (spec/choices.md, "profile field"):
// their keys, alternatives and parsing.
// Tests: tests/spec/profile_test.cc, tests/spec/choices_trace_test.cc
#include "smmuref/spec/profile.h"

namespace smmuref::spec {

const std::vector<ChoiceKey>& ChoiceKeys() {
  static const std::vector<ChoiceKey> keys = {
      {Choice::kGbpaAbortReset, "gbpa_abort_reset", "C-REG-002", {"0", "1"},
       "GBPA.ABORT after reset (IMPLEMENTATION DEFINED): 0 bypass, 1 abort while SMMUEN=0"},
      {Choice::kCmdRes0Ill, "cmd_res0_ill", "C-CMDQ-001", {"0", "1"},
       "a non-zero reserved command field: 0 ignored, 1 CERROR_ILL"},
      {Choice::kStructRes0, "struct_res0", "C-STE-001", {"ignore", "invalid"},
       "a non-zero reserved field of an STE, CD, L1STD or L1CD: ignored, or the structure is "
       "invalid (C_BAD_STE, C_BAD_CD, C_BAD_STREAMID, C_BAD_SUBSTREAMID)"},
  };
  return keys;
}

const ChoiceKey& ChoiceKeyOf(Choice c) {
  for (const auto& k : ChoiceKeys()) {
    if (k.choice == c) return k;
  }
  SMMUREF_UNREACHABLE("choice without a profile key");
}

std::map<std::string, std::string> ProfileChoiceValues(const Profile& p) {
  std::map<std::string, std::string> m;
  for (const auto& k : ChoiceKeys()) {
    const int v = p.choice(k.choice);
    m[k.key] = v == kAny ? "any" : k.values[static_cast<size_t>(v)];
  }
  return m;
}

Result<bool> SetChoiceKey(Profile& p, const std::string& key, const std::string& value,
                          bool* handled) {
  *handled = false;
  for (const auto& k : ChoiceKeys()) {
    if (key != k.key) continue;
    *handled = true;
    int& slot = p.choices[static_cast<size_t>(k.choice)];
    if (value == "any") {
      slot = kAny;
      return true;
    }
    std::string allowed;
    for (size_t i = 0; i < k.values.size(); ++i) {
      if (value == k.values[i]) {
        slot = static_cast<int>(i);
        return true;
      }
      allowed += std::string(k.values[i]) + ", ";
    }
    return Error{"", "profile key '" + key + "' (" + k.id + ") takes one of: " + allowed +
                         "any; got '" + value + "'"};
  }
  return true;
}

}  // namespace smmuref::spec
