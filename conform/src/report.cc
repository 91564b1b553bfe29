// Report formatting: text, JSON and JUnit XML (see report.h; the JSON schema and the JUnit
// mapping are in spec/reports.md).
#include "smmuref/conform/report.h"

#include <array>
#include <map>
#include <nlohmann/json.hpp>

#include "smmuref/spec/format.h"
#include "smmuref/spec/input.h"

namespace smmuref::conform {

namespace {

const char* Result(int status) { return status == 0 ? "passed" : status == 1 ? "failed" : "bad input"; }

// A device failure fails the file; "not implemented by the DUT" neither passes nor fails it,
// and what failed before the DUT stopped still fails it.
int FileStatus(const FileReport& r) {
  if (r.DeviceFailed()) return 1;
  if (r.error && !r.NotImplemented()) return 2;
  return r.Failed() ? 1 : 0;
}

std::string FailureLines(const FileReport& r) {
  std::string out;
  for (const auto& f : r.failures) out += "  " + f.where + ": " + f.message + "\n";
  return out;
}

const char* FileResult(const FileReport& r) {
  if (r.DeviceFailed()) return "device failure";
  if (r.NotImplemented()) return "not implemented";
  return Result(FileStatus(r));
}

// Text for XML and JSON: bytes that are not UTF-8 text become U+FFFD (tabs and newlines stay).
std::string Clean(const std::string& s) {
  std::string out, why;
  std::string_view rest = s;
  for (size_t bad; (bad = spec::FindBadByte(rest, &why)) != std::string_view::npos;) {
    out.append(rest.substr(0, bad));
    out += "\xef\xbf\xbd";
    rest.remove_prefix(bad + 1);
  }
  out.append(rest);
  return out;
}

std::string Xml(const std::string& s) {
  std::string out;
  for (char c : Clean(s)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* RoomKind(Room::Kind k) {
  return k == Room::Kind::kTxn ? "txn" : k == Room::Kind::kReg ? "register" : "event queue";
}

// `vectors run --strict`: per expectation, the outcomes the model allowed.
nlohmann::ordered_json RoomJson(const FileReport& r) {
  nlohmann::ordered_json j = {{"uncounted", r.uncounted}};
  j["expectations"] = nlohmann::ordered_json::array();
  for (const Room& x : r.room) {
    nlohmann::ordered_json e = {{"where", Clean(x.where)}, {"kind", RoomKind(x.kind)},
                                {"any", x.any}};
    if (x.kind == Room::Kind::kTxn) {
      e.update({{"allowed", x.allowed}, {"accepted", x.accepted}});
      e["not_accepted"] = nlohmann::ordered_json::array();
      for (const auto& o : x.rejected) e["not_accepted"].push_back(Clean(o));
    }
    if (x.kind == Room::Kind::kReg) e["open_bits"] = spec::Hex(x.open_bits);
    j["expectations"].push_back(e);
  }
  return j;
}

nlohmann::ordered_json FileJson(const FileReport& r, const std::string& area) {
  nlohmann::ordered_json f = {{"path", Clean(r.path)},          {"result", FileResult(r)},
                      {"passed", r.passed},             {"failed", r.failed},
                      {"disagreements", r.mismatches},  {"translations", r.translations}};
  if (!area.empty()) f["area"] = area;
  if (!r.api_device.empty()) f["api_device"] = r.api_device;
  if (r.error) f["error"] = Clean(r.error_message);
  if (!r.shrunk.empty()) f["shrunk"] = Clean(r.shrunk);
  if (!r.shrink_note.empty()) f["shrink"] = Clean(r.shrink_note);
  if (!r.room.empty() || r.uncounted) f["room"] = RoomJson(r);
  f["failures"] = nlohmann::ordered_json::array();
  for (const auto& x : r.failures) {
    f["failures"].push_back({{"where", Clean(x.where)},
                             {"kind", x.mismatch ? "disagreement" : "expectation"},
                             {"message", Clean(x.message)}});
  }
  return f;
}

nlohmann::ordered_json DriverJson(const RunSummary& run) {
  const DriverE2eReport& d = run.driver;
  nlohmann::ordered_json j = {{"run", run.driver_run}};
  if (!run.driver_run) return j;
  j.update({{"mutant", run.driver_options.mutant},
            {"seed", run.driver_options.seed},
            {"programs_per_smmu", run.driver_options.programs},
            {"operations_per_program", run.driver_options.operations},
            {"smmus", d.instances},
            {"programs", d.programs},
            {"transactions", d.transactions},
            {"elapsed_seconds", d.seconds},
            {"violated", d.violated}});
  nlohmann::ordered_json reached = nlohmann::ordered_json::object();
  for (const auto& [op, n] : d.reached) reached[op] = n;
  j["succeeded"] = reached;
  if (d.violated) {
    j.update({{"failing_smmu", d.failing_instance},
              {"failing_seed", d.failing_seed},
              {"violation", Clean(d.violation)},
              {"vector", Clean(run.driver_vector_file)}});
  }
  return j;
}

nlohmann::ordered_json CampaignJson(const RunSummary& run) {
  const CampaignOptions& o = run.campaign_options;
  const CampaignReport& c = run.campaign;
  nlohmann::ordered_json j = {{"run", run.campaign_run}, {"device", o.dut}, {"seed", o.seed}};
  if (!run.campaign_run) return j;
  if (o.max_programs) j["program_budget"] = o.max_programs;
  else j["seconds_budget"] = o.seconds;
  j.update({{"programs", c.programs},
            {"translations", c.translations},
            {"distinct_outcomes", c.observations.size()},
            {"rules_exercised", c.rules.size()},
            {"rules_total", spec::coverage::kRuleCount},
            {"rules_never_hit", c.RulesNeverHit()},
            {"programs_per_second", c.ProgramsPerSecond()},
            {"programs_per_cpu_second", c.ProgramsPerCpuSecond()},
            {"bounded", c.bounded},
            {"mismatches", c.mismatches},
            {"device_failures", c.device_failures},
            {"not_implemented", c.not_implemented},
            {"results_folder", Clean(ResultsFolder(o))},
            {"first_mismatch_program", c.first_mismatch_program},
            {"programs_to_first_mismatch", c.first_mismatch},
            {"elapsed_seconds", c.elapsed}});
  j["reproducers"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < c.mismatch_files.size(); ++i) {
    j["reproducers"].push_back(
        {{"file", Clean(c.mismatch_files[i])},
         {"summary", i < c.mismatch_summaries.size() ? Clean(c.mismatch_summaries[i]) : ""},
         {"shrunk", i < c.shrunk_files.size() ? Clean(c.shrunk_files[i]) : ""},
         {"shrink", i < c.shrink_notes.size() ? Clean(c.shrink_notes[i]) : ""}});
  }
  j["not_written"] = nlohmann::ordered_json::array();
  for (const auto& e : c.write_errors) j["not_written"].push_back(Clean(e));
  return j;
}

std::string Area(const RunSummary& run, size_t i) {
  return i < run.areas.size() ? run.areas[i] : "";
}

}  // namespace

void Totals::Add(const FileReport& r) {
  ++files;
  passed += r.passed;
  failed += r.failed;
  mismatches += r.mismatches;
  device_failures += r.DeviceFailed() ? 1 : 0;
  not_implemented += r.NotImplemented() ? 1 : 0;
  errors += r.error && !r.DeviceFailed() && !r.NotImplemented() ? 1 : 0;
  failed_then_stopped += r.error && r.Failed() ? 1 : 0;
}

int Totals::Status() const {
  return errors ? 2 : (failed || mismatches || device_failures || failed_then_stopped) ? 1 : 0;
}

std::string TextFileReport(const FileReport& r, bool quiet) {
  if (r.DeviceFailed()) {
    return "DEVICE FAILURE " + r.path + "\n" + FailureLines(r) + "  " + r.error_message + "\n";
  }
  if (r.NotImplemented()) {
    return std::string(r.Failed() ? "FAIL, then NOT IMPLEMENTED " : "NOT IMPLEMENTED ") + r.path +
           "\n" + FailureLines(r) + "  " + r.error_message + "\n";
  }
  if (r.error) return "ERROR " + r.path + "\n  " + r.error_message + "\n";
  if (!r.Failed()) {
    return quiet ? "" : "PASS  " + r.path + " (" + std::to_string(r.passed) + " expectations)\n";
  }
  std::string out = "FAIL  " + r.path + " (" + std::to_string(r.passed) + " passed, " +
                    std::to_string(r.failed) + " failed";
  if (r.mismatches) out += ", " + std::to_string(r.mismatches) + " disagreements with the model";
  out += ")\n";
  for (const auto& f : r.failures) out += "  " + f.where + ": " + f.message + "\n";
  return out;
}

std::string TextRoom(const FileReport& r, bool quiet) {
  if (r.error) return "";
  std::string out;
  int open = 0;
  for (const Room& x : r.room) {
    open += x.Open() ? 1 : 0;
    if (quiet && !x.Open()) continue;
    out += "  " + x.where + ": " + x.what + ": ";
    if (x.any) {
      out += "any observation allowed";
    } else if (x.kind == Room::Kind::kTxn) {
      out += std::to_string(x.allowed) + " allowed outcome" + (x.allowed == 1 ? "" : "s") + ", " +
             std::to_string(x.accepted) + " accepted";
      for (const auto& o : x.rejected) out += "\n      not accepted: " + o;
    } else if (x.kind == Room::Kind::kReg) {
      out += "1 allowed value";
      if (x.open_bits) out += " (bits " + spec::Hex(x.open_bits) + " not compared)";
    } else {
      out += "1 allowed record (its UNKNOWN fields not compared)";
    }
    out += "\n";
  }
  out += "  room: " + std::to_string(open) + " of " + std::to_string(r.room.size()) +
         " expectations allowed more than one outcome";
  if (r.uncounted) out += "; " + std::to_string(r.uncounted) + " api.* expectations not counted";
  return out + "\n";
}

std::string TextTotals(const Totals& t) {
  std::string out = std::to_string(t.passed) + " passed, " + std::to_string(t.failed) + " failed";
  if (t.mismatches) out += ", " + std::to_string(t.mismatches) + " disagreements with the model";
  out += "\n";
  if (t.device_failures) out += std::to_string(t.device_failures) + " files ended by a device failure\n";
  if (t.not_implemented) {
    out += std::to_string(t.not_implemented) + " files need what the DUT does not implement\n";
  }
  if (t.errors) {
    out += std::to_string(t.errors) + " of " + std::to_string(t.files) + " files had bad input\n";
  }
  return out;
}

std::string ToJson(const RunSummary& run) {
  Totals t;
  for (const auto& f : run.files) t.Add(f);
  nlohmann::ordered_json j = {{"tool", "smmuref"},
                      {"format", 1},
                      {"command", run.command},
                      {"device", run.dut},
                      {"status", run.status},
                      {"result", Result(run.status)},
                      {"totals",
                       {{"files", t.files},
                        {"passed", t.passed},
                        {"failed", t.failed},
                        {"disagreements", t.mismatches},
                        {"device_failures", t.device_failures},
                        {"not_implemented", t.not_implemented},
                        {"bad_input", t.errors}}}};
  j["files"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < run.files.size(); ++i) j["files"].push_back(FileJson(run.files[i], Area(run, i)));
  // Per rule id: checks and failures by the vectors and by the campaign.
  std::map<std::string, std::array<int, 4>> tally;
  for (const auto& f : run.files) {
    for (const auto& [id, n] : f.rule_checks) tally[id][0] += n;
    for (const auto& [id, n] : f.rule_failures) tally[id][1] += n;
  }
  for (const auto& [id, n] : run.campaign.rule_checks) tally[id][2] += n;
  for (const auto& [id, n] : run.campaign.rule_failures) tally[id][3] += n;
  nlohmann::ordered_json rules = nlohmann::ordered_json::object();
  for (const auto& [id, t] : tally) {
    rules[id] = {{"vectors_checked", t[0]}, {"vectors_failed", t[1]},
                 {"campaign_checked", t[2]}, {"campaign_failed", t[3]}};
  }
  j["rules"] = rules;
  if (run.command == "check" || run.command == "conform") {
    j["campaign"] = CampaignJson(run);
    if (run.command == "check") j["driver"] = DriverJson(run);
    j["not_modelled"] = run.not_modelled;
  }
  return j.dump(2) + "\n";
}

namespace {

// The JUnit suite name of file i: its corpus area (check) or the command.
std::string SuiteOf(const RunSummary& run, size_t i) {
  return Area(run, i).empty() ? run.command : "vectors." + Area(run, i);
}

struct JUnitCounts {
  int tests = 0, failures = 0, errors = 0;
  std::string Attributes() const {
    return "tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
           "\" errors=\"" + std::to_string(errors) + "\"";
  }
};

std::string JUnitFileCase(const std::string& suite, const FileReport& r, JUnitCounts* n) {
  ++n->tests;
  std::string out = "    <testcase classname=\"" + Xml(suite) + "\" name=\"" + Xml(r.path) + "\">\n";
  if (r.NotImplemented() && !r.Failed()) {
    out += "      <skipped message=\"not implemented by the DUT: " + Xml(r.error_message) + "\"/>\n";
  } else if (r.error && !r.NotImplemented()) {
    ++n->errors;
    out += "      <error type=\"" + std::string(r.DeviceFailed() ? "device failure" : "bad input") +
           "\" message=\"" + Xml(r.error_message) + "\"/>\n";
  } else if (r.Failed()) {
    ++n->failures;
    std::string text;
    for (const auto& f : r.failures) text += f.where + ": " + f.message + "\n";
    if (!r.shrunk.empty()) text += "shrunk: " + r.shrunk + "\n";
    out += "      <failure type=\"failed\" message=\"" + std::to_string(r.failed) +
           " expectations failed, " + std::to_string(r.mismatches) +
           " disagreements with the model\">" + Xml(text) + "</failure>\n";
  }
  return out + "    </testcase>\n";
}

std::string JUnitCampaign(const RunSummary& run, JUnitCounts* n) {
  const CampaignReport& c = run.campaign;
  const bool failed = c.mismatches > 0 || c.device_failures > 0;
  std::string text;
  for (size_t i = 0; i < c.mismatch_files.size(); ++i) {
    text += c.mismatch_files[i] + "\n  " +
            (i < c.mismatch_summaries.size() ? c.mismatch_summaries[i] : "") + "\n";
    if (i < c.shrunk_files.size() && !c.shrunk_files[i].empty()) {
      text += "  shrunk: " + c.shrunk_files[i] + "\n";
    }
  }
  for (const auto& e : c.write_errors) text += "not written: " + e + "\n";
  const std::string name = run.campaign_options.dut + " vs model, seed " +
                           std::to_string(run.campaign_options.seed) + ", " +
                           std::to_string(c.programs) + " programs";
  std::string out = "  <testsuite name=\"campaign\" tests=\"1\" failures=\"" +
                    std::to_string(failed) + "\" errors=\"0\">\n    <testcase classname=\"campaign\" "
                    "name=\"" + Xml(name) + "\">\n";
  if (failed) {
    out += "      <failure type=\"mismatch\" message=\"" + std::to_string(c.mismatches) +
           " programs with a mismatch, " + std::to_string(c.device_failures) +
           " ended by a device failure\">" + Xml(text) + "</failure>\n";
  }
  n->tests += 1;
  n->failures += failed;
  return out + "    </testcase>\n  </testsuite>\n";
}

std::string JUnitDriver(const RunSummary& run, JUnitCounts* n) {
  const DriverE2eReport& d = run.driver;
  const std::string name = "the driver" +
                           (run.driver_options.mutant
                                ? " (mutant " + std::to_string(run.driver_options.mutant) + ")"
                                : std::string()) +
                           " over the model, seed " + std::to_string(run.driver_options.seed) +
                           ", " + std::to_string(d.programs) + " programs";
  std::string out = "  <testsuite name=\"driver end to end\" tests=\"1\" failures=\"" +
                    std::to_string(d.violated) + "\" errors=\"0\">\n    <testcase classname=\"driver\" "
                    "name=\"" + Xml(name) + "\">\n";
  if (d.violated) {
    out += "      <failure type=\"isolation\" message=\"" + Xml(d.failing_instance) +
           ", program seed " + std::to_string(d.failing_seed) + "\">" +
           Xml(d.violation + (run.driver_vector_file.empty() ? "" : "\nvector: " +
                                                                      run.driver_vector_file)) +
           "</failure>\n";
  }
  n->tests += 1;
  n->failures += d.violated;
  return out + "    </testcase>\n  </testsuite>\n";
}

}  // namespace

std::string ToJUnit(const RunSummary& run) {
  std::vector<std::string> suites;
  for (size_t i = 0; i < run.files.size(); ++i) {
    if (std::find(suites.begin(), suites.end(), SuiteOf(run, i)) == suites.end()) {
      suites.push_back(SuiteOf(run, i));
    }
  }
  JUnitCounts all;
  std::string body;
  for (const auto& suite : suites) {
    JUnitCounts n;
    std::string cases;
    for (size_t i = 0; i < run.files.size(); ++i) {
      if (SuiteOf(run, i) == suite) cases += JUnitFileCase(suite, run.files[i], &n);
    }
    body += "  <testsuite name=\"" + Xml(suite) + "\" " + n.Attributes() + ">\n" + cases +
            "  </testsuite>\n";
    all.tests += n.tests, all.failures += n.failures, all.errors += n.errors;
  }
  if (run.campaign_run) body += JUnitCampaign(run, &all);
  if (run.driver_run) body += JUnitDriver(run, &all);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"smmuref " +
         Xml(run.command) + "\" " + all.Attributes() + ">\n" + body + "</testsuites>\n";
}

}  // namespace smmuref::conform
