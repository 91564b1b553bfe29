// `smmuref explain` (structure decoding by field name, conform/explain.h) and `smmuref profiles`
// (the IDR profiles, spec/profile.h).
#include "cli.h"
#include "smmuref/conform/explain.h"
#include "smmuref/spec/profile.h"

namespace smmuref::cli {

namespace {

struct ExplainOptions {
  std::string profile = "full";
  std::string kind;
  std::vector<uint64_t> dwords;
};

int RunExplain(const ExplainOptions& o) {
  auto p = spec::LoadProfile(o.profile);
  if (!p) {
    std::fprintf(stderr, "smmuref explain: --profile: %s\n", p.error().ToString().c_str());
    return kUsage;
  }
  auto text = conform::Explain(o.kind, o.dwords, *p);
  if (!text) {
    std::fprintf(stderr, "smmuref explain: %s\n", text.error().ToString().c_str());
    return kUsage;
  }
  std::fputs(text->c_str(), stdout);
  return kOk;
}

int RunProfiles(const std::string& name) {
  if (name.empty()) {
    for (const auto& n : spec::BuiltinProfileNames()) std::printf("%s\n", n.c_str());
    return kOk;
  }
  auto p = spec::LoadProfile(name);
  if (!p) {
    std::fprintf(stderr, "smmuref profiles: %s\n", p.error().ToString().c_str());
    return kUsage;
  }
  for (const auto& [k, v] : spec::ProfileValues(*p)) {
    std::printf("%-14s %llu\n", k.c_str(), static_cast<unsigned long long>(v));
  }
  // Choices fixed per implementation (spec/choices.md): an alternative, or any.
  for (const auto& [k, v] : spec::ProfileChoiceValues(*p)) {
    std::printf("%-14s %s\n", k.c_str(), v.c_str());
  }
  return kOk;
}

}  // namespace

void AddExplainCommand(CLI::App& app, int* status) {
  CLI::App* explain = app.add_subcommand(
      "explain", "decode an STE, CD, L1STD, L1CD, descriptor or event record by field name");
  explain->footer(
      "Prints every field by its spec name and, for STEs and CDs, every rule that makes the\n"
      "structure ILLEGAL under the profile. Missing doublewords are zero.\n"
      "exit status: 0 decoded, 2 bad input\n");
  auto o = std::make_shared<ExplainOptions>();
  explain->add_option("--profile", o->profile, "built-in profile name or .profile path")
      ->capture_default_str();
  explain->add_option("KIND", o->kind,
                      "ste (8 doublewords), cd (8), l1std (1), l1cd (1), desc (stage-1 "
                      "descriptor), desc2 (stage-2 descriptor), event (4)")
      ->required()
      ->check(CLI::IsMember({"ste", "cd", "l1std", "l1cd", "desc", "desc2", "event"}));
  explain->add_option("DW", o->dwords, "the doublewords, 0x.. or decimal, 64 bits each")
      ->required()
      ->transform(Number(0, UINT64_MAX));
  explain->callback([o, status] { *status = RunExplain(*o); });
}

void AddProfilesCommand(CLI::App& app, int* status) {
  CLI::App* profiles = app.add_subcommand(
      "profiles", "list the built-in IDR profiles, or the values of one");
  profiles->footer("NAME is a built-in profile or a .profile file path.\nexit status: 0 listed, 2 bad input\n");
  auto name = std::make_shared<std::string>();
  profiles->add_option("NAME", *name, "built-in profile name or .profile path");
  profiles->callback([name, status] { *status = RunProfiles(*name); });
}

}  // namespace smmuref::cli
