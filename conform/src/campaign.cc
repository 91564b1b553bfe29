// Differential random campaign (see campaign.h).
#include "smmuref/conform/campaign.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "smmuref/conform/progen.h"
#include "smmuref/conform/runner.h"

namespace smmuref::conform {

namespace {

void Progress(const CampaignReport& r, double t, bool tty, bool final) {
  std::fprintf(stderr, "%s[%6.1fs] programs %llu  translations %llu  distinct outcomes %zu  "
               "rules %zu  bounded %llu  mismatches %llu  device failures %llu%s",
               tty ? "\r" : "", t, static_cast<unsigned long long>(r.programs),
               static_cast<unsigned long long>(r.translations), r.observations.size(),
               r.rules.size(), static_cast<unsigned long long>(r.bounded),
               static_cast<unsigned long long>(r.mismatches),
               static_cast<unsigned long long>(r.device_failures), tty && !final ? "" : "\n");
  std::fflush(stderr);
}

// Writes the program as a replayable vector, the findings as comments at its end, so that every
// line number (in the findings and in the program's own provenance notes) is a line of this
// file. Returns the path, or an Error when nothing could be written.
spec::Result<std::string> WriteMismatch(const CampaignOptions& o, uint64_t program_seed,
                                        const FileReport& rep, const std::string& program) {
  namespace fs = std::filesystem;
  const fs::path dir = ResultsFolder(o);
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path file = dir / ("mismatch-" + std::to_string(program_seed) + ".vec");
  std::ofstream out(file);
  out << program;
  if (!program.empty() && program.back() != '\n') out << "\n";
  out << "# ---- " << o.dut << " disagreed with the model (program seed " << program_seed
      << "); replay: smmuref vectors run --dut " << o.dut << " " << file.string() << "\n";
  auto finding = [&](const std::string& where, const std::string& what) {
    const size_t colon = where.rfind(':');
    std::string msg = file.string() + (colon == std::string::npos ? "" : where.substr(colon)) +
                      ": " + what;
    for (size_t p = 0; (p = msg.find('\n', p)) != std::string::npos; p += 3) msg.replace(p, 1, "\n# ");
    out << "# " << msg << "\n";
  };
  if (rep.error) {
    const size_t sep = rep.error_message.find(": ");
    if (sep == std::string::npos) finding("", rep.error_message);
    else finding(rep.error_message.substr(0, sep), rep.error_message.substr(sep + 2));
  }
  for (const auto& f : rep.failures) finding(f.where, f.message);
  out.close();
  if (!out) return spec::Error{file.string(), "could not write the reproducer"};
  return file.string();
}

}  // namespace

// The folder of one run's reproducers: by device and seed, so runs do not overwrite each other.
std::string ResultsFolder(const CampaignOptions& o) {
  return (std::filesystem::path(o.results_dir) / ("check-" + o.dut + "-seed-" + std::to_string(o.seed)))
      .string();
}

CampaignReport RunCampaign(const CampaignOptions& o) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const bool tty = isatty(2);
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  CampaignReport r;
  double last = 0;
  RunOptions ro;
  ro.dut = o.dut;
  ro.profile = o.profile;
  for (uint64_t i = 0;; ++i) {
    if (o.max_programs ? r.programs >= o.max_programs : elapsed() >= o.seconds) break;
    const uint64_t program_seed = o.seed * 1000003 + i;
    SeededRandom rnd(program_seed);
    const std::string program = GenerateProgram(rnd);
    auto file = ParseVectorText(program, "seed-" + std::to_string(program_seed) + ".vec");
    ++r.programs;
    if (!file) {  // a generator bug: report it as loudly as a mismatch
      ++r.mismatches;
      r.mismatch_summaries.push_back("generator produced bad input: " + file.error().ToString());
      break;
    }
    const FileReport rep = RunVectorFile(*file, ro);
    r.translations += rep.translations;
    r.rules.insert(rep.rules.begin(), rep.rules.end());
    r.observations.insert(rep.observations.begin(), rep.observations.end());
    for (const auto& [rule, n] : rep.rule_checks) r.rule_checks[rule] += n;
    for (const auto& [rule, n] : rep.rule_failures) r.rule_failures[rule] += n;
    if (rep.error && rep.bound) {
      ++r.bounded;
      if (r.first_bound_reason.empty()) r.first_bound_reason = rep.error_message;
    } else if (rep.NotImplemented() && !rep.Failed()) {
      ++r.not_implemented;
      if (r.first_not_implemented.empty()) r.first_not_implemented = rep.error_message;
    } else if (rep.error || rep.Failed()) {
      // A device that broke is a failure of its own kind, not a disagreement with the model.
      ++(rep.DeviceFailed() ? r.device_failures : r.mismatches);
      if (r.mismatch_files.size() + r.write_errors.size() < CampaignReport::kMaxWritten) {
        const std::string summary =
            rep.DeviceFailed() ? "device failure: " + rep.error_message
            : rep.error        ? "generated program rejected: " + rep.error_message
                      : rep.failures.front().where + ": " + rep.failures.front().message;
        auto written = WriteMismatch(o, program_seed, rep, program);
        if (written) {
          // Cite the line in the written file, not in the generator's name for the program.
          const std::string name = file->path + ":";
          std::string cited = summary;
          for (size_t at; (at = cited.find(name)) != std::string::npos;) {
            cited.replace(at, name.size(), *written + ":");
          }
          r.mismatch_files.push_back(*written);
          r.mismatch_summaries.push_back(cited);
        } else {
          r.write_errors.push_back(written.error().ToString() + " (program seed " +
                                   std::to_string(program_seed) + "): " + summary);
        }
      }
      if (o.stop_at_first_mismatch) break;
    }
    if (o.progress && elapsed() - last >= (tty ? 0.5 : 5.0)) {
      last = elapsed();
      Progress(r, last, tty, false);
    }
  }
  r.elapsed = elapsed();
  if (o.progress) Progress(r, r.elapsed, tty, true);
  return r;
}

}  // namespace smmuref::conform
