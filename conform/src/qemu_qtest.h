// A QEMU process driven over its qtest protocol: QEMU started with `-qtest stdio` reads one
// command per line on its standard input (readl/writel/readq/writeq ADDR [VALUE], read ADDR LEN,
// clock_step NS) and answers each with one line on its standard output ("OK [VALUE]", "FAIL ..."
// or "ERR ..."); the machine runs no guest code, so every memory-mapped access is the harness's.
// Standard error carries QEMU's trace output (`-trace EVENT`), which the caller drains between
// commands. Every read has a timeout: a QEMU that hangs or dies is an error, never a block.
// Tests: tests/conform/qemu_smmu_test.cc
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "smmuref/spec/error.h"

namespace smmuref::conform {

class QtestProcess {
 public:
  // Starts `argv` (argv[0] looked up on PATH) with pipes on its standard streams.
  static spec::Result<std::unique_ptr<QtestProcess>> Start(const std::vector<std::string>& argv,
                                                           int timeout_ms);
  ~QtestProcess();
  QtestProcess(const QtestProcess&) = delete;
  QtestProcess& operator=(const QtestProcess&) = delete;

  // Sends one command line and returns the words of its "OK" answer after "OK" (empty for a
  // bare OK); "FAIL"/"ERR", end of output or the timeout are errors naming the command.
  spec::Result<std::vector<std::string>> Command(const std::string& line);
  // Every complete line QEMU has written to standard error so far (non-blocking).
  std::vector<std::string> DrainStderr();
  // Whether the process has failed (timed out, exited, or answered garbage): sticky.
  bool failed() const { return failed_; }

 private:
  QtestProcess() = default;
  spec::Result<std::string> ReadLine(int fd, std::string* buf, int timeout_ms);
  void DrainInto(std::string* buf);

  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  int timeout_ms_ = 10000;
  bool failed_ = false;
  std::string out_buf_, err_buf_;
};

// Whether `name` is an executable file on PATH (or a path to one).
bool FindOnPath(const std::string& name, std::string* found);

}  // namespace smmuref::conform
