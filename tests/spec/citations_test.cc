// The repository documents itself: every `Tests:` line in a file header names test files that
// exist, every repository path cited in a document or comment exists, and nothing cites a file
// outside the repository (the design document or the reference notes it was written from; the
// design lives in spec/design.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace {

const fs::path kRoot = SMMUREF_SOURCE_DIR;

// The folders at the top of the tree that a citation can start with (those that exist: a folder
// that is planned but absent, such as proofs/ before it lands, is not checked).
const std::vector<std::string> kTopFolders = [] {
  std::vector<std::string> v;
  for (const char* f : {"spec/", "model/", "impl/", "conform/", "tests/", "fuzz/", "bench/",
                        "corpus/", "proofs/", ".ci/"}) {
    if (fs::is_directory(kRoot / f)) v.push_back(f);
  }
  return v;
}();

bool IsText(const fs::path& p) {
  static const std::set<std::string> exts = {".cc", ".h",    ".md",     ".def", ".profile", ".vec",
                                             ".in", ".cmake", ".cases", ".txt", ".json", ".smt2"};
  const std::string name = p.filename().string();
  return exts.count(p.extension().string()) || name == "smmuref" || name == "run" ||
         name == "CMakeLists.txt" || name == ".gitignore";
}

// Every text file of the repository, relative to its root, without build trees, git metadata,
// run results or fuzz inputs.
std::vector<fs::path> RepositoryFiles() {
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(kRoot); it != fs::end(it); ++it) {
    const fs::path rel = fs::relative(it->path(), kRoot);
    const std::string top = rel.begin()->string();
    if (it->is_directory() && (top == "build" || top == ".git" || top == "results" ||
                               rel == "corpus/fuzz")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && IsText(rel)) files.push_back(rel);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Read(const fs::path& rel) {
  std::ifstream in(kRoot / rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int LineOf(const std::string& text, size_t at) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

bool PathChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' ||
         c == '-' || c == '*' || c == '+';
}

// A cited path exists; a glob (`*`) needs its folder to exist. Paths with placeholders in capitals
// (fuzz_X, AREA, CASE) or angle brackets name a pattern, not a file.
// Public headers may be cited by their include path (conform/report.h for
// conform/include/smmuref/conform/report.h).
bool Exists(std::string path) {
  while (!path.empty() && (path.back() == '.' || path.back() == '-')) path.pop_back();
  const size_t star = path.find('*');
  if (star != std::string::npos) return fs::is_directory(kRoot / fs::path(path.substr(0, star)).parent_path());
  if (fs::exists(kRoot / path)) return true;
  const std::string top = path.substr(0, path.find('/'));
  return fs::exists(kRoot / top / "include/smmuref" / path) ||
         fs::exists(kRoot / "spec/fields/include/smmuref" / path);
}

// A token names a file (an extension in its last part) or a folder (a trailing '/'); anything
// else (model/impl, fuzz/replay/X) is a phrase or a ctest name. Brace lists and elisions are
// patterns.
bool NamesFileOrFolder(const std::string& path) {
  if (path.find('{') != std::string::npos || path.find("...") != std::string::npos) return false;
  if (!path.empty() && path.back() == '/') return true;
  const std::string last = path.substr(path.rfind('/') + 1);
  return last.find('.') != std::string::npos;
}

bool IsPattern(const std::string& path) {
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    // Two capitals in a row, or a lone capital after '_' or '-' (fuzz_X, impl-mutant-K).
    const bool cap = std::isupper(static_cast<unsigned char>(path[i]));
    if (cap && std::isupper(static_cast<unsigned char>(path[i + 1]))) return true;
    if (cap && i > 0 && (path[i - 1] == '_' || path[i - 1] == '-') && !std::isalnum(static_cast<unsigned char>(path[i + 1]))) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST(Citations, NothingCitesFilesOutsideTheRepository) {
  // Spelled in pieces so that this file does not cite them itself.
  const std::string banned[] = {std::string("/work/") + "shared", std::string("../") + "shared",
                                std::string("DESIGN") + ".md", std::string("[DESIGN") + ":",
                                std::string("[facts") + " ", std::string("; facts") + " ",
                                std::string("fact") + " sheet"};
  for (const fs::path& f : RepositoryFiles()) {
    const std::string text = Read(f);
    for (const std::string& b : banned) {
      const size_t at = text.find(b);
      EXPECT_EQ(at, std::string::npos) << f.string() << ":" << LineOf(text, at) << " cites '" << b
                                       << "' (the design is spec/design.md)";
    }
  }
}

TEST(Citations, EveryTestsLineNamesFilesThatExist) {
  int lines = 0;
  for (const fs::path& f : RepositoryFiles()) {
    if (f.extension() != ".cc" && f.extension() != ".h" && f.extension() != ".in") continue;
    const std::string text = Read(f);
    for (size_t at = 0; (at = text.find("Tests:", at)) != std::string::npos; at += 6) {
      // The list runs to the end of the sentence, across `//` continuation lines.
      size_t end = at;
      while (end < text.size()) {
        const size_t eol = text.find('\n', end);
        const std::string line = text.substr(end, eol - end);
        end = eol == std::string::npos ? text.size() : eol + 1;
        const size_t last = line.find_last_not_of(" \t");
        const bool continues = last != std::string::npos &&
                               (line[last] == ',' || line.rfind(" and") == last - 3 ||
                                line.rfind("Tests:") == last - 5);
        if (!continues) break;
      }
      ++lines;
      std::istringstream words(text.substr(at + 6, end - at - 6));
      for (std::string w; words >> w;) {
        while (!w.empty() && std::string(",.;)").find(w.back()) != std::string::npos) w.pop_back();
        while (!w.empty() && (w[0] == '(' || w[0] == '`')) w.erase(0, 1);
        bool in_tree = false;
        for (const auto& top : kTopFolders) in_tree |= w.rfind(top, 0) == 0;
        const bool test_file = w.size() > 3 && (w.substr(w.size() - 3) == ".cc" ||
                                                w.find(".vec") != std::string::npos ||
                                                w.find(".cases") != std::string::npos);
        // Other words are the sentence, or ctest names (vectors/impl/*, mutants/*).
        if (!(in_tree || test_file) || !NamesFileOrFolder(w)) continue;
        bool found = Exists(w);
        if (!found && w.find('/') == std::string::npos) {  // a bare test file name
          for (const fs::path& g : RepositoryFiles()) found |= g.filename() == w;
        }
        EXPECT_TRUE(found) << f.string() << ":" << LineOf(text, at) << ": Tests: names '" << w
                           << "', which does not exist";
      }
    }
  }
  EXPECT_GT(lines, 20) << "the scan found too few Tests: lines to be looking at the sources";
}

TEST(Citations, EveryCitedRepositoryPathExists) {
  int cited = 0;
  for (const fs::path& f : RepositoryFiles()) {
    const std::string text = Read(f);
    for (const auto& top : kTopFolders) {
      for (size_t at = 0; (at = text.find(top, at)) != std::string::npos; ++at) {
        if (at > 0 && PathChar(text[at - 1])) continue;  // inside a longer path or word
        size_t end = at;
        while (end < text.size() && PathChar(text[end])) ++end;
        std::string path = text.substr(at, end - at);
        while (!path.empty() && std::string(".,:;").find(path.back()) != std::string::npos) path.pop_back();
        if (end < text.size() && (text[end] == '<' || text[end] == '{' || text[end] == '$' ||
                                  text[end] == '@')) {
          continue;  // a path built from a placeholder or variable
        }
        if (IsPattern(path) || !NamesFileOrFolder(path)) continue;
        ++cited;
        EXPECT_TRUE(Exists(path)) << f.string() << ":" << LineOf(text, at) << " cites " << path
                                  << ", which does not exist";
      }
    }
  }
  EXPECT_GT(cited, 100) << "the scan found too few citations to be looking at the tree";
}
