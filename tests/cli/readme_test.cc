// README.md agrees with the tools: its command list with `--help`, its example outputs with a
// real run (SMMUREF_UPDATE_README=1 rewrites them), and its not-modelled table with
// spec/not-modelled.md and `smmuref not-modelled`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "run_cli.h"
#include "smmuref/spec/regex.h"

using smmuref::testing::CliRun;
using smmuref::testing::RunCli;
using smmuref::testing::TempDir;

namespace {

const std::string kReadme = std::string(SMMUREF_SOURCE_DIR) + "/README.md";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The text between `begin` and `end` markers.
std::string Between(const std::string& text, const std::string& begin, const std::string& end) {
  const size_t b = text.find(begin);
  const size_t e = text.find(end, b == std::string::npos ? 0 : b);
  if (b == std::string::npos || e == std::string::npos) return "";
  return text.substr(b + begin.size(), e - b - begin.size());
}

// The fenced code block that follows a marker line starting with `marker`: {offset, length} of
// its content (between the fences), and the rest of the marker line.
struct Block {
  size_t at = std::string::npos, size = 0;
  std::string arg;
};
Block BlockAfter(const std::string& text, const std::string& marker) {
  Block b;
  const size_t m = text.find(marker);
  if (m == std::string::npos) return b;
  const size_t eol = text.find('\n', m);
  b.arg = text.substr(m + marker.size(), text.rfind(" -->", eol) - m - marker.size());
  const size_t open = text.find("```\n", eol);
  const size_t close = text.find("```\n", open + 4);
  if (open == std::string::npos || close == std::string::npos) return b;
  b.at = open + 4;
  b.size = close - b.at;
  return b;
}

std::set<std::string> Options(const std::string& text) {
  std::set<std::string> opts;
  static const smmuref::spec::Regex option("--[a-z][a-z-]*");
  for (const auto& m : option.SearchAll(text)) {
    if (m[0] != "--help") opts.insert(m[0]);
  }
  return opts;
}

// The subcommand names of a --help text.
std::vector<std::string> Subcommands(const std::string& help) {
  std::vector<std::string> names;
  const std::string list = help.substr(help.find("Subcommands:\n") + 13);
  std::istringstream in(list);
  for (std::string line; std::getline(in, line) && line.rfind("  ", 0) == 0;) {
    std::istringstream words(line);
    std::string name;
    words >> name;
    names.push_back(name);
  }
  return names;
}

bool Update() { return std::getenv("SMMUREF_UPDATE_README") != nullptr; }

}  // namespace

TEST(Readme, CommandListAgreesWithHelp) {
  const std::string block = Between(Slurp(kReadme), "<!-- commands:begin -->", "<!-- commands:end -->");
  ASSERT_FALSE(block.empty()) << "README.md has no commands block";
  std::map<std::string, std::string> readme;  // command -> its synopsis line
  std::istringstream in(block);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("./smmuref ", 0) != 0) continue;
    std::istringstream words(line.substr(10));
    std::string cmd;
    words >> cmd;
    readme[cmd] = line;
  }
  const CliRun top = RunCli({"--help"});
  ASSERT_EQ(top.status, 0);
  const auto subs = Subcommands(top.out);
  ASSERT_GE(subs.size(), 4u);
  for (const auto& cmd : subs) {
    ASSERT_TRUE(readme.count(cmd)) << "--help lists '" << cmd << "' but README.md does not";
    std::vector<std::string> args{cmd};
    if (cmd == "vectors") {
      EXPECT_NE(readme[cmd].find("./smmuref vectors run "), std::string::npos) << readme[cmd];
      args.push_back("run");
    }
    args.push_back("--help");
    const CliRun help = RunCli(args);
    ASSERT_EQ(help.status, 0) << cmd;
    const std::string options = help.out.substr(0, help.out.find("\n\n", help.out.find("Options:")));
    EXPECT_EQ(Options(readme[cmd]), Options(options))
        << "README.md's synopsis of '" << cmd << "' and its --help name different options:\n"
        << readme[cmd] << "\n" << options;
  }
  for (const auto& [cmd, line] : readme) {
    // Commands of the ./smmuref script (campaign: tests/fuzz/campaign_unit_test.py checks it).
    const bool driver = cmd == "bench" || cmd == "test" || cmd == "campaign";
    EXPECT_TRUE(driver || std::find(subs.begin(), subs.end(), cmd) != subs.end())
        << "README.md lists '" << cmd << "', which --help does not";
  }
}

TEST(Readme, ExampleOutputsComeFromARealRun) {
  std::string readme = Slurp(kReadme);
  const Block vec = BlockAfter(readme, "<!-- example:vector ");
  ASSERT_NE(vec.at, std::string::npos) << "README.md has no example vector";
  const std::string name = vec.arg, vector = readme.substr(vec.at, vec.size);
  const std::string dir = TempDir("readme");
  std::ofstream(dir + "/" + name) << vector;
  const CliRun pass = RunCli({"vectors", "run", name}, dir);
  EXPECT_EQ(pass.status, 0) << pass.All();
  // The failing variant replaces the vector's last line.
  const Block fail_block = BlockAfter(readme, "<!-- example:failure ");
  ASSERT_NE(fail_block.at, std::string::npos);
  std::string failing = vector.substr(0, vector.rfind('\n', vector.size() - 2) + 1) + fail_block.arg + "\n";
  std::ofstream(dir + "/" + name) << failing;
  const CliRun fail = RunCli({"vectors", "run", name}, dir);
  EXPECT_EQ(fail.status, 1) << fail.All();
  const std::string prompt = "$ ./smmuref vectors run " + name + "\n";
  const Block out_block = BlockAfter(readme, "<!-- example:output ");
  ASSERT_NE(out_block.at, std::string::npos);
  if (Update()) {
    // Replace the later block first so the earlier offset stays valid.
    readme.replace(fail_block.at, fail_block.size, prompt + fail.out);
    readme.replace(out_block.at, out_block.size, prompt + pass.out);
    std::ofstream(kReadme, std::ios::binary) << readme;
    return;
  }
  EXPECT_EQ(readme.substr(out_block.at, out_block.size), prompt + pass.out)
      << "README.md's example output is not what the tool prints (SMMUREF_UPDATE_README=1 "
         "ctest -R readme rewrites it)";
  EXPECT_EQ(readme.substr(fail_block.at, fail_block.size), prompt + fail.out)
      << "README.md's failure example is not what the tool prints (SMMUREF_UPDATE_README=1 "
         "ctest -R readme rewrites it)";
}

TEST(Readme, NotModelledTableIsTheOneInSpecAndTheCli) {
  const std::string begin = "<!-- not-modelled:begin -->\n", end = "<!-- not-modelled:end -->";
  const std::string spec = Between(Slurp(std::string(SMMUREF_SOURCE_DIR) + "/spec/not-modelled.md"),
                                   begin, end);
  ASSERT_GT(spec.size(), 100u);
  EXPECT_EQ(Between(Slurp(kReadme), begin, end), spec)
      << "README.md's not-modelled table differs from spec/not-modelled.md";
  const CliRun r = RunCli({"not-modelled"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, spec) << "smmuref not-modelled prints another table (rebuild?)";
}
