#!/usr/bin/env python3
"""Nightly fuzzing campaigns over the libFuzzer targets of fuzz/ (fuzz/README.md, "Campaigns").

  campaign.py --root SRC --build BUILD run [--seconds S] [--jobs N] [--targets a,b] DIR
  campaign.py --root SRC --build BUILD report [--coverage] DIR
  campaign.py --root SRC --build BUILD promote DIR FINDING [--name NAME]

`run` fuzzes every target in libFuzzer's fork mode with its options file (fuzz/fuzz_X.options:
dictionary, timeout, memory limit) and seed corpus (corpus/fuzz/fuzz_X/). Each target keeps its
corpus and findings (crash-*, timeout-*, oom-*) under DIR/fuzz_X/. The time budget is wall time:
with N jobs and K targets, min(N, K) fuzzers run at once, each target gets budget * min(N, K) / K
seconds, and a target running alone on several jobs forks N // K workers. DIR/campaign.json
records the seconds each target has had, updated every few seconds, so SIGINT/SIGTERM (children
stopped, state saved) or even SIGKILL loses no finding (libFuzzer writes those at once) and a new
`run` on the same DIR goes on where it stopped. DIR/history.tsv gets a row per target and status
(time, target, seconds fuzzed, execs/s, corpus size, cov, ft, findings).

`report` merges and minimizes each corpus (-merge=1), deduplicates the findings (fuzz_arch_diff:
by the oracle's verdict; the others: by libFuzzer's dedup token, the top frames of the stack),
minimizes one input per group (-minimize_crash=1), and for fuzz_arch_diff turns it into the
generator's program (a vector file) and replays that with `smmuref vectors run` on the model and
on impl to classify it. Rule ids: the merged corpora of fuzz_arch_diff and fuzz_vectors_runner
(the targets that run vector files on the model) are replayed with their replay binaries
(BUILD/fuzz/fuzz_X_replay, fuzz/replay_main.cc) and SMMUREF_RULE_COVERAGE (fuzz/rule_coverage.h);
the union of the ids against `smmuref rules` gives "rule ids exercised N of M" and the ids never
exercised, with the reasons of `smmuref rules --unreachable`. With --coverage, every merged
corpus is replayed by the coverage preset's fuzz_X_replay (--coverage-build, default
SRC/build/coverage; clang source-based coverage) with LLVM_PROFILE_FILE, the profiles merged by
llvm-profdata-14 and `llvm-cov-14 export -summary-only` tabulated: lines and regions covered per
source file of model/ and impl/ and per area (model/arch, model/api, impl/arch, impl/api,
impl/driver). A replay goes on after an input that kills it and names that input. It writes
DIR/report/summary.md, summary.json, coverage.png, corpus.png (and rules/, coverage/ with the id
files, the profile and llvm-cov's JSON).

`promote` turns a finding of the report into a regression that ctest replays: a fuzz_arch_diff
program becomes corpus/regressions/NAME.vec (tests/CMakeLists.txt, "regressions/"); an input of
another target joins its seed corpus corpus/fuzz/fuzz_X/ (ctest fuzz/replay/X).

Exit status: 0 done and no finding; 1 done with findings; 2 usage or setup error; 130 interrupted
(state saved: run again with the same DIR to resume). Tested by tests/fuzz/ (ctest fuzz/campaign/).
"""

import argparse
import configparser
import fcntl
import hashlib
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

TARGETS = ["fuzz_arch_diff", "fuzz_api_diff", "fuzz_vectors_parser", "fuzz_vectors_runner",
           "fuzz_profile_parser", "fuzz_query", "fuzz_dut_protocol"]
FINDING_PREFIXES = ("crash-", "timeout-", "oom-", "leak-")
STATE_VERSION = 1
STATUS_EVERY_S = 10     # a status line and a history row per target at most this often
STOP_GRACE_S = 15       # SIGTERM to a fuzzer, then SIGKILL to its group after this long


class UsageError(Exception):
    pass


def log(msg):
    print("campaign: " + msg, flush=True)


# ---- targets -------------------------------------------------------------------------------

class Target:
    """A libFuzzer binary with its options file, dictionary and seed corpus."""

    def __init__(self, name, bin_dir, opt_dir, seed_dir):
        self.name = name
        self.binary = os.path.join(bin_dir, name)
        self.replay = os.path.join(bin_dir, name + "_replay")  # fuzz/replay_main.cc, no libFuzzer
        self.options_file = os.path.join(opt_dir, name + ".options")
        self.seeds = os.path.join(seed_dir, name)
        self.flags = read_options(self.options_file, opt_dir)
        self.env = {}

    def check(self):
        if not os.access(self.binary, os.X_OK):
            raise UsageError("no fuzz binary %s (build the fuzz preset: ./smmuref --preset fuzz "
                             "test -R fuzz/replay)" % self.binary)
        if not os.path.isdir(self.seeds):
            raise UsageError("no seed corpus %s" % self.seeds)


def read_options(path, opt_dir):
    """libFuzzer flags from an OSS-Fuzz style options file ([libfuzzer] key = value); the
    dictionary is named relative to the file, as ClusterFuzzLite finds it next to the binary."""
    if not os.path.exists(path):
        return []
    cp = configparser.ConfigParser()
    cp.read(path)
    if not cp.has_section("libfuzzer"):
        raise UsageError("%s: no [libfuzzer] section" % path)
    flags = []
    for key, value in cp.items("libfuzzer"):
        if key == "dict":
            value = os.path.join(opt_dir, value)
            if not os.path.exists(value):
                raise UsageError("%s: dictionary %s does not exist" % (path, value))
        flags.append("-%s=%s" % (key, value))
    return flags


def flag_value(flags, key, default):
    for f in flags:
        if f.startswith("-%s=" % key):
            return f.split("=", 1)[1]
    return default


def findings_of(tdir):
    if not os.path.isdir(tdir):
        return []
    return sorted(f for f in os.listdir(tdir) if f.startswith(FINDING_PREFIXES))


# ---- libFuzzer's status lines ----------------------------------------------------------------

# Fork mode:  "#123: cov: 456 ft: 789 corp: 12 exec/s 345 oom/timeout/crash: 0/0/1 time: 9s ..."
# In-process: "#4096  pulse  cov: 456 ft: 789 corp: 12/345b lim: 4 exec/s: 2048 rss: 40Mb"
# libFuzzer 14's fork mode prints exec/s 0 whatever the rate, so the rate of a fork-mode line is
# its runs over its seconds (the average of this fuzzer process so far).
STATUS_RE = re.compile(r"^#(\d+):?\s.*?cov: (\d+) ft: (\d+) corp: (\d+)\S*\s.*?exec/s:? (\d+)"
                       r"(?:.* time: (\d+)s)?")


def parse_status(line):
    m = STATUS_RE.match(line)
    if not m:
        return None
    runs, rate = int(m.group(1)), int(m.group(5))
    if m.group(6) is not None:
        rate = runs // max(1, int(m.group(6)))
    return {"execs": runs, "cov": int(m.group(2)), "ft": int(m.group(3)),
            "corpus": int(m.group(4)), "execs_per_s": rate}


# ---- the budget ------------------------------------------------------------------------------

def plan(budget_s, jobs, names):
    """Seconds of fuzzing per target and libFuzzer workers (-fork=) per running fuzzer."""
    k = len(names)
    slots = min(jobs, k)
    allotted = budget_s * slots / k
    forks = {}
    for i, n in enumerate(names):
        forks[n] = max(1, jobs // k + (1 if i < jobs % k else 0)) if jobs >= k else 1
    return slots, {n: allotted for n in names}, forks


# ---- state -----------------------------------------------------------------------------------

def state_path(d):
    return os.path.join(d, "campaign.json")


def load_state(d):
    p = state_path(d)
    if not os.path.exists(p):
        return None
    with open(p) as f:
        try:
            st = json.load(f)
        except json.JSONDecodeError as e:
            raise UsageError("%s: not a campaign state file (%s)" % (p, e))
    if st.get("version") != STATE_VERSION:
        raise UsageError("%s: unknown state version %r" % (p, st.get("version")))
    return st


def save_state(d, st):
    p = state_path(d)
    tmp = p + ".tmp"
    with open(tmp, "w") as f:
        json.dump(st, f, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, p)


def lock_dir(d):
    fd = os.open(os.path.join(d, ".lock"), os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise UsageError("%s is in use by another campaign" % d)
    return fd


# ---- run -------------------------------------------------------------------------------------

class Fuzzer:
    """One libFuzzer fork-mode process (its own process group) and its output reader."""

    def __init__(self, target, tdir, seconds, forks, session):
        self.target = target
        self.tdir = tdir
        self.corpus = os.path.join(tdir, "corpus")
        self.tmp = os.path.join(tdir, "tmp")
        os.makedirs(self.corpus, exist_ok=True)
        salvage_fork_dirs(self.tmp, self.corpus)
        os.makedirs(self.tmp, exist_ok=True)
        cmd = [target.binary, "-fork=%d" % forks, "-ignore_crashes=1", "-ignore_timeouts=1",
               "-ignore_ooms=1", "-max_total_time=%d" % max(1, math.ceil(seconds)),
               "-artifact_prefix=%s/" % tdir] + target.flags + [self.corpus, target.seeds]
        env = dict(os.environ, TMPDIR=self.tmp, **target.env)
        self.log_path = os.path.join(tdir, "fuzz-%s.log" % session)
        self.logf = open(self.log_path, "a")
        self.logf.write("$ %s\n" % " ".join(cmd))
        self.logf.flush()
        self.status = None
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, start_new_session=True,
                                     text=True, errors="replace")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.logf.write(line)
            s = parse_status(line)
            if s:
                self.status = s
        self.logf.flush()

    def stop(self):
        # libFuzzer's fork-mode parent ignores SIGINT but ends at SIGTERM ("run interrupted").
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                pass
        # The fork-mode workers are in the same group; none may outlive the campaign.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.reader.join(5)
        self.logf.close()


def salvage_fork_dirs(tmp, corpus):
    """A fuzzer killed mid-job leaves libFuzzer's fork directory (FuzzWithFork*.dir) with the
    job corpora it had not merged yet: keep their inputs, then clear the directory."""
    if not os.path.isdir(tmp):
        return
    kept = 0
    for root, _, files in os.walk(tmp):
        if not re.search(r"/C\d+$", root):
            continue
        for f in files:
            src = os.path.join(root, f)
            dst = os.path.join(corpus, f)
            if not os.path.exists(dst):
                shutil.copyfile(src, dst)
                kept += 1
    if kept:
        log("kept %d unmerged inputs of an interrupted job in %s" % (kept, corpus))
    shutil.rmtree(tmp, ignore_errors=True)


def history_row(d, target, spent, s, findings):
    p = os.path.join(d, "history.tsv")
    new = not os.path.exists(p)
    with open(p, "a") as f:
        if new:
            f.write("unix_time\ttarget\tfuzzed_s\texecs_per_s\tcorpus\tcov\tft\tfindings\n")
        f.write("%d\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n" % (time.time(), target, spent,
                s["execs_per_s"], s["corpus"], s["cov"], s["ft"], findings))


def cmd_run(args, root, build):
    d = args.dir
    os.makedirs(d, exist_ok=True)
    lock_fd = lock_dir(d)
    st = load_state(d)
    names = args.targets or (st["names"] if st else TARGETS)
    dut = args.dut or (st.get("dut") if st else None)
    targets = make_targets(args, root, build, names, dut)
    if st is None:
        st = {"version": STATE_VERSION, "names": names, "sessions": 0,
              "budget_s": args.seconds if args.seconds is not None else 3600,
              "jobs": args.jobs or 1, "spent_s": {n: 0.0 for n in names}, "dut": dut}
    else:
        if args.seconds is not None:
            st["budget_s"] = args.seconds
        if args.jobs:
            st["jobs"] = args.jobs
        if args.dut and args.dut != st.get("dut"):
            raise UsageError("%s was fuzzed with --dut %s; a resume keeps it" % (d, st.get("dut")))
        st["names"] = names
        for n in names:
            st["spent_s"].setdefault(n, 0.0)
        log("resuming %s: %s" % (d, ", ".join("%s %ds" % (n, st["spent_s"][n]) for n in names)))
    st["sessions"] += 1
    session = "%03d" % st["sessions"]
    save_state(d, st)
    slots, allotted, forks = plan(st["budget_s"], st["jobs"], names)
    log("budget %ds over %d targets, %d at a time: %ds each" %
        (st["budget_s"], len(names), slots, allotted[names[0]]))

    stop = {"signal": None}

    def on_signal(signum, _):
        stop["signal"] = signum
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    queue = [t for t in targets if allotted[t.name] - st["spent_s"][t.name] >= 1]
    running = {}
    try:
        run_loop(d, st, queue, running, slots, allotted, forks, session, stop)
    finally:
        for n, fz in running.items():
            fz.stop()
        save_state(d, st)
        os.close(lock_fd)
    if stop["signal"] is not None:
        log("interrupted: state saved in %s; run again with the same DIR to resume" % d)
        return 130
    total = sum(len(findings_of(os.path.join(d, n))) for n in names)
    log("campaign done: %d finding files; writing the report" % total)
    return cmd_report(args, root, build)


def run_loop(d, st, queue, running, slots, allotted, forks, session, stop):
    last_tick = time.monotonic()
    last_status = {}
    while (queue or running) and stop["signal"] is None:
        while queue and len(running) < slots:
            t = queue.pop(0)
            left = allotted[t.name] - st["spent_s"][t.name]
            log("%s: fuzzing %ds (fork=%d)" % (t.name, left, forks[t.name]))
            running[t.name] = Fuzzer(t, os.path.join(d, t.name), left, forks[t.name], session)
        time.sleep(1)
        now = time.monotonic()
        for n, fz in list(running.items()):
            st["spent_s"][n] += now - last_tick
            if fz.status and now - last_status.get(n, 0) >= STATUS_EVERY_S:
                last_status[n] = now
                report_status(d, n, st["spent_s"][n], allotted[n], fz.status)
            if fz.proc.poll() is not None:
                fz.stop()
                if fz.status:
                    report_status(d, n, st["spent_s"][n], allotted[n], fz.status)
                # libFuzzer exits non-zero when it found something, even with -ignore_crashes.
                if fz.proc.returncode != 0 and not findings_of(fz.tdir):
                    log("%s: libFuzzer exited with status %s (log: %s)" %
                        (n, fz.proc.returncode, fz.log_path))
                    if fz.status is None:
                        del running[n]
                        raise UsageError("%s did not start; see %s" % (n, fz.log_path))
                # The fuzzer's own -max_total_time ends it: its budget is used up.
                st["spent_s"][n] = max(st["spent_s"][n], allotted[n])
                del running[n]
        last_tick = now
        save_state(d, st)
    now = time.monotonic()
    for n in running:
        st["spent_s"][n] += now - last_tick


def report_status(d, name, spent, allotted, s):
    findings = len(findings_of(os.path.join(d, name)))
    log("%-20s %5d/%ds  exec/s %-6d corpus %-6d cov %-6d ft %-7d findings %d" %
        (name, spent, allotted, s["execs_per_s"], s["corpus"], s["cov"], s["ft"], findings))
    history_row(d, name, spent, s, findings)


def make_targets(args, root, build, names, dut=None):
    bin_dir = args.bin_dir or os.path.join(build, "fuzz")
    opt_dir = args.options_dir or os.path.join(root, "fuzz")
    seed_dir = args.seed_dir or os.path.join(root, "corpus", "fuzz")
    targets = [Target(n, bin_dir, opt_dir, seed_dir) for n in names]
    for t in targets:
        t.check()
        if dut and t.name == "fuzz_arch_diff":
            t.env["SMMUREF_FUZZ_DUT"] = dut
    return targets


# ---- report: corpora -------------------------------------------------------------------------

MERGE_RE = re.compile(r"MERGE-OUTER: (\d+) new files with (\d+) new features added; (\d+) new cov")


def merge_corpus(t, tdir):
    """Replaces DIR/fuzz_X/corpus by the smallest subset of it and the seeds with the same
    coverage (libFuzzer -merge=1); returns (files, features, edges)."""
    corpus = os.path.join(tdir, "corpus")
    if not os.path.isdir(corpus):
        os.makedirs(corpus)
    merged = os.path.join(tdir, "corpus.merging")
    shutil.rmtree(merged, ignore_errors=True)
    os.makedirs(merged)
    ctl = os.path.join(tdir, "merge.control")
    r = subprocess.run([t.binary, "-merge=1", "-merge_control_file=" + ctl] +
                       [f for f in t.flags if not f.startswith("-dict=")] +
                       [merged, corpus, t.seeds],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", env=dict(os.environ, TMPDIR=tdir))
    with open(os.path.join(tdir, "merge.log"), "w") as f:
        f.write(r.stdout)
    m = MERGE_RE.search(r.stdout)
    if r.returncode != 0 or not m:
        raise UsageError("%s: corpus merge failed (log: %s/merge.log)" % (t.name, tdir))
    old = corpus + ".old"
    shutil.rmtree(old, ignore_errors=True)
    os.replace(corpus, old)
    os.replace(merged, corpus)
    shutil.rmtree(old)
    if os.path.exists(ctl):
        os.remove(ctl)
    return len(os.listdir(corpus)), int(m.group(2)), int(m.group(3))


# ---- report: findings ------------------------------------------------------------------------

SANITIZER_ENV = {
    "ASAN_OPTIONS": "dedup_token_length=3:detect_leaks=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:dedup_token_length=3",
}
FRAME_RE = re.compile(r"^\s*#(\d+) 0x[0-9a-f]+(?: in (.*))?")
# Frames on top of the stack that say how it crashed, not where: the sanitizers, libFuzzer's
# deadly-signal handler, libc's abort.
INTERNAL_FRAME = re.compile(r"^(__sanitizer|__asan|__ubsan|__interceptor|fuzzer::|abort$|raise$|"
                            r"gsignal$|__GI_|__pthread_kill|pthread_kill|__restore_rt|"
                            r"std::__terminate|__cxa|__cxxabiv1)")


def frame_function(text):
    text = re.sub(r" \(BuildId: [0-9a-f]+\)$", "", text)
    text = re.sub(r" \([^()]*\+0x[0-9a-f]+\)$", "", text)
    return re.sub(r" \S*/\S+$", "", text).strip()


def top_frames(output, n=3):
    """The first stack in `output`: its top `n` frames of project code (those above the
    sanitizer's or libFuzzer's own frames, ending at LLVMFuzzerTestOneInput)."""
    frames = []
    started = False
    for line in output.splitlines():
        m = FRAME_RE.match(line)
        if not m:
            if started:
                break
            continue
        if m.group(1) == "0" and started:
            break
        started = True
        if m.group(2):
            frames.append(frame_function(m.group(2)))
    while frames and INTERNAL_FRAME.match(frames[0]):
        frames.pop(0)
    if "LLVMFuzzerTestOneInput" in frames:
        frames = frames[:frames.index("LLVMFuzzerTestOneInput") + 1]
    return frames[:n]


def normalize(text):
    """A verdict without the numbers that differ from one input to the next."""
    text = re.sub(r"0x[0-9a-fA-F]+", "N", text)
    text = re.sub(r"\d+", "N", text)
    return re.sub(r"\s+", " ", text).strip()


def signature(target, kind, output):
    """The key that groups findings: a differential target's oracle verdict (fuzz_arch_diff,
    fuzz_api_diff: its message and the first failure, numbers removed), else the sanitizer's
    dedup token, else the top frames."""
    if target in ("fuzz_arch_diff", "fuzz_api_diff"):
        lines = output.splitlines()
        prefix = target + ": "
        for i, line in enumerate(lines):
            if line.startswith(prefix) and "logged once" not in line:
                detail = ""
                if i + 1 < len(lines) and lines[i + 1].startswith("  "):
                    detail = lines[i + 1].strip()
                    detail = detail.split(": ", 1)[1] if ": " in detail else detail
                return "verdict: " + normalize(line[len(prefix):] + " | " + detail)[:200]
    frames = top_frames(output)
    if frames:
        return "%s: %s" % (kind, " | ".join(frames))
    m = re.search(r"DEDUP_TOKEN: (.+)", output)
    if m:
        return "%s: %s" % (kind, m.group(1).strip())
    m = re.search(r"SUMMARY: (.*)", output)
    return "%s: %s" % (kind, normalize(m.group(1)) if m else "no stack")


def replay_input(t, path, extra_env=None, timeout_s=None):
    """Runs one input outside the fuzzing loop; returns (exit status, output)."""
    limit = timeout_s or int(flag_value(t.flags, "timeout", "25")) + 30
    env = dict(os.environ, **SANITIZER_ENV)
    env.update(t.env)
    env.update(extra_env or {})
    flags = [f for f in t.flags if not f.startswith("-dict=")]
    try:
        r = subprocess.run([t.binary] + flags + [path], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, errors="replace", env=env,
                           timeout=limit)
        return r.returncode, r.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return None, out + "\n(no exit after %d s)\n" % limit


def minimize(t, path, out_path, sig, kind, seconds):
    """-minimize_crash=1 within `seconds`; kept only if the smaller input fails the same way."""
    flags = [f for f in t.flags if not f.startswith("-dict=")]
    tmp = out_path + ".tmp"
    subprocess.run([t.binary, "-minimize_crash=1", "-max_total_time=%d" % seconds,
                    "-exact_artifact_path=" + tmp] + flags + [path],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, **SANITIZER_ENV, **t.env))
    if os.path.exists(tmp) and os.path.getsize(tmp) < os.path.getsize(path):
        rc, out = replay_input(t, tmp)
        if rc != 0 and signature(t.name, kind, out) == sig:
            os.replace(tmp, out_path)
            return True
    if os.path.exists(tmp):
        os.remove(tmp)
    shutil.copyfile(path, out_path)
    return False


def vectors_run(smmuref_cli, dut, vec):
    r = subprocess.run([smmuref_cli, "vectors", "run", "--dut", dut, vec],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", env=dict(os.environ, **SANITIZER_ENV))
    return r.returncode, r.stdout


def classify_program(smmuref_cli, vec, fdir, dut):
    """impl bug: the model runs the program by itself and impl, in lockstep, differs; model bug:
    the model alone errs or crashes; harness bug: the runner rejects the generated program, or
    the program passes outside the fuzz target although the target reported it."""
    rc_m, out_m = vectors_run(smmuref_cli, "model", vec)
    rc_i, out_i = vectors_run(smmuref_cli, dut, vec)
    with open(os.path.join(fdir, "replay-model.txt"), "w") as f:
        f.write("$ smmuref vectors run --dut model %s\nexit status %s\n%s" % (vec, rc_m, out_m))
    with open(os.path.join(fdir, "replay-impl.txt"), "w") as f:
        f.write("$ smmuref vectors run --dut %s %s\nexit status %s\n%s" % (dut, vec, rc_i,
                                                                        out_i))
    replay = {"model": rc_m, "impl": rc_i, "dut": dut}
    if rc_m == 2:
        return "harness bug", "the runner rejects the generated program on the model", replay
    if rc_m != 0:
        return "model bug", "the model alone %s" % (
            "fails" if rc_m == 1 else "crashes (exit status %s)" % rc_m), replay
    if rc_i == 1 or (rc_i != 0 and rc_i != 2):
        return "impl bug", "the model agrees with itself; impl %s" % (
            "differs" if rc_i == 1 else "crashes (exit status %s)" % rc_i), replay
    if rc_i == 2:
        return "harness bug", "the runner rejects the program on impl only", replay
    return "harness bug", "the program passes on model and impl outside the fuzz target", replay


def process_findings(t, tdir, rdir, smmuref_cli, minimize_s, dut):
    # Each finding file is replayed once over the reports of a campaign: libFuzzer names files
    # by their content's SHA-1, so a file's signature is kept in DIR/report/signatures.json.
    cache_path = os.path.join(rdir, "signatures.json")
    cache = {}
    if os.path.exists(cache_path):
        with open(cache_path) as f:
            cache = json.load(f)
    groups = {}
    for f in findings_of(tdir):
        kind = f.split("-", 1)[0]
        key = "%s/%s" % (t.name, f)
        if key not in cache:
            rc, out = replay_input(t, os.path.join(tdir, f))
            cache[key] = (signature(t.name, kind, out) if rc != 0 else
                          "%s: does not reproduce" % kind, rc != 0)
        sig, reproduces = cache[key]
        g = groups.setdefault(sig, {"kind": kind, "files": [], "reproduces": reproduces})
        g["files"].append(f)
    with open(cache_path, "w") as f:
        json.dump(cache, f, indent=0, sort_keys=True)
    results = []
    for sig, g in sorted(groups.items()):
        fid = "%s-%s" % (t.name, hashlib.sha1(sig.encode()).hexdigest()[:10])
        fdir = os.path.join(rdir, "findings", fid)
        os.makedirs(fdir, exist_ok=True)
        smallest = min(g["files"], key=lambda f: os.path.getsize(os.path.join(tdir, f)))
        src = os.path.join(tdir, smallest)
        inp = os.path.join(fdir, "input")
        minimized = False
        if g["reproduces"]:
            minimized = minimize(t, src, inp, sig, g["kind"], minimize_s)
        else:
            shutil.copyfile(src, inp)
        rc, out = replay_input(t, inp)
        with open(os.path.join(fdir, "output.txt"), "w") as f:
            f.write(out)
        res = {"id": fid, "target": t.name, "kind": g["kind"], "signature": sig,
               "files": g["files"], "input": inp, "input_bytes": os.path.getsize(inp),
               "minimized": minimized, "reproduces": g["reproduces"]}
        if not g["reproduces"]:
            res["class"], res["why"] = "not reproducible", "the input passes when run alone"
        elif t.name == "fuzz_arch_diff":
            vec = os.path.join(fdir, "program.vec")
            replay_input(t, inp, {"SMMUREF_FUZZ_PROGRAM_OUT": vec})
            if os.path.exists(vec):
                res["vector"] = vec
                res["class"], res["why"], res["replay"] = classify_program(smmuref_cli, vec, fdir, dut)
            else:
                res["class"], res["why"] = "harness bug", "the target wrote no program"
        else:
            res["class"] = "%s bug" % re.sub(r"^fuzz_", "", t.name).replace("_", " ")
            res["why"] = "a %s of the target on its input" % g["kind"]
        results.append(res)
    return results


# ---- report: rule ids ------------------------------------------------------------------------

# The targets whose source declares a RuleCoverageScope (fuzz/rule_coverage.h) around its run of
# vector files on the reference model, whose probes record the rule ids of spec/rules.md.
RULE_TARGETS = ("fuzz_arch_diff", "fuzz_vectors_runner")
REPLAY_INPUT_RE = re.compile(r"^replay: (.*) \(\d+ bytes\)$")


def corpus_files(corpus):
    return sorted(os.path.join(corpus, f) for f in os.listdir(corpus)
                  if os.path.isfile(os.path.join(corpus, f)))


def replay_corpus(binary, inputs, env_of_run, log_path):
    """Runs a replay binary (fuzz/replay_main.cc) over `inputs` in as few processes as it can: an
    input that kills the process is noted and the next process starts after it. `env_of_run(i)`
    gives the environment additions of the i-th process (its own output files). Returns the
    number of processes and the inputs that failed."""
    failed = []
    runs = 0
    if not inputs:
        return runs, failed
    with open(log_path, "w") as logf:
        while inputs:
            env = dict(os.environ, **SANITIZER_ENV, **env_of_run(runs))
            runs += 1
            logf.write("$ %s (%d inputs)\n" % (binary, len(inputs)))
            logf.flush()
            r = subprocess.run([binary] + inputs, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace", env=env)
            logf.write(r.stdout)
            if r.returncode == 0:
                break
            started = [m.group(1) for m in map(REPLAY_INPUT_RE.match, r.stdout.splitlines()) if m]
            if not started or started[-1] not in inputs:
                raise UsageError("%s failed (exit status %s) before its first input (log: %s)" %
                                 (binary, r.returncode, log_path))
            failed.append(started[-1])
            logf.write("(exit status %s at %s; going on after it)\n" % (r.returncode, started[-1]))
            inputs = inputs[inputs.index(started[-1]) + 1:]
    return runs, failed


def read_rule_ids(path):
    """The ids of a SMMUREF_RULE_COVERAGE file (fuzz/rule_coverage.h): one a line."""
    with open(path) as f:
        return {line.strip() for line in f if line.strip()}


def rule_table(smmuref_cli):
    """Every rule id (`smmuref rules`, in spec/rules.md's order) and the reasons of those no
    generated program can reach (`smmuref rules --unreachable`: "ID: why" lines)."""
    out = []
    for extra in ([], ["--unreachable"]):
        try:
            r = subprocess.run([smmuref_cli, "rules"] + extra, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace")
        except OSError as e:
            raise UsageError("cannot run %s rules: %s" % (smmuref_cli, e))
        if r.returncode != 0:
            raise UsageError("%s rules %s failed (exit status %s): %s" % (
                smmuref_cli, " ".join(extra), r.returncode, r.stdout.strip()))
        out.append(r.stdout)
    ids = [line.strip() for line in out[0].splitlines() if line.strip()]
    unreachable = {}
    for line in out[1].splitlines():
        if ": " in line:
            rid, why = line.split(": ", 1)
            unreachable[rid.strip()] = why.strip()
    if not ids:
        raise UsageError("%s rules listed no rule ids" % smmuref_cli)
    return ids, unreachable


def rules_summary(by_target, all_ids, unreachable, failed_inputs):
    """The campaign's rule coverage: the union over the targets' id sets, the ids never
    exercised in spec/rules.md's order, and the reasons known for those."""
    union = set()
    for ids in by_target.values():
        union |= ids
    unknown = sorted(union - set(all_ids))
    never = [i for i in all_ids if i not in union]
    return {"total": len(all_ids), "exercised": len(union) - len(unknown),
            "by_target": {n: len(ids) for n, ids in sorted(by_target.items())},
            "never": never, "unreachable": {i: unreachable[i] for i in never if i in unreachable},
            "unknown_ids": unknown, "replay_failed_inputs": failed_inputs}


def campaign_rules(targets, d, rdir, smmuref_cli):
    """Replays each merged corpus of a RULE_TARGETS target with its replay binary and
    SMMUREF_RULE_COVERAGE; None when the campaign has no such target."""
    mine = [t for t in targets if t.name in RULE_TARGETS]
    if not mine:
        return None
    all_ids, unreachable = rule_table(smmuref_cli)
    out = os.path.join(rdir, "rules")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    by_target, failed = {}, {}
    for t in mine:
        if not os.access(t.replay, os.X_OK):
            raise UsageError("no replay binary %s (build the fuzz preset's %s_replay)" %
                             (t.replay, t.name))
        log("%s: replaying the merged corpus for its rule ids" % t.name)
        files = corpus_files(os.path.join(d, t.name, "corpus"))

        def env_of_run(i, name=t.name):
            return dict(t.env, SMMUREF_RULE_COVERAGE=os.path.join(out, "%s.%d.ids" % (name, i)))
        runs, bad = replay_corpus(t.replay, files, env_of_run,
                                  os.path.join(out, "%s.log" % t.name))
        ids = set()
        for i in range(runs):
            p = os.path.join(out, "%s.%d.ids" % (t.name, i))
            if os.path.exists(p):  # absent: no input of that process reached the runner
                ids |= read_rule_ids(p)
                os.remove(p)
        with open(os.path.join(out, "%s.ids" % t.name), "w") as f:
            f.write("".join(i + "\n" for i in sorted(ids)))
        by_target[t.name] = ids
        if bad:
            failed[t.name] = bad
    return rules_summary(by_target, all_ids, unreachable, failed)


# ---- report: source coverage (llvm-cov) ------------------------------------------------------

COVERAGE_AREAS = ("model/arch", "model/api", "impl/arch", "impl/api", "impl/driver")
LLVM_PROFDATA = "llvm-profdata-14"
LLVM_COV = "llvm-cov-14"


def source_area(rel):
    """The area of a source path relative to the tree: model/arch/walk.cc and
    model/include/smmuref/model/arch/walk.h are model/arch; None outside model/ and impl/."""
    parts = rel.split("/")
    if len(parts) < 2 or parts[0] not in ("model", "impl"):
        return None
    comp = parts[4] if parts[1] == "include" and len(parts) > 5 else parts[1]
    return "%s/%s" % (parts[0], comp) if comp in ("arch", "api", "driver") else parts[0]


def coverage_table(export, root, build="."):
    """Per source file of model/ and impl/ of an `llvm-cov export -summary-only` JSON document:
    lines and regions covered, and the totals per area and over all of them. llvm-cov names a
    file by its compilation directory and the compiler's path (build/coverage/../../model/...);
    a relative name is taken relative to the build tree."""
    files = []
    areas = {}
    total = {"lines": [0, 0], "regions": [0, 0]}
    for data in export.get("data", []):
        for f in data.get("files", []):
            rel = os.path.relpath(os.path.realpath(os.path.join(build, f["filename"])),
                                  os.path.realpath(root))
            area = source_area(rel)
            if area is None or rel.startswith(".."):
                continue
            row = {"file": rel, "area": area}
            for k in ("lines", "regions"):
                s = f["summary"][k]
                row[k] = [s["covered"], s["count"]]
                a = areas.setdefault(area, {"lines": [0, 0], "regions": [0, 0]})
                for acc in (a[k], total[k]):
                    acc[0] += s["covered"]
                    acc[1] += s["count"]
            files.append(row)
    files.sort(key=lambda r: r["file"])
    return {"files": files, "areas": dict(sorted(areas.items())), "total": total}


def unlinked_sources(root, table):
    """The .cc files of model/ and impl/ that no replay binary contains (no row in the table)."""
    have = {r["file"] for r in table["files"]}
    out = []
    for top in ("model", "impl"):
        for base, _, names in os.walk(os.path.join(root, top)):
            for n in names:
                rel = os.path.relpath(os.path.join(base, n), root)
                if n.endswith(".cc") and rel not in have:
                    out.append(rel)
    return sorted(out)


def llvm_tool(name):
    p = shutil.which(name)
    if p is None:
        raise UsageError("%s is not installed (Debian package llvm-14)" % name)
    return p


def campaign_coverage(targets, d, rdir, root, cov_build):
    """Replays every merged corpus with the coverage build's fuzz_X_replay (LLVM_PROFILE_FILE),
    merges the profiles and tabulates `llvm-cov export -summary-only` for model/ and impl/."""
    profdata_tool, cov_tool = llvm_tool(LLVM_PROFDATA), llvm_tool(LLVM_COV)
    out = os.path.join(rdir, "coverage")
    shutil.rmtree(out, ignore_errors=True)
    raw = os.path.join(out, "profraw")
    os.makedirs(raw)
    binaries, failed = [], {}
    for t in targets:
        b = os.path.join(cov_build, "fuzz", t.name + "_replay")
        if not os.access(b, os.X_OK):
            raise UsageError("no coverage replay binary %s (build the coverage preset: "
                             "./smmuref campaign report --coverage DIR)" % b)
        binaries.append(b)
        log("%s: replaying the merged corpus with the coverage build" % t.name)
        files = corpus_files(os.path.join(d, t.name, "corpus"))
        prof = os.path.join(raw, t.name + "-%p.profraw")
        _, bad = replay_corpus(b, files, lambda i, e=t.env: dict(e, LLVM_PROFILE_FILE=prof),
                               os.path.join(out, "%s.log" % t.name))
        if bad:
            failed[t.name] = bad
    profiles = sorted(os.path.join(raw, f) for f in os.listdir(raw))
    if not profiles:
        raise UsageError("the coverage replays wrote no profile in %s (is %s a build with "
                         "SMMUREF_COVERAGE?)" % (raw, cov_build))
    profdata = os.path.join(out, "campaign.profdata")
    r = subprocess.run([profdata_tool, "merge", "-sparse", "-o", profdata] + profiles,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise UsageError("%s merge failed: %s" % (LLVM_PROFDATA, r.stdout))
    shutil.rmtree(raw)
    cmd = [cov_tool, "export", "-summary-only", "-instr-profile=" + profdata, binaries[0]]
    for b in binaries[1:]:
        cmd += ["-object", b]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise UsageError("%s export failed: %s" % (LLVM_COV, r.stderr))
    with open(os.path.join(out, "export-summary.json"), "w") as f:
        f.write(r.stdout)
    table = coverage_table(json.loads(r.stdout), root, cov_build)
    if not table["files"]:
        raise UsageError("no source file of %s/model or impl in the coverage of %s" %
                         (root, cov_build))
    table["unlinked"] = unlinked_sources(root, table)
    table["build"] = os.path.abspath(cov_build)
    table["profdata"] = profdata
    table["replay_failed_inputs"] = failed
    return table


# ---- report: plots and summary ---------------------------------------------------------------

def read_history(d):
    rows = []
    p = os.path.join(d, "history.tsv")
    if not os.path.exists(p):
        return rows
    with open(p) as f:
        next(f, None)
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) != 8:
                continue
            rows.append({"target": c[1], "fuzzed_s": int(c[2]), "execs_per_s": int(c[3]),
                         "corpus": int(c[4]), "cov": int(c[5]), "ft": int(c[6]),
                         "findings": int(c[7])})
    return rows


def plot(rdir, rows, names, column, title, ylabel, png):
    """A PNG of `column` over each target's fuzzing time, with gnuplot (Debian gnuplot-nox)."""
    gp = shutil.which("gnuplot")
    if gp is None:
        raise UsageError("gnuplot is not installed (Debian package gnuplot-nox)")
    data = os.path.join(rdir, "plot-%s.dat" % column)
    with open(data, "w") as f:
        for n in names:
            f.write('"%s"\n' % n)
            pts = [r for r in rows if r["target"] == n]
            for r in pts:
                f.write("%d %d\n" % (r["fuzzed_s"], r[column]))
            if not pts:
                f.write("0 0\n")
            f.write("\n\n")
    plots = ", ".join('"%s" index %d using 1:2 with linespoints title "%s"' % (data, i, n)
                      for i, n in enumerate(names))
    script = ('set terminal pngcairo noenhanced size 900,500\nset output "%s"\nset title "%s"\n'
              'set xlabel "seconds fuzzed (per target)"\nset ylabel "%s"\nset key left top\n'
              'set grid\nplot %s\n' % (png, title, ylabel, plots))
    r = subprocess.run([gp], input=script, text=True, stderr=subprocess.PIPE)
    if r.returncode != 0 or not os.path.exists(png):
        raise UsageError("gnuplot failed: %s" % r.stderr)


def cmd_report(args, root, build):
    d = args.dir
    lock_fd = lock_dir(d) if os.path.isdir(d) else None
    try:
        return write_report(args, root, build, d)
    finally:
        if lock_fd is not None:
            os.close(lock_fd)


def write_report(args, root, build, d):
    st = load_state(d)
    if st is None:
        raise UsageError("%s: no campaign here (no campaign.json)" % d)
    names = st["names"]
    targets = make_targets(args, root, build, names, st.get("dut"))
    smmuref_cli = args.smmuref or os.path.join(build, "conform", "smmuref")
    rdir = os.path.join(d, "report")
    os.makedirs(rdir, exist_ok=True)
    rows = read_history(d)
    summary = {"dir": os.path.abspath(d), "budget_s": st["budget_s"], "jobs": st["jobs"],
               "sessions": st["sessions"], "targets": {}, "findings": []}
    for t in targets:
        tdir = os.path.join(d, t.name)
        log("%s: merging the corpus" % t.name)
        files, features, edges = merge_corpus(t, tdir)
        mine = [r for r in rows if r["target"] == t.name]
        rates = [r["execs_per_s"] for r in mine if r["execs_per_s"] > 0]
        summary["targets"][t.name] = {
            "fuzzed_s": round(st["spent_s"].get(t.name, 0)), "corpus_files": files,
            "features": features, "cov_edges": edges,
            "execs_per_s_last": rates[-1] if rates else None,
            "execs_per_s_median": sorted(rates)[len(rates) // 2] if rates else None,
            "finding_files": len(findings_of(tdir))}
        log("%s: %d finding files" % (t.name, len(findings_of(tdir))))
        summary["findings"] += process_findings(t, tdir, rdir, smmuref_cli, args.minimize_seconds,
                                                st.get("dut") or "impl")
    summary["rules"] = campaign_rules(targets, d, rdir, smmuref_cli)
    if args.coverage:
        summary["source_coverage"] = campaign_coverage(
            targets, d, rdir, root, args.coverage_build or os.path.join(root, "build", "coverage"))
    cov_png = os.path.join(rdir, "coverage.png")
    corp_png = os.path.join(rdir, "corpus.png")
    plot(rdir, rows, names, "cov", "coverage over time", "libFuzzer cov: of the status lines",
         cov_png)
    plot(rdir, rows, names, "corpus", "corpus size over time", "inputs in the corpus", corp_png)
    summary["plots"] = [cov_png, corp_png]
    with open(os.path.join(rdir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    with open(os.path.join(rdir, "summary.md"), "w") as f:
        f.write(summary_markdown(summary))
    log("report: %s/summary.md (%d distinct findings)" % (rdir, len(summary["findings"])))
    return 1 if summary["findings"] else 0


def summary_markdown(s):
    out = ["# Fuzzing campaign %s" % s["dir"], "",
           "Budget %d s on %d jobs, %d session(s)." % (s["budget_s"], s["jobs"], s["sessions"]),
           "", "| target | fuzzed s | execs/s (median, last) | corpus (merged) | cov edges | "
           "features | finding files |", "|---|---|---|---|---|---|---|"]
    for n, t in s["targets"].items():
        out.append("| %s | %d | %s, %s | %d | %d | %d | %d |" % (
            n, t["fuzzed_s"], t["execs_per_s_median"], t["execs_per_s_last"], t["corpus_files"],
            t["cov_edges"], t["features"], t["finding_files"]))
    out += rules_markdown(s.get("rules"))
    out += coverage_markdown(s.get("source_coverage"))
    out += ["", "## Findings (deduplicated)", ""]
    if not s["findings"]:
        out.append("None.")
    for f in s["findings"]:
        out += ["### %s: %s" % (f["id"], f["class"]), "",
                "- signature: `%s`" % f["signature"], "- why: %s" % f["why"],
                "- inputs: %d (%s)" % (len(f["files"]), ", ".join(f["files"][:5])),
                "- minimized input: `%s` (%d bytes%s)" % (
                    f["input"], f["input_bytes"], "" if f["minimized"] else ", not smaller"),
                ]
        if "vector" in f:
            out.append("- vector: `%s` (vectors run: model exit %s, %s exit %s)" % (
                f["vector"], f["replay"]["model"], f["replay"]["dut"], f["replay"]["impl"]))
        out += ["- keep it: `smmuref campaign promote %s %s`" % (s["dir"], f["id"]), ""]
    out += ["", "![coverage](coverage.png)", "", "![corpus](corpus.png)", ""]
    return "\n".join(out)


def rules_markdown(r):
    out = ["", "## Rule ids", ""]
    if r is None:
        return out + ["Not measured: no target of this campaign exports rule ids (%s do)." %
                      ", ".join(RULE_TARGETS)]
    out.append("rule ids exercised %d of %d (the merged corpora replayed with "
               "SMMUREF_RULE_COVERAGE: %s)." % (r["exercised"], r["total"], ", ".join(
                   "%s %d" % (n, k) for n, k in r["by_target"].items())))
    out += ["", "Never exercised (%d): %s" % (len(r["never"]), " ".join(r["never"]) or "none")]
    if r["unreachable"]:
        out += ["", "Of those, no generated program can reach (`smmuref rules --unreachable`):", ""]
        out += ["- %s: %s" % (i, why) for i, why in r["unreachable"].items()]
    if r["unknown_ids"]:
        out += ["", "Ids in the exports that `smmuref rules` does not list (a stale build?): %s" %
                " ".join(r["unknown_ids"])]
    for n, bad in r["replay_failed_inputs"].items():
        out += ["", "%s: %d corpus inputs stopped the replay (left out): %s" % (
            n, len(bad), ", ".join(os.path.basename(b) for b in bad[:5]))]
    return out


def percent(pair):
    return "%.1f" % (100.0 * pair[0] / pair[1]) if pair[1] else "-"


def coverage_markdown(c):
    out = ["", "## Source coverage (llvm-cov)", ""]
    if c is None:
        return out + ["Not measured (`campaign report --coverage`: the coverage preset's replays)."]
    out += ["The merged corpora replayed by the coverage build's fuzz_X_replay (`%s`), profiles "
            "merged with %s, `%s export -summary-only`." % (c["build"], LLVM_PROFDATA, LLVM_COV),
            "", "| area | lines covered | lines % | regions covered | regions % |",
            "|---|---|---|---|---|"]
    rows = [(a, c["areas"].get(a)) for a in COVERAGE_AREAS]
    rows += [(a, v) for a, v in c["areas"].items() if a not in COVERAGE_AREAS]
    for a, v in rows + [("all of model/ and impl/", c["total"])]:
        if v is None:
            out.append("| %s | no file in the replay binaries | - | - | - |" % a)
            continue
        out.append("| %s | %d/%d | %s | %d/%d | %s |" % (
            a, v["lines"][0], v["lines"][1], percent(v["lines"]), v["regions"][0],
            v["regions"][1], percent(v["regions"])))
    out += ["", "| source file | lines covered | lines % | regions covered | regions % |",
            "|---|---|---|---|---|"]
    for f in c["files"]:
        out.append("| %s | %d/%d | %s | %d/%d | %s |" % (
            f["file"], f["lines"][0], f["lines"][1], percent(f["lines"]), f["regions"][0],
            f["regions"][1], percent(f["regions"])))
    if c["unlinked"]:
        out += ["", "In no replay binary (no fuzz target links them): %s" %
                ", ".join(c["unlinked"])]
    for n, bad in c["replay_failed_inputs"].items():
        out += ["", "%s: %d corpus inputs stopped the coverage replay (their counts are lost): %s"
                % (n, len(bad), ", ".join(os.path.basename(b) for b in bad[:5]))]
    return out


# ---- promote ---------------------------------------------------------------------------------

def cmd_promote(args, root, build):
    p = os.path.join(args.dir, "report", "summary.json")
    if not os.path.exists(p):
        raise UsageError("%s: no report (run 'smmuref campaign report %s' first)" %
                         (p, args.dir))
    with open(p) as f:
        summary = json.load(f)
    match = [x for x in summary["findings"] if x["id"] == args.finding]
    if not match:
        raise UsageError("no finding %r in %s (findings: %s)" % (
            args.finding, p, ", ".join(x["id"] for x in summary["findings"]) or "none"))
    fnd = match[0]
    if "vector" in fnd:
        name = args.name or fnd["id"].replace("-", "_")
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise UsageError("--name %r: use lower-case letters, digits and _" % name)
        dst = os.path.join(root, "corpus", "regressions", name + ".vec")
        if os.path.exists(dst):
            raise UsageError("%s exists already" % dst)
        with open(fnd["vector"]) as f:
            program = f.read()
        with open(dst, "w") as f:
            f.write("# Found by the libFuzzer campaign (%s, finding %s): %s, %s.\n"
                    "# Oracle verdict: %s\n" % (fnd["target"], fnd["id"], fnd["class"],
                                                fnd["why"], fnd["signature"]))
            f.write(program)
        log("wrote %s; ctest replays it as regressions/%s.vec on impl (reconfigure: "
            "./smmuref test -R regressions/%s)" % (dst, name, name))
        return 0
    with open(fnd["input"], "rb") as f:
        data = f.read()
    dst = os.path.join(root, "corpus", "fuzz", fnd["target"], hashlib.sha1(data).hexdigest())
    with open(dst, "wb") as f:
        f.write(data)
    log("wrote %s; ctest replays it in fuzz/replay/%s" % (dst, re.sub(r"^fuzz_", "", fnd["target"])))
    return 0


# ---- command line ----------------------------------------------------------------------------

def make_parser():
    ap = argparse.ArgumentParser(prog="smmuref campaign", description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", required=True, help="the source tree")
    ap.add_argument("--build", required=True, help="the fuzz build tree (build/fuzz)")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--bin-dir", help="where the fuzz binaries are (default BUILD/fuzz)")
    common.add_argument("--options-dir", help="where fuzz_X.options and the dictionaries are "
                        "(default ROOT/fuzz)")
    common.add_argument("--seed-dir", help="where the seed corpora are "
                        "(default ROOT/corpus/fuzz)")
    common.add_argument("--smmuref", help="the smmuref CLI that replays the vectors of "
                        "findings (default BUILD/conform/smmuref)")
    reporting = argparse.ArgumentParser(add_help=False)
    reporting.add_argument("--minimize-seconds", type=int, default=60,
                           help="time for -minimize_crash per distinct finding (default 60)")
    reporting.add_argument("--coverage", action="store_true",
                           help="also the llvm-cov table per source file of model/ and impl/ "
                           "(replays with the coverage preset's build)")
    reporting.add_argument("--coverage-build", help="the coverage build tree "
                           "(default ROOT/build/coverage)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", parents=[common, reporting], prog="smmuref campaign",
                         help="fuzz (or resume) a campaign in DIR, then write its report")
    t = run.add_mutually_exclusive_group()
    t.add_argument("--hours", type=float, help="time budget (wall time, default 1 hour)")
    t.add_argument("--minutes", type=float)
    t.add_argument("--seconds", type=float)
    run.add_argument("--jobs", type=int, help="fuzzing processes at once (default 1)")
    run.add_argument("--targets", help="comma-separated (default: %s)" % ",".join(TARGETS))
    run.add_argument("--dut", help="the device fuzz_arch_diff checks against the model "
                     "(default impl; impl-mutant-K: a planted engine bug)")
    run.add_argument("dir")
    rep = sub.add_parser("report", parents=[common, reporting], prog="smmuref campaign report",
                         help="merge corpora, dedup, minimize and classify findings, plot")
    rep.add_argument("dir")
    pro = sub.add_parser("promote", parents=[common], prog="smmuref campaign promote",
                         help="turn a finding of the report into a ctest regression")
    pro.add_argument("dir")
    pro.add_argument("finding", help="a finding id of DIR/report/summary.md")
    pro.add_argument("--name", help="the regression's file name (default from the id)")
    return ap, {"run": run, "report": rep, "promote": pro}


def main(argv):
    args = make_parser()[0].parse_args(argv)
    root, build = os.path.abspath(args.root), os.path.abspath(args.build)
    try:
        if args.cmd == "run":
            secs = args.seconds
            if args.hours is not None:
                secs = args.hours * 3600
            if args.minutes is not None:
                secs = args.minutes * 60
            if secs is not None and secs < 1:
                raise UsageError("the time budget must be at least 1 second")
            args.seconds = secs
            if args.jobs is not None and args.jobs < 1:
                raise UsageError("--jobs must be at least 1")
            if args.targets:
                args.targets = args.targets.split(",")
                bad = [n for n in args.targets if not re.fullmatch(r"[A-Za-z0-9_]+", n)]
                if bad or len(set(args.targets)) != len(args.targets):
                    raise UsageError("--targets: bad or repeated names: %s" % args.targets)
            return cmd_run(args, root, build)
        if args.cmd == "report":
            return cmd_report(args, root, build)
        return cmd_promote(args, root, build)
    except UsageError as e:
        print("smmuref campaign: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
