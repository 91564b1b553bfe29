// The bad-input suite (tests/badinput/README.md): every case must exit with status 2, within a
// time limit, printing where the input was wrong (file:line or the option) and what was expected;
// the few regressions marked exit=N (inputs that once hung, blew up or wrapped) must finish with
// that status.
// Cases are data in tests/badinput/cases/ (compiled in by tests/CMakeLists.txt); this file only
// reads and runs them.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "../cli/run_cli.h"

namespace smmuref::testing {
const std::map<std::string, std::string>& BadInputCaseFiles();  // generated: cases.cc.in
}

namespace fs = std::filesystem;
using smmuref::testing::CliRun;
using smmuref::testing::RunCli;
using smmuref::testing::TempDir;

namespace {

enum class Kind { kVector, kProfile, kCli };

struct Case {
  std::string file;  // the .cases file, for messages
  int line = 0;      // where the case starts in it
  std::string name;
  Kind kind = Kind::kVector;
  bool raw = false, escaped = false;
  int exit = 2;  // `exit=N`: a regression that must finish with status N (a hang fails)
  std::string body;
  std::vector<std::string> expected;
};

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    if (c == 'r') out += '\r';
    else if (c == 't') out += '\t';
    else if (c == 'n') out += '\n';
    else if (c == 'x' && i + 2 < s.size() + 1) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else out += c;
  }
  return out;
}

std::vector<Case> LoadFile(const std::string& name, const std::string& text) {
  std::vector<Case> cases;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  const bool cli = name == "cli.cases";
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("=== ", 0) == 0) {
      Case c;
      c.file = name;
      c.line = n;
      c.kind = cli ? Kind::kCli : Kind::kVector;
      std::istringstream words(line.substr(4));
      words >> c.name;
      for (std::string w; words >> w;) {
        c.raw |= w == "raw";
        c.escaped |= w == "escaped";
        if (w == "profile") c.kind = Kind::kProfile;
        if (w.rfind("exit=", 0) == 0) c.exit = std::stoi(w.substr(5));
      }
      cases.push_back(c);
    } else if (line.rfind("--- ", 0) == 0 && !cases.empty()) {
      cases.back().expected.push_back(line.substr(4));
    } else if (!cases.empty() && cases.back().expected.empty()) {
      cases.back().body += line + "\n";
    }
  }
  return cases;
}

std::vector<Case> LoadCases() {
  std::vector<Case> all;
  for (const auto& [name, text] : smmuref::testing::BadInputCaseFiles()) {
    for (auto& c : LoadFile(name, text)) all.push_back(std::move(c));
  }
  return all;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Placeholders of CLI cases: special files and files past each limit, made on demand.
std::string Expand(std::string s, const std::string& tmp) {
  auto make = [&](const std::string& key, const std::function<std::string()>& make_path) {
    for (size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), make_path());
  };
  make("{dir}", [&] { fs::create_directories(tmp + "/adir"); return tmp + "/adir"; });
  make("{fifo}", [&] {
    const std::string p = tmp + "/fifo.vec";
    if (!fs::exists(p)) ::mkfifo(p.c_str(), 0600);
    return p;
  });
  make("{zero}", [] { return std::string("/dev/zero"); });
  make("{missing}", [&] { return tmp + "/missing.vec"; });
  make("{ok}", [&] { Write(tmp + "/ok.vec", "smmuref-vectors 1\nreg.expect32 CR0 0\n"); return tmp + "/ok.vec"; });
  make("{big}", [&] {
    std::string text = "smmuref-vectors 1\n";
    text += std::string((16u << 20) + 1 - text.size(), '#');
    Write(tmp + "/big.vec", text);
    return tmp + "/big.vec";
  });
  make("{long_line}", [&] {
    Write(tmp + "/long_line.vec", "smmuref-vectors 1\nprocess" + std::string(4090, ' ') + "\n");
    return tmp + "/long_line.vec";
  });
  make("{long_token}", [&] {
    Write(tmp + "/long_token.vec", "smmuref-vectors 1\nmem.write64 0x" + std::string(300, '0') + " 0\n");
    return tmp + "/long_token.vec";
  });
  make("{many_lines}", [&] {
    std::string text = "smmuref-vectors 1\n";
    text.append(1000000, '\n');
    Write(tmp + "/many_lines.vec", text);
    return tmp + "/many_lines.vec";
  });
  make("{tmp}", [&] { return tmp; });
  return s;
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> w;
  std::istringstream in(s);
  for (std::string t; in >> t;) w.push_back(t);
  return w;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.file << ":" << c.line << " " << c.name; }

class BadInput : public ::testing::TestWithParam<Case> {};

void ExpectExit2With(const CliRun& r, const std::vector<std::string>& expected, const Case& c) {
  const std::string origin = c.file + ":" + std::to_string(c.line) + " (" + c.name + ")";
  EXPECT_FALSE(r.timed_out) << origin << ": did not finish in time";
  EXPECT_EQ(r.status, c.exit) << origin << "\n" << r.All();
  for (const auto& e : expected) {
    EXPECT_NE(r.All().find(e), std::string::npos)
        << origin << ": the output does not contain\n  " << e << "\noutput:\n" << r.All();
  }
}

TEST_P(BadInput, ExitsTwoNamingWhereAndWhat) {
  const Case& c = GetParam();
  ASSERT_FALSE(c.expected.empty()) << c.file << ":" << c.line << ": a case needs a '--- ' line";
  const std::string tmp = TempDir(c.name);
  const std::string body = c.escaped ? Unescape(c.body) : c.body;
  std::vector<std::string> expected;
  if (c.kind == Kind::kCli) {
    for (const auto& e : c.expected) expected.push_back(Expand(e, tmp));
    ExpectExit2With(RunCli(Words(Expand(c.body, tmp)), tmp), expected, c);
    return;
  }
  const std::string file = c.kind == Kind::kProfile ? "case.profile" : "case.vec";
  Write(tmp + "/" + file, c.kind == Kind::kVector && !c.raw ? "smmuref-vectors 1\n" + body : body);
  // A bad-input case names file:line; a regression (exit=N) names what its output holds.
  for (const auto& e : c.expected) expected.push_back(c.exit == 2 ? file + ":" + e : e);
  if (c.kind == Kind::kVector) {
    ExpectExit2With(RunCli({"vectors", "run", file}, tmp), expected, c);
    return;
  }
  ExpectExit2With(RunCli({"profiles", file}, tmp), expected, c);
  Write(tmp + "/uses.vec", "smmuref-vectors 1\nprofile " + file + "\n");
  expected.push_back("uses.vec:2: ");
  ExpectExit2With(RunCli({"vectors", "run", "uses.vec"}, tmp), expected, c);
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInput, ::testing::ValuesIn(LoadCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = fs::path(info.param.file).stem().string() + "_" +
                                           info.param.name;
                           for (char& ch : n) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

TEST(BadInputSuite, HasAtLeast200Cases) {
  EXPECT_GE(LoadCases().size(), 200u);
}

}  // namespace
