// `smmuref rules`: the SMMUv3 rule ids of spec/rules.md as the tools know them
// (spec::coverage::kRuleIds), or with --unreachable those no random program can exercise and why
// (conform::UnreachableRules()). fuzz/campaign.py's report reads it to say which rule ids a
// campaign never exercised. Tests: tests/cli/cli_test.cc (Rules*).
#include <cstdio>
#include <memory>

#include "cli.h"
#include "smmuref/conform/campaign.h"
#include "smmuref/spec/coverage.h"

namespace smmuref::cli {

void AddRulesCommand(CLI::App& app, int* status) {
  CLI::App* cmd = app.add_subcommand("rules", "the rule ids of spec/rules.md, one a line, or "
                                              "those no random program can reach");
  auto unreachable = std::make_shared<bool>(false);
  cmd->add_flag("--unreachable", *unreachable,
                "only the rule ids no generated program can exercise, as 'ID: why'");
  cmd->footer("The ids are those the model's rule probes record (`check` reports how many of them a\n"
              "campaign exercised).\nexit status: 0\n");
  cmd->callback([unreachable, status] {
    if (*unreachable) {
      for (const auto& [id, why] : conform::UnreachableRules()) {
        std::printf("%s: %s\n", id.c_str(), why.c_str());
      }
    } else {
      for (const auto id : spec::coverage::kRuleIds) {
        std::printf("%.*s\n", static_cast<int>(id.size()), id.data());
      }
    }
    *status = kOk;
  });
}

}  // namespace smmuref::cli
