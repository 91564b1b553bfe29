// Every choice in spec/choices.md (C-AREA-NNN) that the model handles is named in model code and
// in a test or vector; model code names only ids that exist; every profile field a choice names
// is a profile key of that choice (spec::ChoiceKeys), and every choice key has its entry.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "smmuref/spec/profile.h"
#include "smmuref/spec/regex.h"

namespace fs = std::filesystem;

namespace {

const fs::path kRoot = SMMUREF_SOURCE_DIR;
const smmuref::spec::Regex kChoiceLine(R"(^- \*\*(C-[A-Z0-9]+-[0-9]{3})\*\* (.*)$)");
const smmuref::spec::Regex kChoiceId(R"(C-[A-Z0-9]+-[0-9]{3})");

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Entry {
  std::string handling;  // the text after *Handling:*
  bool traced() const {
    return handling.rfind("not modelled", 0) != 0 && handling.rfind("out of scope", 0) != 0;
  }
};

std::map<std::string, Entry> Choices() {
  std::map<std::string, Entry> out;
  std::istringstream in(ReadAll(kRoot / "spec" / "choices.md"));
  for (std::string line; std::getline(in, line);) {
    const auto m = kChoiceLine.Search(line);
    if (!m) continue;
    const std::string rest = (*m)[2];
    const size_t h = rest.find("*Handling:* ");
    out[(*m)[1]] = Entry{h == std::string::npos ? "" : rest.substr(h + 12)};
  }
  return out;
}

std::map<std::string, std::string> Mentions(const fs::path& dir, std::set<std::string> exts) {
  std::map<std::string, std::string> found;
  if (!fs::exists(dir)) return found;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || !exts.count(e.path().extension().string())) continue;
    const std::string text = ReadAll(e.path());
    for (const auto& m : kChoiceId.SearchAll(text)) {
      found.emplace(m[0], e.path().string());
    }
  }
  return found;
}

}  // namespace

TEST(ChoicesTrace, EveryEntryHasAHandling) {
  const auto choices = Choices();
  EXPECT_GE(choices.size(), 3u);
  std::string bad;
  for (const auto& [id, e] : choices) {
    const std::string& h = e.handling;
    const bool ok = h.rfind("allowed set", 0) == 0 || h.rfind("profile field `", 0) == 0 ||
                    h.rfind("not modelled", 0) == 0 || h.rfind("out of scope", 0) == 0;
    if (!ok) bad += " " + id;
  }
  EXPECT_EQ(bad, "") << "entries whose *Handling:* is not allowed set / profile field / not "
                        "modelled / out of scope:" << bad;
}

TEST(ChoicesTrace, EveryHandledChoiceIsNamedInTheModel) {
  const auto code = Mentions(kRoot / "model", {".cc", ".h"});
  std::string missing;
  for (const auto& [id, e] : Choices()) {
    if (e.traced() && !code.count(id)) missing += " " + id;
  }
  EXPECT_EQ(missing, "") << "choices no model code names:" << missing;
}

TEST(ChoicesTrace, EveryHandledChoiceIsNamedInATestOrVector) {
  auto tested = Mentions(kRoot / "tests", {".cc", ".h"});
  tested.merge(Mentions(kRoot / "corpus" / "vectors", {".vec"}));
  std::string missing;
  for (const auto& [id, e] : Choices()) {
    // This file names no id on purpose; it only reads them.
    if (e.traced() && !tested.count(id)) missing += " " + id;
  }
  EXPECT_EQ(missing, "") << "choices no test or vector names:" << missing;
}

TEST(ChoicesTrace, ModelNamesOnlyListedChoices) {
  const auto choices = Choices();
  std::string unknown;
  for (const auto& [id, file] : Mentions(kRoot / "model", {".cc", ".h"})) {
    if (!choices.count(id)) unknown += " " + id + " (" + file + ")";
  }
  for (const auto& [id, file] : Mentions(kRoot / "spec" / "src", {".cc", ".h"})) {
    if (!choices.count(id)) unknown += " " + id + " (" + file + ")";
  }
  EXPECT_EQ(unknown, "") << "choice ids in code but not in spec/choices.md:" << unknown;
}

TEST(ChoicesTrace, ProfileFieldsMatchTheChoiceKeys) {
  const auto choices = Choices();
  std::string bad;
  for (const auto& k : smmuref::spec::ChoiceKeys()) {
    auto it = choices.find(k.id);
    const std::string want = std::string("profile field `") + k.key + "`";
    if (it == choices.end() || it->second.handling.rfind(want, 0) != 0) {
      bad += std::string(" ") + k.key + "->" + k.id;
    }
  }
  for (const auto& [id, e] : choices) {
    // An entry may share another entry's field (C-CD-001 uses C-STE-001's struct_res0).
    const std::string prefix = "profile field `";
    if (e.handling.rfind(prefix, 0) != 0) continue;
    const std::string key = e.handling.substr(prefix.size(),
                                              e.handling.find('`', prefix.size()) - prefix.size());
    bool found = false;
    for (const auto& k : smmuref::spec::ChoiceKeys()) found |= key == k.key;
    if (!found) bad += " " + id + " (no profile key `" + key + "`)";
  }
  EXPECT_EQ(bad, "") << "profile fields and spec/choices.md disagree:" << bad;
}

TEST(ChoicesTrace, AnUnknownChoiceValueNamesTheFieldAndItsValues) {
  smmuref::spec::Profile p;
  auto r = smmuref::spec::SetProfileKey(p, "cmd_res0_ill", "maybe");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "profile key 'cmd_res0_ill' (C-CMDQ-001) takes one of: 0, 1, any; got 'maybe'");
  ASSERT_TRUE(smmuref::spec::SetProfileKey(p, "cmd_res0_ill", "any").ok());
  EXPECT_EQ(p.choice(smmuref::spec::Choice::kCmdRes0Ill), smmuref::spec::kAny);
  ASSERT_TRUE(smmuref::spec::SetProfileKey(p, "cmd_res0_ill", "1").ok());
  EXPECT_EQ(p.choice(smmuref::spec::Choice::kCmdRes0Ill), 1);
}
