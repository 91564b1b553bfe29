// Runs vector files against a device and reports per expectation.
#pragma once

#include <string>
#include <vector>

#include "smmuref/conform/vector.h"

namespace smmuref::conform {

struct Failure {
  std::string where;    // file:line
  std::string message;  // expected vs observed
};

struct FileReport {
  std::string path;
  int passed = 0;
  int failed = 0;
  std::vector<Failure> failures;
  bool error = false;  // bad input: the file stopped at `error_message`
  std::string error_message;
};

struct RunOptions {
  std::string dut = "model";
};

FileReport RunVectorFile(const VectorFile& file, const RunOptions& opts);
FileReport RunVectorPath(const std::string& path, const RunOptions& opts);

}  // namespace smmuref::conform
