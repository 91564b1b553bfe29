// `--json FILE` and `--junit FILE` (conform/report.h, spec/reports.md), and `smmuref
// not-modelled` (spec/not-modelled.md, compiled in).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli.h"

namespace smmuref::cli {

extern const char kNotModelledMarkdown[];  // generated: not_modelled.cc.in

namespace {

bool WriteFile(const std::string& path, const std::string& text, const char* option) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (out) return true;
  std::fprintf(stderr, "smmuref: %s: cannot write %s: %s\n", option, path.c_str(), std::strerror(errno));
  return false;
}

}  // namespace

std::string NotModelledTable() {
  const std::string md = kNotModelledMarkdown;
  const std::string begin = "<!-- not-modelled:begin -->\n", end = "<!-- not-modelled:end -->";
  const size_t b = md.find(begin), e = md.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b) return md;
  return md.substr(b + begin.size(), e - b - begin.size());
}

std::vector<std::string> NotModelledAreas() {
  std::vector<std::string> areas;
  const std::string table = NotModelledTable();
  size_t row = 0;
  for (size_t pos = 0; pos < table.size(); ++row) {
    const size_t eol = table.find('\n', pos);
    const std::string line = table.substr(pos, eol - pos);
    pos = eol == std::string::npos ? table.size() : eol + 1;
    if (row < 2 || line.size() < 2 || line[0] != '|') continue;  // header and rule
    const size_t bar = line.find('|', 1);
    std::string cell = line.substr(1, bar - 1);
    cell = cell.substr(cell.find_first_not_of(' '));
    cell = cell.substr(0, cell.find_last_not_of(' ') + 1);
    areas.push_back(cell);
  }
  return areas;
}

void AddNotModelledCommand(CLI::App& app, int* status) {
  CLI::App* cmd = app.add_subcommand("not-modelled", "what smmuref does not model, and what the "
                                                     "tools do when an input reaches it");
  cmd->footer("The table is spec/not-modelled.md; README.md includes the same table.\n");
  cmd->callback([status] {
    std::fputs(NotModelledTable().c_str(), stdout);
    *status = kOk;
  });
}

void AddReportOptions(CLI::App* command, ReportFiles* files) {
  command->add_option("--json", files->json, "also write the report as JSON to this file "
                                             "(spec/reports.md)")
      ->type_name("FILE");
  command->add_option("--junit", files->junit, "also write the report as JUnit XML to this file")
      ->type_name("FILE");
}

std::string OpenReportFiles(const ReportFiles& files) {
  for (const auto& [path, option] : {std::pair{files.json, "--json"}, {files.junit, "--junit"}}) {
    if (path.empty()) continue;
    // A report under a folder that does not exist yet (results/r.xml on a fresh clone) gets the
    // folder; a parent that exists but is not a folder is left for the open below to refuse.
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
      std::filesystem::create_directories(parent, ec);
    }
    std::ofstream out(path, std::ios::trunc);
    if (!out) return std::string(option) + ": cannot write " + path + ": " + std::strerror(errno);
  }
  if (!files.json.empty() && files.json == files.junit) return "--json and --junit name the same file";
  return "";
}

bool WriteReportFiles(const ReportFiles& files, const conform::RunSummary& run) {
  bool ok = true;
  if (!files.json.empty()) ok = WriteFile(files.json, conform::ToJson(run), "--json") && ok;
  if (!files.junit.empty()) ok = WriteFile(files.junit, conform::ToJUnit(run), "--junit") && ok;
  return ok;
}

}  // namespace smmuref::cli
