#!/usr/bin/env python3
"""Unit tests of fuzz/campaign.py's parsing and planning, without libFuzzer (ctest
fuzz/campaign/unit, every preset): libFuzzer's status lines, the deduplication keys of findings,
the budget split, and that every fuzz target has an options file whose dictionary exists."""
import glob
import os
import re
import sys
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
            hidden = {"--bin-dir", "--options-dir", "--seed-dir", "--smmuref", "--help"}
            actual = {o for a in subs[sub]._actions for o in a.option_strings
                      if o.startswith("--")} - hidden
            self.assertEqual(documented, actual, sub)


if __name__ == "__main__":
    unittest.main()
