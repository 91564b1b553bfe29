#!/usr/bin/env python3
"""Unit tests of fuzz/campaign.py's parsing and planning, without libFuzzer (ctest
fuzz/campaign/unit, every preset): libFuzzer's status lines, the deduplication keys of findings,
the budget split, the rule-id and llvm-cov sections of the report, the corpus replay that goes on
after a crashing input, and that every fuzz target has an options file whose dictionary exists."""
import glob
import json
import os
import re
import stat
import sys
import tempfile
import unittest

SRC = sys.argv.pop(1)
sys.path.insert(0, os.path.join(SRC, "fuzz"))
import campaign  # noqa: E402

ARCH_MISMATCH = """INFO: Seed: 1
fuzz_arch_diff: the device under test disagrees with the model (dut impl)
  line 17: txn 0x%x: impl gave ok 0x%x, which the model does not allow (allowed: abort F_TRANSLATION)
---- the program (a vector ...) ----
==1== ERROR: libFuzzer: deadly signal
    #0 0x55 in __sanitizer_print_stack_trace (/b/fuzz_arch_diff+0x1)
    #1 0x55 in fuzzer::PrintStackTrace() (/b/fuzz_arch_diff+0x2)
    #2 0x7f (/lib/x86_64-linux-gnu/libc.so.6+0x3bf8f)
    #3 0x7f in abort (/lib/x86_64-linux-gnu/libc.so.6+0x2253d)
    #4 0x55 in (anonymous namespace)::Report(char const*, smmuref::conform::FileReport const&, std::string const&) /s/fuzz/fuzz_arch_diff.cc:60:3
    #5 0x55 in LLVMFuzzerTestOneInput /s/fuzz/fuzz_arch_diff.cc:90:24
    #6 0x55 in fuzzer::Fuzzer::ExecuteCallback(unsigned char const*, unsigned long) (/b/x+0x3) (BuildId: ab12)
DEDUP_TOKEN: __sanitizer_print_stack_trace--fuzzer::PrintStackTrace()--abort
"""

ASAN = """==9==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020
    #0 0x55 in smmuref::conform::ParseLine(std::string_view) /s/conform/src/vector.cc:120:7
    #1 0x55 in smmuref::conform::ParseVectorText(std::string const&, std::string const&) /s/conform/src/vector.cc:300:5
    #2 0x55 in LLVMFuzzerTestOneInput /s/fuzz/fuzz_vectors_parser.cc:40:3
    #3 0x55 in fuzzer::Fuzzer::ExecuteCallback(unsigned char const*, unsigned long) (/b/x+0x3)
DEDUP_TOKEN: smmuref::conform::ParseLine(std::string_view)--smmuref::conform::ParseVectorText
    #0 0x55 in malloc (/b/x+0x9)
"""


API_MISMATCH = """fuzz_api_diff: impl/model disagreement at: api.iova_to_phys D%d 0x%x
  iova_to_phys: impl gave 0x%x, the model 0x40000
---- the program (a vector: smmuref vectors run --dut impl FILE) ----
    #4 0x55 in LLVMFuzzerTestOneInput /s/fuzz/fuzz_api_diff.cc:40:3
"""


class StatusLines(unittest.TestCase):
    def test_fork_mode_line_rate_is_runs_over_seconds(self):
        s = campaign.parse_status("#16425: cov: 19 ft: 17 corp: 8 exec/s 0 oom/timeout/crash: "
                                  "0/0/1 time: 4s job: 2 dft_time: 0")
        self.assertEqual((s["cov"], s["ft"], s["corpus"], s["execs_per_s"]), (19, 17, 8, 4106))

    def test_in_process_line(self):
        s = campaign.parse_status("#4096\tpulse  cov: 456 ft: 789 corp: 12/345b lim: 4 "
                                  "exec/s: 2048 rss: 40Mb")
        self.assertEqual((s["cov"], s["ft"], s["corpus"], s["execs_per_s"]), (456, 789, 12, 2048))

    def test_other_lines_are_not_status(self):
        self.assertIsNone(campaign.parse_status("INFO: Seed: 12"))
        self.assertIsNone(campaign.parse_status("    #0 0x55 in main /x.cc:1"))


class Dedup(unittest.TestCase):
    def test_api_diff_by_verdict_without_numbers(self):
        a = campaign.signature("fuzz_api_diff", "crash", API_MISMATCH % (0, 0x1000, 0x40001))
        b = campaign.signature("fuzz_api_diff", "crash", API_MISMATCH % (3, 0x5000, 0x7001))
        self.assertEqual(a, b)
        self.assertIn("iova_to_phys", a)
        self.assertNotEqual(a, campaign.signature("fuzz_api_diff", "crash",
                                                  API_MISMATCH.replace("iova_to_phys", "unmap")))

    def test_arch_diff_by_verdict_without_numbers(self):
        a = campaign.signature("fuzz_arch_diff", "crash", ARCH_MISMATCH % (0x1000, 0x2000))
        b = campaign.signature("fuzz_arch_diff", "crash", ARCH_MISMATCH % (0x5000, 0x7000))
        self.assertEqual(a, b)
        self.assertIn("disagrees with the model", a)
        self.assertIn("which the model does not allow", a)
        other = ARCH_MISMATCH.replace("gave ok", "gave abort")
        self.assertNotEqual(a, campaign.signature("fuzz_arch_diff", "crash", other % (1, 2)))

    def test_top_frames_skip_sanitizer_libfuzzer_and_libc(self):
        self.assertEqual(campaign.top_frames(ARCH_MISMATCH % (1, 2)), [
            "(anonymous namespace)::Report(char const*, smmuref::conform::FileReport const&, "
            "std::string const&)", "LLVMFuzzerTestOneInput"])

    def test_sanitizer_report_by_its_first_stack(self):
        sig = campaign.signature("fuzz_vectors_parser", "crash", ASAN)
        self.assertEqual(sig, "crash: smmuref::conform::ParseLine(std::string_view) | "
                              "smmuref::conform::ParseVectorText(std::string const&, "
                              "std::string const&) | LLVMFuzzerTestOneInput")

    def test_no_stack_falls_back_to_the_summary(self):
        self.assertEqual(campaign.signature("fuzz_query", "timeout", "SUMMARY: libFuzzer: timeout"),
                         "timeout: libFuzzer: timeout")


# `llvm-cov export -summary-only`, cut down to what the report reads (a real document has
# functions, instantiations and branches too).
def cov_file(name, lines, regions):
    return {"filename": name, "summary": {
        "lines": {"count": lines[1], "covered": lines[0], "percent": 0},
        "regions": {"count": regions[1], "covered": regions[0], "notcovered": 0, "percent": 0},
        "functions": {"count": 1, "covered": 1, "percent": 100}}}


COV_EXPORT = {"type": "llvm.coverage.json.export", "version": "2.0.1", "data": [{"files": [
    cov_file("/src/build/coverage/../../model/arch/walk.cc", (80, 100), (30, 60)),
    cov_file("/src/model/include/smmuref/model/arch/walk.h", (10, 10), (4, 5)),
    cov_file("../../impl/driver/cd.cc", (0, 50), (0, 20)),
    cov_file("/src/impl/include/smmuref/impl/api/domain.h", (3, 4), (1, 2)),
    cov_file("/src/conform/src/runner.cc", (500, 900), (100, 400)),
    cov_file("/usr/include/c++/12/bits/stl_vector.h", (9, 9), (9, 9)),
    cov_file("/src/build/coverage/spec/rule_ids.inc", (1, 1), (1, 1)),
]}], "totals": {}}


class SourceCoverage(unittest.TestCase):
    def test_areas_of_sources_and_headers(self):
        self.assertEqual(campaign.source_area("model/arch/walk.cc"), "model/arch")
        self.assertEqual(campaign.source_area("model/include/smmuref/model/api/domain.h"),
                         "model/api")
        self.assertEqual(campaign.source_area("impl/driver/cd.cc"), "impl/driver")
        self.assertEqual(campaign.source_area("impl/include/smmuref/impl/arch/tlb.h"), "impl/arch")
        self.assertIsNone(campaign.source_area("conform/src/runner.cc"))
        self.assertIsNone(campaign.source_area("spec/include/smmuref/spec/coverage.h"))

    def test_table_keeps_model_and_impl_with_totals_per_area(self):
        t = campaign.coverage_table(COV_EXPORT, "/src", "/src/build/coverage")
        self.assertEqual([f["file"] for f in t["files"]], [
            "impl/driver/cd.cc", "impl/include/smmuref/impl/api/domain.h", "model/arch/walk.cc",
            "model/include/smmuref/model/arch/walk.h"])
        walk = [f for f in t["files"] if f["file"] == "model/arch/walk.cc"][0]
        self.assertEqual((walk["area"], walk["lines"], walk["regions"]),
                         ("model/arch", [80, 100], [30, 60]))
        self.assertEqual(t["areas"], {
            "impl/api": {"lines": [3, 4], "regions": [1, 2]},
            "impl/driver": {"lines": [0, 50], "regions": [0, 20]},
            "model/arch": {"lines": [90, 110], "regions": [34, 65]}})
        self.assertEqual(t["total"], {"lines": [93, 164], "regions": [35, 87]})

    def test_markdown_has_the_area_totals_and_a_row_per_file(self):
        t = campaign.coverage_table(COV_EXPORT, "/src", "/src/build/coverage")
        t.update({"unlinked": ["impl/driver/smmu.cc"], "build": "/src/build/coverage",
                  "replay_failed_inputs": {}})
        md = "\n".join(campaign.coverage_markdown(t))
        self.assertIn("| model/arch | 90/110 | 81.8 | 34/65 | 52.3 |", md)
        self.assertIn("| impl/driver | 0/50 | 0.0 | 0/20 | 0.0 |", md)
        self.assertIn("| all of model/ and impl/ | 93/164 | 56.7 | 35/87 | 40.2 |", md)
        self.assertIn("| model/include/smmuref/model/arch/walk.h | 10/10 | 100.0 | 4/5 | 80.0 |", md)
        self.assertNotIn("runner.cc", md)
        self.assertIn("impl/driver/smmu.cc", md)
        self.assertIn("| model/api | no file in the replay binaries |", md)
        self.assertLess(md.index("| model/arch |"), md.index("| impl/driver |"))
        self.assertIn("Not measured", "\n".join(campaign.coverage_markdown(None)))


ALL_IDS = ["R-MEM-001", "R-STE-001", "R-STE-005", "R-CD-002", "R-CD-007"]


class RuleIds(unittest.TestCase):
    def test_summary_is_the_union_with_the_never_exercised_in_spec_order(self):
        r = campaign.rules_summary(
            {"fuzz_arch_diff": {"R-STE-001", "R-MEM-001"}, "fuzz_vectors_parser": {"R-CD-007"}},
            ALL_IDS, {"R-STE-005": "ATS is not modelled", "R-CD-007": "TTF"}, {})
        self.assertEqual((r["exercised"], r["total"]), (3, 5))
        self.assertEqual(r["never"], ["R-STE-005", "R-CD-002"])
        self.assertEqual(r["unreachable"], {"R-STE-005": "ATS is not modelled"})
        self.assertEqual(r["by_target"], {"fuzz_arch_diff": 2, "fuzz_vectors_parser": 1})
        md = "\n".join(campaign.rules_markdown(r))
        self.assertIn("rule ids exercised 3 of 5", md)
        self.assertIn("Never exercised (2): R-STE-005 R-CD-002", md)
        self.assertIn("- R-STE-005: ATS is not modelled", md)
        self.assertNotIn("TTF", md)

    def test_ids_the_table_does_not_know_are_not_counted(self):
        r = campaign.rules_summary({"fuzz_arch_diff": {"R-STE-001", "R-XYZ-009"}}, ALL_IDS, {}, {})
        self.assertEqual((r["exercised"], r["unknown_ids"]), (1, ["R-XYZ-009"]))
        self.assertIn("R-XYZ-009", "\n".join(campaign.rules_markdown(r)))

    def test_a_campaign_without_rule_targets_says_so(self):
        md = "\n".join(campaign.rules_markdown(None))
        self.assertIn("Not measured", md)
        self.assertNotIn("rule ids exercised", md)

    def test_rule_id_file_is_one_id_a_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".ids", delete=False) as f:
            f.write("R-STE-001\nR-MEM-001\n\n")
        try:
            self.assertEqual(campaign.read_rule_ids(f.name), {"R-STE-001", "R-MEM-001"})
        finally:
            os.remove(f.name)

    def test_rule_targets_are_the_targets_that_export_rule_ids(self):
        exporting = []
        for p in sorted(glob.glob(os.path.join(SRC, "fuzz", "fuzz_*.cc"))):
            with open(p) as f:
                if "RuleCoverageScope " in f.read():
                    exporting.append(os.path.basename(p)[:-3])
        self.assertEqual(sorted(campaign.RULE_TARGETS), exporting)

    def test_rule_table_reads_the_cli(self):
        with tempfile.TemporaryDirectory() as d:
            cli = os.path.join(d, "smmuref")
            with open(cli, "w") as f:
                f.write("#!/bin/sh\n[ \"$1\" = rules ] || exit 2\n"
                        "if [ \"$2\" = --unreachable ]; then echo 'R-STE-005: needs ATS: not "
                        "modelled'; else printf 'R-MEM-001\\nR-STE-005\\n'; fi\n")
            os.chmod(cli, stat.S_IRWXU)
            ids, why = campaign.rule_table(cli)
        self.assertEqual(ids, ["R-MEM-001", "R-STE-005"])
        self.assertEqual(why, {"R-STE-005": "needs ATS: not modelled"})


# A stand-in for a replay binary (fuzz/replay_main.cc's output): aborts at an input holding BOOM,
# and writes the inputs it finished to $RUN_OUT.
FAKE_REPLAY = """#!/usr/bin/env python3
import os, sys
done = []
for p in sys.argv[1:]:
    data = open(p, "rb").read()
    print("replay: %s (%d bytes)" % (p, len(data)), file=sys.stderr, flush=True)
    if b"BOOM" in data:
        os.abort()
    done.append(os.path.basename(p))
    with open(os.environ["RUN_OUT"], "w") as f:
        f.write(" ".join(done))
"""


class CorpusReplay(unittest.TestCase):
    def test_goes_on_after_an_input_that_kills_the_process(self):
        with tempfile.TemporaryDirectory() as d:
            binary = os.path.join(d, "fuzz_x_replay")
            with open(binary, "w") as f:
                f.write(FAKE_REPLAY)
            os.chmod(binary, stat.S_IRWXU)
            corpus = os.path.join(d, "corpus")
            os.makedirs(corpus)
            for name, data in (("a", "ok"), ("b", "BOOM"), ("c", "ok"), ("d", "BOOM"), ("e", "x")):
                with open(os.path.join(corpus, name), "w") as f:
                    f.write(data)
            files = campaign.corpus_files(corpus)
            runs, failed = campaign.replay_corpus(
                binary, files, lambda i: {"RUN_OUT": os.path.join(d, "run%d" % i)},
                os.path.join(d, "log"))
            self.assertEqual(runs, 3)
            self.assertEqual([os.path.basename(p) for p in failed], ["b", "d"])
            done = []
            for i in range(3):
                with open(os.path.join(d, "run%d" % i)) as f:
                    done.append(f.read())
            self.assertEqual(done, ["a", "c", "e"])


class Budget(unittest.TestCase):
    def test_fewer_jobs_than_targets_share_the_time(self):
        slots, allotted, forks = campaign.plan(3600, 2, campaign.TARGETS)
        self.assertEqual(slots, 2)
        self.assertEqual(set(allotted.values()), {3600 * 2 / len(campaign.TARGETS)})
        self.assertEqual(set(forks.values()), {1})

    def test_more_jobs_than_targets_fork_workers(self):
        slots, allotted, forks = campaign.plan(60, 6, ["a", "b", "c", "d"])
        self.assertEqual((slots, allotted["a"]), (4, 60))
        self.assertEqual([forks[n] for n in "abcd"], [2, 2, 1, 1])


class Targets(unittest.TestCase):
    def test_every_target_has_options_and_a_dictionary(self):
        names = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(SRC, "fuzz",
                                                                                   "fuzz_*.cc")))
        self.assertEqual(names, sorted(campaign.TARGETS))
        for n in names:
            flags = campaign.read_options(os.path.join(SRC, "fuzz", n + ".options"),
                                          os.path.join(SRC, "fuzz"))
            self.assertTrue(any(f.startswith("-dict=") for f in flags), n)
            self.assertTrue(any(f.startswith("-timeout=") for f in flags), n)

    def test_dictionaries_parse_as_libfuzzer_reads_them(self):
        for d in glob.glob(os.path.join(SRC, "fuzz", "*.dict")):
            with open(d, encoding="latin-1") as f:
                lines = f.readlines()
            for i, line in enumerate(lines, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                self.assertRegex(line, r'^([A-Za-z0-9_]+=)?"(\\\\|\\"|\\x[0-9A-Fa-f]{2}|[^\\"])*"$',
                                 "%s:%d" % (d, i))


class Documentation(unittest.TestCase):
    def test_readme_synopses_name_the_options_of_the_parser(self):
        with open(os.path.join(SRC, "README.md")) as f:
            readme = f.read()
        _, subs = campaign.make_parser()
        for sub, prefix in (("run", "./smmuref campaign ["), ("report", "./smmuref campaign report"),
                            ("promote", "./smmuref campaign promote")):
            lines = [ln for ln in readme.splitlines() if ln.startswith(prefix)]
            self.assertEqual(len(lines), 1, prefix)
            documented = set(re.findall(r"--[a-z-]+", lines[0]))
            hidden = {"--bin-dir", "--options-dir", "--seed-dir", "--smmuref", "--coverage-build",
                      "--help"}
            actual = {o for a in subs[sub]._actions for o in a.option_strings
                      if o.startswith("--")} - hidden
            self.assertEqual(documented, actual, sub)


if __name__ == "__main__":
    unittest.main()
