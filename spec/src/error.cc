#include "smmuref/spec/error.h"

#include <cstdio>
#include <cstdlib>

namespace smmuref::spec {

void Unreachable(const char* why, const char* file, int line) {
  std::fprintf(stderr, "smmuref: internal error at %s:%d: %s\n", file, line, why);
  std::abort();
}

}  // namespace smmuref::spec
