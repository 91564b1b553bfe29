// smmuref: command-line entry point (CLI11). Each command lives in conform/src/cli/ and is
// registered here by one line. See `smmuref --help`.
// Exit status: 0 success; 1 a check failed; 2 bad input or usage (an error naming the option).
// Tests: tests/cli/cli_test.cc, tests/badinput/badinput_test.cc.
#include <cstdio>
#include <iostream>

#include "cli/cli.h"
#if SMMUREF_HAVE_PROOFS
#include "proofs/query/cli.h"  // `smmuref query` (Z3), when proofs/ is built
#endif

namespace {

const char kFooter[] =
    "exit status: 0 all passed, 1 a check failed, 2 bad input or usage\n"
    "Every command takes --help. Paths are relative to the current directory.\n";

// The first arguments name a command and its subcommands (`vectors run`); a word that names none
// is reported as an unknown command, an option before any command as an unknown option (CLI11
// would only say that a subcommand is required).
std::string UnknownCommand(const CLI::App& app, int argc, char** argv) {
  const CLI::App* at = &app;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    const auto subs = at->get_subcommands({});
    if (subs.empty()) return "";
    std::string known;
    const CLI::App* next = nullptr;
    for (const CLI::App* s : subs) {
      if (s->get_name() == word) next = s;
      known += (known.empty() ? "" : ", ") + (path.empty() ? "" : path + " ") + s->get_name();
    }
    if (next) {
      at = next;
      path += (path.empty() ? "" : " ") + word;
      continue;
    }
    if (word == "--help" || word == "-h" || word == "--version") return "";
    if (word[0] == '-') {
      return at == &app ? "unknown option '" + word + "'; expected a command (" + known + ")" : "";
    }
    return "unknown command '" + (path.empty() ? "" : path + " ") + word + "' (commands: " + known + ")";
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = smmuref::cli;
  CLI::App app("smmuref - executable reference for the Arm SMMUv3 architecture and the IOMMU API",
               "smmuref");
  app.set_version_flag("--version", std::string("smmuref ") + SMMUREF_VERSION);
  app.require_subcommand(1);
  app.footer(std::string(kFooter) + cli::LimitsText());
  int status = cli::kOk;
  cli::AddCheckCommand(app, &status);
  cli::AddVectorsCommand(app, &status);
  cli::AddExplainCommand(app, &status);
  cli::AddProfilesCommand(app, &status);
  cli::AddNotModelledCommand(app, &status);
  cli::AddConformCommand(app, &status);
  cli::AddShrinkCommand(app, &status);
  cli::AddRulesCommand(app, &status);
#if SMMUREF_HAVE_DRIVER
  cli::AddExplainUpdateCommand(app, &status);
#endif
#if SMMUREF_HAVE_PROOFS
  smmuref::proofs::AddQueryCommand(app, &status);
#endif
  if (argc <= 1) {
    std::cerr << app.help();
    return cli::kUsage;
  }
  if (std::string problem = UnknownCommand(app, argc, argv); !problem.empty()) {
    std::cerr << "smmuref: " << problem << "\n";
    return cli::kUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const std::string name = e.get_name();
    if (name == "CallForHelp" || name == "CallForAllHelp" || name == "CallForVersion") {
      return app.exit(e);
    }
    std::cerr << "smmuref: " << e.what() << "\n(see smmuref --help, or smmuref COMMAND --help)\n";
    return cli::kUsage;
  }
  return status;
}
