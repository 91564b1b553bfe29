// Shrinking of failing vectors (shrink.h): the failure's signature, the predicate, and the
// reduction steps, each candidate run through RunVectorFile like the original failure.
// Tests: tests/conform/shrink_test.cc, tests/cli/shrink_cli_test.cc
#include "smmuref/conform/shrink.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <vector>

#include "smmuref/spec/format.h"
#include "smmuref/spec/input.h"

namespace smmuref::conform {

namespace {

// A device failure's message without where it happened and without numbers (line numbers,
// addresses and times move as lines go).
std::string Normalized(const std::string& message) {
  std::string out;
  for (size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (c >= '0' && c <= '9') {
      if (out.empty() || out.back() != '#') out += '#';
      while (i + 1 < message.size() &&
             ((message[i + 1] >= '0' && message[i + 1] <= '9') || message[i + 1] == 'x' ||
              (message[i + 1] >= 'a' && message[i + 1] <= 'f'))) {
        ++i;
      }
      continue;
    }
    out += c;
  }
  // "PATH:#: what" -> "what"
  const size_t at = out.find(":#: ");
  return at == std::string::npos ? out : out.substr(at + 4);
}

}  // namespace

std::string FailureSignature::ToString() const {
  switch (kind) {
    case Kind::kNone: return "none";
    case Kind::kDeviceFailure: return "device failure: " + detail;
    case Kind::kDisagreement:
    case Kind::kExpectation:
      return std::string(kind == Kind::kDisagreement ? "disagreement" : "failed expectation") +
             " (" + check + ")" + (rule.empty() ? "" : " [" + rule + "]");
  }
  return "none";
}

FailureSignature SignatureOf(const FileReport& r) {
  FailureSignature s;
  if (!r.failures.empty()) {
    const Failure& f = r.failures.front();
    s.kind = f.mismatch ? FailureSignature::Kind::kDisagreement
                        : FailureSignature::Kind::kExpectation;
    s.check = f.check;
    s.rule = f.rule;
    return s;
  }
  // A file that stopped on bad input, the bound or "not implemented" before any check failed
  // keeps no failure.
  if (r.DeviceFailed()) {
    s.kind = FailureSignature::Kind::kDeviceFailure;
    s.detail = Normalized(r.error_message);
  }
  return s;
}

bool SameFailure(const FailureSignature& want, const FileReport& r) {
  // Stopping later on bad input or the bound would make the replay exit 2, not 1; stopping on
  // what the DUT does not implement, or on its failure, after the failure keeps it a failure.
  if (r.BadInput() || r.bound) return false;
  return want.kind != FailureSignature::Kind::kNone && SignatureOf(r) == want;
}

namespace {

using Lines = std::vector<std::string>;  // operation lines, tokens joined by one space

std::vector<std::string> Tokens(const std::string& line) {
  std::vector<std::string> t;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t b = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > b) t.push_back(line.substr(b, i - b));
  }
  return t;
}

std::string Join(const std::vector<std::string>& t) {
  std::string out;
  for (const auto& s : t) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::string Op(const std::string& line) { return line.substr(0, line.find(' ')); }

// A number written like `like`: 0x-hexadecimal or decimal.
std::string Number(uint64_t v, const std::string& like) {
  if (like.rfind("0x", 0) == 0 || like.rfind("0X", 0) == 0) return spec::Hex(v);
  return std::to_string(v);
}

class Shrinker {
 public:
  Shrinker(const ShrinkOptions& o, std::string path)
      : o_(o), path_(std::move(path)), start_(Clock::now()) {}

  double Elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  uint64_t runs() const { return runs_; }
  const std::string& stopped_by() const { return stopped_by_; }
  bool Stopped() const { return !stopped_by_.empty(); }

  // The run of `lines` (the original's, to learn what to keep).
  FileReport Run(const Lines& lines) {
    ++runs_;
    auto f = ParseVectorText(Text(lines), path_);
    if (!f) {
      FileReport r;
      r.error = true;
      r.error_message = f.error().ToString();
      return r;
    }
    return RunVectorFile(*f, o_.run);
  }

  // The predicate on a candidate, within the bounds (a candidate past a bound is rejected).
  bool Test(const Lines& lines) {
    if (Stopped()) return false;
    const std::string text = Text(lines);
    if (auto hit = seen_.find(text); hit != seen_.end()) return hit->second;
    if (runs_ >= o_.max_runs) {
      stopped_by_ = "the candidate-run bound (" + std::to_string(o_.max_runs) + " runs)";
      return false;
    }
    if (o_.max_seconds > 0 && Elapsed() >= o_.max_seconds) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "the wall-clock bound (%g s)", o_.max_seconds);
      stopped_by_ = buf;
      return false;
    }
    const bool same = SameFailure(want_, Run(lines));
    seen_.emplace(text, same);
    if (o_.progress && Elapsed() >= 1 && Elapsed() - last_progress_ >= 0.5) {
      last_progress_ = Elapsed();
      o_.progress(best_, runs_, last_progress_);
    }
    if (same) best_ = std::min(best_, lines.size());
    return same;
  }

  void Want(const FailureSignature& s, size_t lines) {
    want_ = s;
    best_ = lines;
  }

  // A line every candidate starts with (the run's profile), never removed or simplified.
  void Pin(std::string line) { pinned_ = std::move(line); }

  std::string Text(const Lines& lines) const {
    std::string out = "smmuref-vectors 1\n";
    if (!pinned_.empty()) out += pinned_ + "\n";
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

 private:
  using Clock = std::chrono::steady_clock;
  const ShrinkOptions& o_;
  std::string path_;
  Clock::time_point start_;
  FailureSignature want_;
  uint64_t runs_ = 0;
  size_t best_ = 0;
  double last_progress_ = 0;
  std::string stopped_by_;
  std::string pinned_;
  std::unordered_map<std::string, bool> seen_;
};

// Removal units: a `txn` with the `expect` lines after it (an `expect` alone would be bad
// input), every other line alone.
std::vector<Lines> Groups(const Lines& lines) {
  std::vector<Lines> g;
  for (const auto& l : lines) {
    if (Op(l) == "expect" && !g.empty() && Op(g.back().front()) == "txn") g.back().push_back(l);
    else g.push_back({l});
  }
  return g;
}

Lines Flatten(const std::vector<Lines>& groups) {
  Lines out;
  for (const auto& g : groups) out.insert(out.end(), g.begin(), g.end());
  return out;
}

// ddmin-style removal: chunks of groups, halving the chunk size from half the file down to one
// group, each size tried from the end of the file towards its start (so that what follows the
// failure goes first); `start_chunk` bounds the largest size (1: one group at a time).
bool RemoveChunks(Shrinker& s, Lines* lines, size_t start_chunk) {
  std::vector<Lines> groups = Groups(*lines);
  bool changed = false;
  size_t chunk = 1;
  while (chunk * 2 <= std::min(start_chunk, groups.size() / 2)) chunk *= 2;
  for (; chunk >= 1 && !s.Stopped(); chunk /= 2) {
    for (size_t end = groups.size(); end > 0 && !s.Stopped();) {
      const size_t begin = end >= chunk ? end - chunk : 0;
      std::vector<Lines> cand(groups.begin(), groups.begin() + begin);
      cand.insert(cand.end(), groups.begin() + end, groups.end());
      if (s.Test(Flatten(cand))) {
        groups = std::move(cand);
        changed = true;
      }
      end = begin;
    }
  }
  *lines = Flatten(groups);
  return changed;
}

// Lines after the first failing one (with the `expect` lines of its txn) go at once; true when
// the rest fails the same way.
bool Truncate(Shrinker& s, Lines* lines, size_t failing) {
  size_t keep = failing + 1;
  while (keep < lines->size() && Op((*lines)[keep]) == "expect") ++keep;
  Lines cand(lines->begin(), lines->begin() + std::min(keep, lines->size()));
  if (!s.Test(cand)) return false;
  *lines = std::move(cand);
  return true;
}

// Numeric operands: zero, else fewer set bits (each set bit cleared, highest first, kept when
// the failure stays); `profile` overrides are dropped one by one.
bool Simplify(Shrinker& s, Lines* lines) {
  bool changed = false;
  for (size_t i = 0; i < lines->size() && !s.Stopped(); ++i) {
    std::vector<std::string> t = Tokens((*lines)[i]);
    auto attempt = [&](const std::vector<std::string>& cand_tokens) {
      Lines cand = *lines;
      cand[i] = Join(cand_tokens);
      if (!s.Test(cand)) return false;
      *lines = std::move(cand);
      t = cand_tokens;
      changed = true;
      return true;
    };
    if (t[0] == "profile") {
      for (size_t j = t.size(); j-- > 2;) {
        std::vector<std::string> c = t;
        c.erase(c.begin() + j);
        attempt(c);
      }
      continue;
    }
    for (size_t j = 1; j < t.size() && !s.Stopped(); ++j) {
      uint64_t v = 0;
      std::string why;
      if (!spec::ParseU64(t[j], &v, &why) || v == 0) continue;
      std::vector<std::string> c = t;
      c[j] = Number(0, t[j]);
      if (attempt(c)) continue;
      for (int bit = 63; bit >= 0 && !s.Stopped(); --bit) {
        if (!((v >> bit) & 1) || v == (uint64_t{1} << bit)) continue;
        const uint64_t fewer = v & ~(uint64_t{1} << bit);
        c = t;
        c[j] = Number(fewer, t[j]);
        if (attempt(c)) v = fewer;
      }
    }
  }
  return changed;
}

// Memory writes: a mem.write64 overwritten by a later one to the same PA with only memory lines
// between goes; adjacent or overlapping mem.clean (or mem.abort) ranges become one; a
// reg.write32 of a 64-bit register's low half followed by its high half becomes one reg.write64.
bool Merge(Shrinker& s, Lines* lines) {
  bool changed = false;
  auto memory = [](const std::string& op) { return op == "mem.write64" || op == "mem.clean"; };
  for (size_t i = 0; i + 1 < lines->size() && !s.Stopped(); ++i) {
    const std::vector<std::string> a = Tokens((*lines)[i]);
    const std::vector<std::string> b = Tokens((*lines)[i + 1]);
    Lines cand = *lines;
    bool try_it = false;
    uint64_t pa = 0, len = 0, pb = 0, lb = 0;
    std::string why;
    const bool numbers = a.size() == 3 && b.size() == 3 && spec::ParseU64(a[1], &pa, &why) &&
                         spec::ParseU64(a[2], &len, &why) && spec::ParseU64(b[1], &pb, &why) &&
                         spec::ParseU64(b[2], &lb, &why);
    if (a[0] == "mem.write64" && a.size() == 3) {
      for (size_t k = i + 1; k < lines->size() && memory(Op((*lines)[k])); ++k) {
        const std::vector<std::string> c = Tokens((*lines)[k]);
        uint64_t pc = 0;
        if (c[0] == "mem.write64" && c.size() == 3 && spec::ParseU64(c[1], &pc, &why) &&
            pc == pa) {
          cand.erase(cand.begin() + i);
          try_it = true;
          break;
        }
      }
    } else if ((a[0] == "mem.clean" || a[0] == "mem.abort") && a[0] == b[0] && numbers &&
               pb >= pa && pb - pa <= len && lb <= UINT64_MAX - pb) {
      const uint64_t end = std::max(pa + len, pb + lb);  // both end at or below 2^64
      cand[i] = a[0] + " " + a[1] + " " + Number(end - pa, a[2]);
      cand.erase(cand.begin() + i + 1);
      try_it = true;
    } else if (a[0] == "reg.write32" && b[0] == "reg.write32" && a.size() == 3 &&
               b.size() == 3 && b[1] == a[1] + "+4" && spec::ParseU64(a[2], &pa, &why) &&
               spec::ParseU64(b[2], &pb, &why)) {
      cand[i] = "reg.write64 " + a[1] + " " + spec::Hex((pb << 32) | pa);
      cand.erase(cand.begin() + i + 1);
      try_it = true;
    }
    if (try_it && s.Test(cand)) {
      *lines = std::move(cand);
      changed = true;
      if (i > 0) --i;  // the merged line may merge again
    }
  }
  return changed;
}

// Expectations the failure does not need: each `expect` line alone (its txn then adopts the
// first allowed outcome), and the other expectation lines.
bool DropExpectations(Shrinker& s, Lines* lines) {
  bool changed = false;
  for (size_t i = lines->size(); i-- > 0 && !s.Stopped();) {
    const std::string op = Op((*lines)[i]);
    if (op != "expect" && op.rfind("reg.expect", 0) != 0 && op != "event.expect" &&
        op != "event.none") {
      continue;
    }
    Lines cand = *lines;
    cand.erase(cand.begin() + i);
    if (s.Test(cand)) {
      *lines = std::move(cand);
      changed = true;
    }
  }
  return changed;
}

// The run's profile written into the file: every `profile` line names it (without overrides, as
// RunOptions::profile drops them) and the file starts with one, so that a replay without the
// profile option runs the same; the first one stays in every candidate, so that the shrunk
// vector still runs on the DUT's profile.
Lines WithProfile(Lines lines, const std::string& profile) {
  if (profile.empty()) return lines;
  for (auto& l : lines) {
    if (Op(l) == "profile") l = "profile " + profile;
  }
  if (lines.empty() || Op(lines.front()) != "profile") lines.insert(lines.begin(), "profile " + profile);
  return lines;
}

// The index among the operation lines of the line the first failure names (lines.size() when
// it names none of them).
size_t FailingIndex(const FileReport& first, const std::string& path,
                    const std::vector<int>& line_no) {
  const std::string& where =
      first.failures.empty() ? first.error_message : first.failures.front().where;
  const size_t colon = where.find(':', path.size());
  const int line = colon == std::string::npos ? 0 : std::atoi(where.c_str() + colon + 1);
  for (size_t i = 0; i < line_no.size(); ++i) {
    if (line_no[i] == line) return i;
  }
  return line_no.size();
}

}  // namespace

spec::Result<ShrinkResult> ShrinkVector(const std::string& text, const std::string& path,
                                        const ShrinkOptions& o) {
  auto parsed = ParseVectorText(text, path);
  if (!parsed) return parsed.error();
  Lines lines;
  std::vector<int> line_no;  // each operation line's line in `text`
  for (const VectorLine& l : parsed->lines) {
    std::vector<std::string> t{l.op};
    t.insert(t.end(), l.args.begin(), l.args.end());
    lines.push_back(Join(t));
    line_no.push_back(l.line);
  }
  // Candidates carry the profile themselves and run without RunOptions::profile.
  ShrinkOptions own = o;
  own.run.profile.clear();
  Shrinker s(own, path);
  ShrinkResult res;
  res.original_lines = lines.size();
  const FileReport first = RunVectorFile(*parsed, o.run);
  res.kept = SignatureOf(first);
  if (first.error && res.kept.kind == FailureSignature::Kind::kNone) {
    return spec::Error{path, "nothing to shrink: the file stopped before any check failed (" +
                                 first.error_message + ")"};
  }
  if (res.kept.kind == FailureSignature::Kind::kNone) return res;  // it passes
  s.Want(res.kept, lines.size());
  const size_t failing = FailingIndex(first, path, line_no);
  // The run's profile: every profile line names it, and the file starts with one that stays.
  const size_t inserted = !o.run.profile.empty() && (lines.empty() || Op(lines.front()) != "profile");
  lines = WithProfile(std::move(lines), o.run.profile);
  if (!o.run.profile.empty()) {
    s.Pin(lines.front());
    lines.erase(lines.begin());
  }
  const size_t pinned = o.run.profile.empty() ? 0 : 1;
  // Lines after the failing one go first: a file that stopped on bad input after its failure
  // (a command queue the DUT left full) fails cleanly without them.
  const bool truncated = failing < line_no.size() && failing + inserted >= pinned &&
                         Truncate(s, &lines, failing + inserted - pinned);
  if (!truncated && !s.Test(lines)) {
    return spec::Error{path, "cannot shrink: " +
                                 std::string(o.run.profile.empty()
                                                 ? "run again, it does not fail the same way"
                                                 : "with its profile written into the file "
                                                   "(profile " + o.run.profile +
                                                       ") it does not fail the same way")};
  }
  // Rounds of every step until none changes anything (or a bound stops it).
  constexpr int kMaxRounds = 16;
  bool changed = true;
  for (int round = 0; round < kMaxRounds && changed && !s.Stopped(); ++round) {
    changed = RemoveChunks(s, &lines, round == 0 ? lines.size() : 1);
    changed |= Simplify(s, &lines);
    changed |= Merge(s, &lines);
    changed |= DropExpectations(s, &lines);
  }
  res.text = s.Text(lines);
  res.shrunk_lines = lines.size() + pinned;
  res.runs = s.runs() + 1;  // and the original's run
  res.seconds = s.Elapsed();
  res.stopped_by = s.stopped_by();
  if (res.stopped_by.empty() && changed) {
    res.stopped_by = "the round bound (" + std::to_string(kMaxRounds) + " rounds of every step)";
  }
  return res;
}

std::string ShrunkName(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  if (name.size() > 4 && name.substr(name.size() - 4) == ".vec") name.resize(name.size() - 4);
  return name + ".min.vec";
}

std::string ShrinkNote(const ShrinkResult& r) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%zu -> %zu lines, %llu candidate runs, %.2f s",
                r.original_lines, r.shrunk_lines, static_cast<unsigned long long>(r.runs),
                r.seconds);
  return std::string(buf) + (r.stopped_by.empty() ? "" : ", stopped by " + r.stopped_by);
}

namespace {

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  if (s.size() > 400) s = s.substr(0, 400) + " ...";
  return s;
}

// A word for a POSIX shell: as it is when it holds only plain characters, else single-quoted.
std::string ShellWord(const std::string& w) {
  bool plain = !w.empty();
  for (char c : w) {
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string("-_./:=+,@%").find(c) != std::string::npos);
  }
  if (plain) return w;
  std::string out = "'";
  for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Header(const ShrinkResult& r, const std::string& dut, const std::string& source,
                   const std::string& out, const std::string& at) {
  std::string h;
  h += "# shrunk by smmuref from " + source + " (" + std::to_string(r.original_lines) +
       " lines) to " + std::to_string(r.shrunk_lines) + " lines in " + std::to_string(r.runs) +
       " candidate runs";
  char secs[32];
  std::snprintf(secs, sizeof secs, ", %.2f s\n", r.seconds);
  h += secs;
  h += "# failure kept: " + r.kept.ToString() + "\n";
  h += "# at " + OneLine(at) + "\n";
  h += r.stopped_by.empty() ? "# shrunk to a fixpoint of every step\n"
                            : "# stopped by " + r.stopped_by + ": a smaller vector may exist\n";
  h += "# replay: smmuref vectors run --dut " + ShellWord(dut) + " " + ShellWord(out) + "\n";
  return h;
}

}  // namespace

std::string ShrunkFileText(const ShrinkResult& r, const std::string& dut,
                           const std::string& source, const std::string& out) {
  // The failure's place in this very file: the header has a fixed number of lines, so a run
  // with a placeholder in it cites the lines the final file has.
  const std::string draft = Header(r, dut, source, out, "-") + r.text;
  std::string at = "-";
  if (auto f = ParseVectorText(draft, out)) {
    RunOptions ro;
    ro.dut = dut;
    const FileReport rep = RunVectorFile(*f, ro);
    if (!rep.failures.empty()) at = rep.failures.front().where + ": " + rep.failures.front().message;
    else if (rep.error) at = rep.error_message;
  }
  return Header(r, dut, source, out, at) + r.text;
}

spec::Result<std::string> WriteShrunk(const ShrinkResult& r, const std::string& dut,
                                      const std::string& source, const std::string& out) {
  const std::string text = ShrunkFileText(r, dut, source, out);
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(out).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream f(out, std::ios::binary);
  f << text;
  f.close();
  if (!f) return spec::Error{out, "could not write the shrunk vector"};
  return text;
}

}  // namespace smmuref::conform
