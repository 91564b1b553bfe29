// `smmuref conform` as a library call (check.h): vector files, then the campaign on the DUT's
// profile, tallied per rule id; the text summary with the spec-coverage table.
// Tests: tests/conformance/dut_process_test.cc, conform/examples/CMakeLists.txt (ctest examples/*)
#include "smmuref/conform/check.h"

#include <filesystem>
#include <fstream>

#include "dut/dut_device.h"
#include "qemu_device.h"
#include "smmuref/conform/device.h"

namespace smmuref::conform {

namespace {

namespace fs = std::filesystem;

void Tally(std::map<std::string, RuleTally>* t, const std::map<std::string, int>& checks,
           const std::map<std::string, int>& failures) {
  for (const auto& [rule, n] : checks) (*t)[rule].checked += n;
  for (const auto& [rule, n] : failures) (*t)[rule].failed += n;
}

// The campaign's profile: --profile, else the DUT's own (written next to the reproducers so a
// replay can name it), else none.
spec::Result<bool> ChooseProfile(const ConformOptions& o, ConformReport* r) {
  if (!o.profile.empty()) {
    auto p = spec::LoadProfile(o.profile);
    if (!p) return spec::Error{"--profile", p.error().ToString()};
    r->profile = o.profile;
    r->profile_source = "--profile";
    return true;
  }
  auto own = DutOwnProfile(o.dut);
  if (!own) return own.error();
  if (own->empty()) {
    r->profile_source = "generated programs (the DUT declares no profile)";
    return true;
  }
  auto parsed = spec::ParseProfile(*own, o.dut + " (its own profile)");
  if (!parsed) return spec::Error{"", "the DUT's own profile: " + parsed.error().ToString(),
                                  spec::ErrorKind::kDeviceFailure};
  std::error_code ec;
  fs::create_directories(o.camp.results_dir, ec);
  const fs::path file = fs::path(o.camp.results_dir) / "dut-own.profile";
  std::ofstream(file) << *own;
  r->profile = file.string();
  r->profile_source = "the DUT's own";
  return true;
}

}  // namespace

spec::Result<std::string> DutOwnProfile(const std::string& dut) {
  if (dut::IsPluginName(dut)) {
    auto ops = dut::LoadPlugin(dut);
    if (!ops) return ops.error();
    return std::string((*ops)->profile ? (*ops)->profile : "");
  }
  if (dut::IsProcessName(dut)) {
    auto full = spec::LoadProfile("full");
    SMMUREF_CHECK(full.ok(), "the full profile is built in");
    return dut::ProcessDutProfile(dut.substr(5), dut::DescribeProfile(*full));
  }
  if (IsQemuName(dut)) return QemuOwnProfile();
  return std::string();
}

Platform DutPlatform(const std::string& dut) {
  return IsQemuName(dut) ? QemuPlatform(dut) : Platform{};
}

spec::Result<ConformReport> RunConform(const ConformOptions& o) {
  if (const std::string problem = DeviceNameProblem(o.dut); !problem.empty()) {
    return spec::Error{"--dut", problem};
  }
  ConformReport r;
  r.run.command = "conform";
  r.run.dut = o.dut;
  if (o.campaign) {
    auto chosen = ChooseProfile(o, &r);
    if (!chosen) return chosen.error();
  }
  RunOptions ro;
  ro.dut = o.dut;
  for (size_t i = 0; i < o.files.size(); ++i) {
    FileReport f = RunVectorPath(o.files[i], ro);
    r.totals.Add(f);
    Tally(&r.by_vectors, f.rule_checks, f.rule_failures);
    if (o.on_file) o.on_file(f, i, o.files.size());
    r.run.areas.push_back(fs::path(o.files[i]).parent_path().filename());
    r.run.files.push_back(std::move(f));
  }
  r.run.campaign_run = o.campaign && o.dut != "model";
  r.run.campaign_options = o.camp;
  r.run.campaign_options.dut = o.dut;
  r.run.campaign_options.profile = r.profile;
  r.run.campaign_options.platform = DutPlatform(o.dut);
  if (r.run.campaign_run) {
    r.run.campaign = RunCampaign(r.run.campaign_options);
    Tally(&r.by_campaign, r.run.campaign.rule_checks, r.run.campaign.rule_failures);
  }
  const CampaignReport& c = r.run.campaign;
  const bool failed = r.totals.failed || r.totals.mismatches || r.totals.device_failures ||
                      r.totals.failed_then_stopped ||
                      c.mismatches || c.device_failures;
  r.run.status = r.totals.errors || !c.write_errors.empty() ? 2 : failed ? 1 : 0;
  return r;
}

std::string TextConformReport(const ConformReport& r, const std::vector<std::string>& all_rules) {
  std::string out = "\nper rule id (checks by the vectors | by the campaign; failed in brackets):\n";
  std::set<std::string> ids;
  for (const auto& [id, t] : r.by_vectors) ids.insert(id);
  for (const auto& [id, t] : r.by_campaign) ids.insert(id);
  char line[160];
  for (const auto& id : ids) {
    auto v = r.by_vectors.count(id) ? r.by_vectors.at(id) : RuleTally{};
    auto c = r.by_campaign.count(id) ? r.by_campaign.at(id) : RuleTally{};
    std::snprintf(line, sizeof line, "  %-22s %7d [%d] | %7d [%d]%s\n", id.c_str(), v.checked,
                  v.failed, c.checked, c.failed, v.failed || c.failed ? "  FAILED" : "");
    out += line;
  }
  int by_vectors = 0, by_campaign = 0, either = 0;
  for (const auto& id : all_rules) {
    const bool a = r.by_vectors.count(id) > 0, b = r.by_campaign.count(id) > 0;
    by_vectors += a, by_campaign += b, either += a || b;
  }
  std::snprintf(line, sizeof line,
                "spec coverage: %d of %zu rule ids decided an outcome (vectors %d, campaign %d)\n",
                either, all_rules.size(), by_vectors, by_campaign);
  out += line;
  const Totals& t = r.totals;
  out += "vectors: " + std::to_string(t.files) + " files, " + std::to_string(t.passed) +
         " expectations passed, " + std::to_string(t.failed) + " failed, " +
         std::to_string(t.mismatches) + " disagreements with the model, " +
         std::to_string(t.device_failures) + " device failures, " +
         std::to_string(t.not_implemented) + " not implemented by the DUT, " +
         std::to_string(t.errors) + " bad input\n";
  if (r.run.campaign_run) {
    const CampaignReport& c = r.run.campaign;
    out += "campaign (" + r.profile_source + (r.profile.empty() ? "" : ": " + r.profile) +
           "): " + std::to_string(c.programs) + " programs, " + std::to_string(c.translations) +
           " translations, " + std::to_string(c.mismatches) + " with a mismatch, " +
           std::to_string(c.device_failures) + " device failures, " +
           std::to_string(c.not_implemented) + " not implemented by the DUT, " +
           std::to_string(c.bounded) + " ended by the allowed-set bound\n";
    for (size_t i = 0; i < c.mismatch_files.size(); ++i) {
      out += "  FAILED, reproducer " + c.mismatch_files[i] + "\n    " +
             (i < c.mismatch_summaries.size() ? c.mismatch_summaries[i] : "") + "\n";
      if (i < c.shrunk_files.size() && !c.shrunk_files[i].empty()) {
        out += "    shrunk: " + c.shrunk_files[i] + " (" + c.shrink_notes[i] + ")\n";
      } else if (i < c.shrink_notes.size()) {
        out += "    " + c.shrink_notes[i] + "\n";
      }
    }
    if (!c.first_not_implemented.empty()) {
      out += "  not implemented, first case: " + c.first_not_implemented + "\n";
    }
  }
  out += r.run.status == 0 ? "conform: passed\n" : r.run.status == 1 ? "conform: FAILED\n"
                                                                      : "conform: bad input\n";
  return out;
}

}  // namespace smmuref::conform
