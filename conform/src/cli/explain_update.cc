// `smmuref explain-update ste|cd FROM_DWs... -- TO_DWs...`: the driver's plan for updating a live
// STE or CD (impl/driver/update.h): the entry at each sync, then `syncs=N hitless=yes|no`.
// Tests: tests/cli/explain_update_cli_test.cc
#include <cctype>
#include <cstdio>
#include <memory>

#include "cli.h"
#include "smmuref/impl/driver/update.h"

namespace smmuref::cli {

namespace {

namespace driver = impl::driver;

constexpr char kName[] = "smmuref explain-update";

// A doubleword in hexadecimal, with or without 0x: 1 to 16 hex digits.
bool ParseHexWord(const std::string& s, uint64_t* out) {
  size_t i = (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 2 : 0;
  if (i == s.size() || s.size() - i > 16) return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    v = v << 4 | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  *out = v;
  return true;
}

// Reads up to 8 words from args[begin, end) into `e` (missing words are 0); an error or "".
std::string ReadEntry(const std::vector<std::string>& args, size_t begin, size_t end,
                      const char* which, driver::Entry* e) {
  e->fill(0);
  if (end - begin > 8) {
    return std::string(which) + ": " + std::to_string(end - begin) +
           " doublewords, an STE or CD has 8";
  }
  for (size_t i = begin; i < end; ++i) {
    if (!ParseHexWord(args[i], &(*e)[i - begin])) {
      return std::string(which) + " DW" + std::to_string(i - begin) + ": '" + args[i] +
             "' is not a 64-bit hexadecimal number (0x optional)";
    }
  }
  return "";
}

int Usage(const std::string& why) {
  std::fprintf(stderr, "%s: %s\n(see %s --help)\n", kName, why.c_str(), kName);
  return kUsage;
}

int RunExplainUpdate(const std::vector<std::string>& args) {
  if (args.empty()) return Usage("missing KIND (ste or cd)");
  if (args[0] != "ste" && args[0] != "cd") {
    return Usage("KIND is ste or cd, not '" + args[0] + "'");
  }
  const auto kind = args[0] == "ste" ? driver::EntryKind::kSte : driver::EntryKind::kCd;
  size_t sep = 0;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].size() > 1 && args[i][0] == '-' && args[i] != "--") {
      return Usage("unknown option '" + args[i] + "' (the only option, --help, goes before KIND)");
    }
    if (args[i] == "--") {
      if (sep != 0) return Usage("'--' given twice");
      sep = i;
    }
  }
  if (sep == 0) return Usage("missing '--' between FROM and TO doublewords");
  driver::Entry from, to;
  if (std::string e = ReadEntry(args, 1, sep, "FROM", &from); !e.empty()) return Usage(e);
  if (std::string e = ReadEntry(args, sep + 1, args.size(), "TO", &to); !e.empty()) {
    return Usage(e);
  }
  const driver::UpdatePlan plan = driver::PlanUpdate(kind, from, to);
  std::fputs(driver::FormatPlan(kind, from, plan).c_str(), stdout);
  return kOk;
}

}  // namespace

void AddExplainUpdateCommand(CLI::App& app, int* status) {
  CLI::App* cmd = app.add_subcommand(
      "explain-update", "the driver's plan for updating a live STE or CD without tearing");
  cmd->footer(
      "usage: smmuref explain-update ste|cd FROM_DW0 [FROM_DW1 ...] -- TO_DW0 [TO_DW1 ...]\n"
      "FROM and TO are up to 8 doublewords each, in hexadecimal (0x optional); missing ones are\n"
      "zero. The plan writes, in order: the bits FROM's configuration does not use, the one\n"
      "doubleword that switches to TO's configuration, then the rest, each step followed by\n"
      "CMD_CFGI_STE or CMD_CFGI_CD and CMD_SYNC; when two or more doublewords would have to\n"
      "switch together it goes through V=0 instead (hitless=no). One line per sync shows the\n"
      "entry's 8 doublewords at that sync, '*' marking those the step writes; the last line\n"
      "is exactly 'syncs=N hitless=yes|no' (impl/driver/README.md).\n"
      "exit status: 0 planned, 2 bad input\n");
  // Everything after the command is read here, `--` included (CLI11 would drop it).
  cmd->prefix_command();
  cmd->callback([cmd, status] { *status = RunExplainUpdate(cmd->remaining()); });
}

}  // namespace smmuref::cli
