// Report formatting (see report.h).
#include "smmuref/conform/report.h"

namespace smmuref::conform {

void Totals::Add(const FileReport& r) {
  ++files;
  passed += r.passed;
  failed += r.failed;
  mismatches += r.mismatches;
  errors += r.error ? 1 : 0;
}

int Totals::Status() const { return errors ? 2 : (failed || mismatches) ? 1 : 0; }

std::string TextFileReport(const FileReport& r, bool quiet) {
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

std::string TextTotals(const Totals& t) {
  std::string out = std::to_string(t.passed) + " passed, " + std::to_string(t.failed) + " failed";
  if (t.mismatches) out += ", " + std::to_string(t.mismatches) + " disagreements with the model";
  out += "\n";
  if (t.errors) {
    out += std::to_string(t.errors) + " of " + std::to_string(t.files) + " files had bad input\n";
  }
  return out;
}

}  // namespace smmuref::conform
