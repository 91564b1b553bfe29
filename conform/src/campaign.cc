// Differential random campaign (see campaign.h): programs by count (or time), rule coverage from
// the model's probes, a focus per program chosen from what is rarely hit, mismatches written as
// replayable vectors named by program id.
// Tests: tests/conform/campaign_test.cc
#include "smmuref/conform/campaign.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace smmuref::conform {

namespace cov = spec::coverage;

std::string DutFolderName(const std::string& dut) {
  // A DUT given as PATH.so is named by its file name, one given as
  // exec:COMMAND by "exec-" and the file name of the command's last word (the script, usually);
  // characters a folder name should not hold become '_'.
  std::string name = dut;
  std::string prefix;
  if (name.rfind("exec:", 0) == 0) {
    prefix = "exec-";
    name = name.substr(5);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    const size_t space = name.rfind(' ');
    if (space != std::string::npos) name = name.substr(space + 1);
  }
  name = std::filesystem::path(name).filename().string();
  for (char& c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.';
    if (!plain) c = '_';
  }
  if (name.empty() || name == "." || name == "..") name = "dut";
  return prefix + name;
}

std::string ResultsFolder(const CampaignOptions& o) {
  // One folder per DUT and seed.
  return (std::filesystem::path(o.results_dir) /
          ("check-" + DutFolderName(o.dut) + "-seed-" + std::to_string(o.seed)))
      .string();
}

std::string ProgramId::ToString() const {
  return std::to_string(seed) + ":" + FocusName(focus);
}

spec::Result<ProgramId> ParseProgramId(const std::string& text) {
  const spec::Error bad{"", "'" + text +
                                "' is not a program id: expected SEED:FOCUS (a decimal seed and "
                                "one of mix, strtab, ste, cd, walk, perm, stage2, nested, el2, "
                                "inval, queues, abort, lifecycle), as printed with a mismatch"};
  const size_t colon = text.find(':');
  const std::string num = text.substr(0, colon);
  if (num.empty() || num.size() > 20 || num.find_first_not_of("0123456789") != std::string::npos) {
    return bad;
  }
  ProgramId id;
  errno = 0;
  id.seed = std::strtoull(num.c_str(), nullptr, 10);
  if (errno) return bad;
  if (colon != std::string::npos && !ParseFocus(text.substr(colon + 1), &id.focus)) return bad;
  return id;
}

std::string ProgramText(const ProgramId& id, const Platform& platform) {
  SeededRandom rnd(id.seed);
  GenOptions g;
  g.focus = id.focus;
  g.platform = platform;
  return GenerateProgram(rnd, g);
}

std::vector<std::string> CampaignReport::RulesNeverHit() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < cov::kRuleCount; ++i) {
    if (rule_hits[i] == 0) out.emplace_back(cov::kRuleIds[i]);
  }
  return out;
}

const std::vector<std::pair<std::string, std::string>>& UnreachableRules() {
  static const std::vector<std::pair<std::string, std::string>> kRules = {
      {"R-STE-005", "needs SMMU_IDR0.ATS=1; ATS is not modelled, so no profile has it"},
      {"R-CD-002", "needs STE.S1STALLD=1 on a legal STE, i.e. STALL_MODEL=0b00; stall is not "
                   "modelled (with STALL_MODEL=0b01 the STE is ILLEGAL first, R-STE-008)"},
      {"R-CD-007", "needs SMMU_IDR0.TTF[1]=0 (only TTF=0b10 is modelled) or a CD over an STE with "
                   "S2AA64=0, which is ILLEGAL first with TTF=0b10 (R-STE-015)"},
  };
  return kRules;
}

namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void Progress(const CampaignReport& r, double t, bool tty, bool final) {
  std::fprintf(stderr, "%s[%6.1fs] programs %llu  translations %llu  outcome classes %zu  "
               "rule ids %zu/%zu  bounded %llu  mismatches %llu  device failures %llu%s",
               tty ? "\r" : "", t, static_cast<unsigned long long>(r.programs),
               static_cast<unsigned long long>(r.translations), r.observations.size(),
               r.rules.size(), cov::kRuleCount, static_cast<unsigned long long>(r.bounded),
               static_cast<unsigned long long>(r.mismatches),
               static_cast<unsigned long long>(r.device_failures), tty && !final ? "" : "\n");
  std::fflush(stderr);
}

// Writes the program as a replayable vector, the findings as comments at its end, so that every
// line number (in the findings and in the program's own provenance notes) is a line of this
// file. Returns the path, or an Error when nothing could be written.
spec::Result<std::string> WriteMismatch(const CampaignOptions& o, const ProgramId& id,
                                        const FileReport& rep, const std::string& program) {
  namespace fs = std::filesystem;
  const fs::path dir = ResultsFolder(o);
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path file = dir / ("mismatch-" + std::to_string(id.seed) + "-" +
                               FocusName(id.focus) + ".vec");
  std::ofstream out(file);
  out << program;
  if (!program.empty() && program.back() != '\n') out << "\n";
  out << "# ---- " << o.dut << " disagreed with the model (program " << id.ToString()
      << "); replay: smmuref check --replay " << id.ToString() << " --dut " << o.dut
      << ", or smmuref vectors run --dut " << o.dut << " " << file.string() << "\n";
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

// Shrinks a written reproducer to mismatch-SEED-FOCUS.min.vec next to it (progress on stderr
// when it takes more than a second). Returns the shrunk file, or "" with `note` saying why not.
std::string ShrinkReproducer(const CampaignOptions& o, const std::string& program,
                             const std::string& written, std::string* note) {
  ShrinkOptions so;
  so.run.dut = o.dut;
  so.run.profile = o.profile;
  so.max_runs = o.shrink_runs;
  so.max_seconds = o.shrink_seconds;
  const std::string out =
      (std::filesystem::path(written).parent_path() / ShrunkName(written)).string();
  const bool tty = isatty(2);
  double shown = -10;
  if (o.progress) {
    so.progress = [&](size_t lines, uint64_t runs, double t) {
      if (!tty && t - shown < 5) return;
      shown = t;
      std::fprintf(stderr, "%sshrinking %s: %zu lines after %llu candidate runs, %.1f s%s",
                   tty ? "\r" : "", written.c_str(), lines,
                   static_cast<unsigned long long>(runs), t, tty ? "" : "\n");
      std::fflush(stderr);
    };
  }
  auto shrunk = ShrinkVector(program, written, so);
  if (!shrunk || shrunk->kept.kind == FailureSignature::Kind::kNone) {
    *note = "not shrunk: " + (shrunk ? "the reproducer passes when run alone"
                                     : shrunk.error().ToString());
    return "";
  }
  *note = ShrinkNote(*shrunk) + ", failure kept: " + shrunk->kept.ToString();
  if (o.progress && shrunk->seconds >= 1) {
    std::fprintf(stderr, "%sshrunk %s: %s\n", tty ? "\r" : "", out.c_str(), note->c_str());
  }
  auto w = WriteShrunk(*shrunk, o.dut, written, out);
  if (!w) {
    *note = "not shrunk: " + w.error().ToString();
    return "";
  }
  return out;
}

// Chooses each program's focus from rule coverage: a focus whose programs recently exercised
// rarely hit rule ids and outcome classes gets more programs. Integer arithmetic on the campaign's
// own history only, so a seed and a count give the same programs everywhere.
class Director {
 public:
  Director(uint64_t seed, bool directed) : rnd_(seed ^ 0x6d6f6e69746f72ull), directed_(directed) {
    score_.fill(uint64_t{1} << 24);  // optimistic: every focus is tried early
  }

  Focus Next() {
    if (!directed_ || rnd_.Below(5) == 0) return Focus::kMix;
    uint64_t total = 0;
    for (int f = 1; f < kFocusCount; ++f) total += score_[f];
    const uint64_t floor = total / (4 * (kFocusCount - 1)) + 1;
    uint64_t k = rnd_.Below(total + floor * (kFocusCount - 1));
    for (int f = 1; f < kFocusCount; ++f) {
      const uint64_t w = score_[f] + floor;
      if (k < w) return static_cast<Focus>(f);
      k -= w;
    }
    return Focus::kMix;
  }

  // The rarity of what the program exercised, before counting it.
  void Record(Focus f, const cov::RuleSet& rules, const std::set<std::string>& classes) {
    uint64_t gain = 0;
    for (size_t i = 0; i < cov::kRuleCount; ++i) {
      if (!rules.test(i)) continue;
      gain += (uint64_t{1} << 20) / (1 + hits_[i] * hits_[i]);
      ++hits_[i];
    }
    for (const auto& c : classes) {
      uint64_t& n = class_hits_[c];
      gain += (uint64_t{1} << 18) / (1 + n * n);
      ++n;
    }
    uint64_t& s = score_[static_cast<int>(f)];
    s = s - s / 8 + gain / 8;
  }

 private:
  SeededRandom rnd_;
  bool directed_;
  std::array<uint64_t, kFocusCount> score_{};
  std::array<uint64_t, cov::kRuleCount> hits_{};
  std::map<std::string, uint64_t> class_hits_;
};

// One program's run, made on a worker thread: nothing in it is shared.
struct Slot {
  ProgramId id;
  bool parsed = false;
  std::string parse_error;
  FileReport rep;
  cov::RuleSet hit;
  std::string program;  // kept only for a mismatch
};

void RunSlot(const CampaignOptions& o, Slot* s) {
  s->program = ProgramText(s->id, o.platform);
  // A short name (no allocation per line); summaries cite the written reproducer instead.
  auto file = ParseVectorText(s->program, "program.vec");
  if (!file) {
    s->parse_error = file.error().ToString();
    return;
  }
  s->parsed = true;
  RunOptions ro;
  ro.dut = o.dut;
  ro.profile = o.profile;
  {
    cov::RuleSink sink(&s->hit);
    s->rep = RunVectorFile(*file, ro);
  }
  if (!s->rep.error && !s->rep.Failed()) s->program.clear();
}

// Adds one program's run to the report, in program order; false when the campaign must stop.
bool Merge(const CampaignOptions& o, Slot& s, CampaignReport& r) {
  ++r.programs;
  ++r.focus_programs[static_cast<int>(s.id.focus)];
  auto first = [&] {
    if (r.first_mismatch) return;
    r.first_mismatch = r.programs;
    r.first_mismatch_program = s.id.ToString();
  };
  if (!s.parsed) {  // a generator bug: report it as loudly as a mismatch
    ++r.mismatches;
    first();
    r.mismatch_summaries.push_back("program " + s.id.ToString() +
                                   ": generator produced bad input: " + s.parse_error);
    return false;
  }
  const FileReport& rep = s.rep;
  r.translations += rep.translations;
  r.observations.insert(rep.observations.begin(), rep.observations.end());
  for (const auto& [rule, n] : rep.rule_checks) r.rule_checks[rule] += n;
  for (const auto& [rule, n] : rep.rule_failures) r.rule_failures[rule] += n;
  for (size_t i = 0; i < cov::kRuleCount; ++i) {
    if (!s.hit.test(i)) continue;
    if (r.rule_hits[i]++ == 0) r.rules.emplace(cov::kRuleIds[i]);
  }
  if (rep.error && rep.bound) {
    // The model cannot bound the allowed set: the program ends here, counted, never a mismatch.
    ++r.bounded;
    if (r.first_bound_reason.empty()) {
      r.first_bound_reason = rep.error_message;
      r.first_bound_program = s.id.ToString();
    }
    return true;
  }
  if (!rep.error && !rep.Failed()) return true;
  if (rep.NotImplemented() && !rep.Failed()) {
    // The DUT does not implement what the program needs: counted apart, never a failure.
    ++r.not_implemented;
    if (r.first_not_implemented.empty()) r.first_not_implemented = rep.error_message;
    return true;
  }
  // A device that broke is a failure of its own kind, not a disagreement with the model.
  ++(rep.DeviceFailed() ? r.device_failures : r.mismatches);
  first();
  if (r.mismatch_files.size() + r.write_errors.size() < CampaignReport::kMaxWritten) {
    const std::string summary =
        "program " + s.id.ToString() + ": " +
        (rep.DeviceFailed() ? "device failure: " + rep.error_message
         : !rep.failures.empty()
             ? rep.failures.front().where + ": " + rep.failures.front().message
             : "generated program rejected: " + rep.error_message);
    auto written = WriteMismatch(o, s.id, rep, s.program);
    if (written) {
      // Cite the line in the written file, not in the generator's name for the program.
      const std::string name = rep.path + ":";
      std::string cited = summary;
      for (size_t at; (at = cited.find(name)) != std::string::npos;) {
        cited.replace(at, name.size(), *written + ":");
      }
      r.mismatch_files.push_back(*written);
      r.mismatch_summaries.push_back(cited);
      std::string note = "not shrunk (--no-shrink)";
      std::string shrunk;
      if (o.shrink && r.mismatch_files.size() <= CampaignReport::kMaxShrunk) {
        shrunk = ShrinkReproducer(o, s.program, *written, &note);
      } else if (o.shrink) {
        note = "not shrunk (only the first " + std::to_string(CampaignReport::kMaxShrunk) +
               " reproducers are)";
      }
      r.shrunk_files.push_back(shrunk);
      r.shrink_notes.push_back(note);
    } else {
      r.write_errors.push_back(written.error().ToString() + ": " + summary);
    }
  }
  return !o.stop_at_first_mismatch;
}

// Runs the slots on `jobs` threads (the calling one included).
void RunSlots(const CampaignOptions& o, std::vector<Slot>& slots, unsigned jobs) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < slots.size();) RunSlot(o, &slots[i]);
  };
  std::vector<std::thread> pool;
  for (unsigned j = 1; j < jobs && j < slots.size(); ++j) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace

CampaignReport RunCampaign(const CampaignOptions& o) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const double cpu_start = CpuSeconds();
  const bool tty = isatty(2);
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  CampaignReport r;
  // Programs run in batches; every focus in a batch is chosen from the batches before it, so the
  // programs of a seed and count do not depend on the number of threads.
  constexpr uint64_t kBatch = 32;
  const unsigned jobs = o.jobs ? o.jobs : std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  Director director(o.seed, o.directed);
  double last = 0;
  bool go_on = true;
  for (uint64_t first = 0; go_on; first += kBatch) {
    uint64_t n = kBatch;
    if (o.max_programs > 0) n = std::min<uint64_t>(n, o.max_programs - std::min<uint64_t>(o.max_programs, first));
    if (n == 0 || (o.seconds > 0 && elapsed() >= o.seconds) || (o.max_programs <= 0 && o.seconds <= 0)) {
      break;
    }
    std::vector<Slot> slots(n);
    for (uint64_t i = 0; i < n; ++i) {
      slots[i].id.seed = o.seed * 1000003 + first + i;
      slots[i].id.focus = director.Next();
    }
    RunSlots(o, slots, jobs);
    for (Slot& s : slots) {
      go_on = Merge(o, s, r);
      director.Record(s.id.focus, s.hit, s.rep.observations);
      if (!go_on) break;
    }
    if (o.progress && elapsed() - last >= (tty ? 0.5 : 5.0)) {
      last = elapsed();
      Progress(r, last, tty, false);
    }
  }
  r.elapsed = elapsed();
  r.cpu_seconds = CpuSeconds() - cpu_start;
  r.jobs = jobs;
  if (o.progress) Progress(r, r.elapsed, tty, true);
  return r;
}

CampaignReport ReplayProgram(const CampaignOptions& o, const ProgramId& id) {
  const auto start = std::chrono::steady_clock::now();
  CampaignReport r;
  Slot s;
  s.id = id;
  RunSlot(o, &s);
  Merge(o, s, r);
  r.elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace smmuref::conform
