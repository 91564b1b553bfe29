// smmuref: command-line entry point (CLI11). Each command lives in conform/src/cli/ and is
// registered here by one line. See `smmuref --help`.
// Exit status: 0 success; 1 a check failed; 2 bad input or usage (an error naming the option).
// Tests: tests/cli/cli_test.cc, tests/badinput/badinput_test.cc.
#include <cstdio>
#include <iostream>

#include "cli/cli.h"

namespace {

const char kFooter[] =
    "exit status: 0 all passed, 1 a check failed, 2 bad input or usage\n"
    "Every command takes --help. Paths are relative to the current directory.\n";

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
  if (argc <= 1) {
    std::cerr << app.help();
    return cli::kUsage;
  }
  if (argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      found |= sub->get_name() == argv[1];
      known += (known.empty() ? "" : ", ") + sub->get_name();
    }
    if (!found) {
      std::cerr << "smmuref: unknown command '" << argv[1] << "' (commands: " << known << ")\n";
      return cli::kUsage;
    }
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
