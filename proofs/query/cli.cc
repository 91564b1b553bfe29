// `smmuref query` (cli.h).
// Tests: tests/proofs/query_test.cc, corpus/queries/
#include "cli.h"

#include <algorithm>
#include <cstdio>

#include "proofs/query/ask.h"
#include "proofs/query/ask_args.h"
#include "proofs/query/prelude.h"
#include "proofs/query/query.h"
#include "smmuref/spec/input.h"
#include "smmuref/spec/profile.h"

namespace smmuref::proofs {

namespace {

const char kHelp[] =
    "usage: smmuref query [--profile P] [--rlimit N] [--timeout-ms N] FILE.smt2\n"
    "       smmuref query [--rlimit N] [--timeout-ms N] --ask NAME ARGS...\n"
    "       smmuref query --list\n"
    "\n"
    "Answers SMT-LIB assertions over the encodings of the model, loaded as named functions\n"
    "(spec/queries.md lists every signature): sat with a witness (structures decoded by field\n"
    "name), unsat with the rule ids of the unsat core, or unknown with the reason. The canned\n"
    "questions (--ask) are listed after the options.\n"
    "\n"
    "Options:\n"
    "  --ask NAME ARGS  answer a canned question (the words after NAME are its own)\n"
    "  --list           print the signature of every function a file may call\n"
    "  --profile P      built-in profile name or .profile path (default full)\n"
    "  --rlimit N       solver budget in Z3 resource units (default 40000000)\n"
    "  --timeout-ms N   wall-clock guard (default 20000)\n"
    "\n"
    "Canned questions (documented with examples in spec/queries.md), with their own words:\n"
    "  ste-legal [--profile P] DW0..DW7\n"
    "  cd-legal [--profile P] [--world el1|el2|el2-e2h] [--s1stalld B] [--s2 B] [--s2aa64 B] DW0..DW7\n"
    "  pasid0-reaches-cd --s1dss V --min-pasid N [--profile P]\n"
    "  hitless --kind ste|cd [--profile P] FROM0..FROM7 TO0..TO7\n"
    "  domain-accepts --instances SPEC [SPEC...]      (SPEC: 4K+2M+1G or pgsize=B,ias=N,oas=N)\n"
    "  iova-for-pa --vectors FILE --sid S [--ssid N] --pa X [--access r|w|x[p]]\n"
    "\n"
    "exit status: 0 answered (sat, unsat, legal or not), 1 unknown, 2 bad input or usage\n";

constexpr uint64_t kMaxQueryBytes = 1 << 20;

}  // namespace

int RunQueryCommand(const std::vector<std::string>& args, std::string* out, std::string* err) {
  ProveOptions o;
  o.timeout_ms = 20000;
  std::string profile = "full", file;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      *out = kHelp;
      return 0;
    }
    if (a == "--list") {
      *out = QuerySignatures();
      return 0;
    }
    if (a == "--ask") {
      const AskResult r = Ask(std::vector<std::string>(args.begin() + i + 1, args.end()), o);
      (r.status == 2 ? *err : *out) = r.text;
      return r.status;
    }
    if (a == "--profile" || a == "--rlimit" || a == "--timeout-ms") {
      if (i + 1 >= args.size()) {
        *err = "smmuref query: " + a + " needs a value\n";
        return 2;
      }
      const std::string v = args[++i];
      if (a == "--profile") {
        profile = v;
        continue;
      }
      auto n = AskNumber(a, v, a == "--rlimit" ? 0xffffffffull : 600000);
      if (!n || *n == 0) {
        *err = "smmuref query: " + a + " needs a positive number, got '" + v + "'\n";
        return 2;
      }
      if (a == "--rlimit") o.rlimit = *n;
      else o.timeout_ms = static_cast<unsigned>(*n);
      continue;
    }
    if (!a.empty() && a[0] == '-') {
      *err = "smmuref query: unknown option '" + a + "'\n" + kHelp;
      return 2;
    }
    if (!file.empty()) {
      *err = "smmuref query: one FILE.smt2 at a time (got '" + file + "' and '" + a + "')\n";
      return 2;
    }
    file = a;
  }
  if (file.empty()) {
    *err = std::string("smmuref query: needs FILE.smt2 or --ask NAME\n") + kHelp;
    return 2;
  }
  auto p = spec::LoadProfile(profile);
  if (!p) {
    *err = "smmuref query: --profile: " + p.error().ToString() + "\n";
    return 2;
  }
  auto text = spec::ReadTextFile(file, kMaxQueryBytes, "query file");
  if (!text) {
    *err = "smmuref query: " + text.error().ToString() + "\n";
    return 2;
  }
  std::string why;
  if (const size_t at = spec::FindBadByte(*text, &why); at != std::string::npos) {
    const size_t line = 1 + std::count(text->begin(), text->begin() + at, '\n');
    *err = "smmuref query: " + file + ":" + std::to_string(line) + ": " + why + "\n";
    return 2;
  }
  const QueryAnswer a = RunQuery(*text, file, *p, o);
  if (a.kind == QueryAnswer::Kind::kBadInput) {
    *err = "smmuref query: " + a.text + "\n";
  } else {
    *out = a.text;
  }
  return QueryExitStatus(a);
}

void AddQueryCommand(CLI::App& app, int* status) {
  CLI::App* q = app.add_subcommand("query", "ask Z3 about the encoded rules: an SMT-LIB file or a canned question");
  q->prefix_command();
  q->set_help_flag();  // --help is one of the words RunQueryCommand reads
  q->footer(kHelp);
  q->callback([q, status] {
    std::string out, err;
    *status = RunQueryCommand(q->remaining(), &out, &err);
    std::fputs(out.c_str(), stdout);
    std::fputs(err.c_str(), stderr);
  });
}

}  // namespace smmuref::proofs
