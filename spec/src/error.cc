#include "smmuref/spec/error.h"

#include <cstdio>
#include <cstdlib>

namespace smmuref::spec {

const char* ErrorKindName(ErrorKind k) {
  switch (k) {
    case ErrorKind::kBadInput: return "bad input";
    case ErrorKind::kBound: return "allowed-set bound";
    case ErrorKind::kNotModelled: return "not modelled";
    case ErrorKind::kNotImplemented: return "not implemented by the DUT";
    case ErrorKind::kDeviceFailure: return "device failure";
  }
  return "error";
}

void Unreachable(const char* why, const char* file, int line) {
  std::fprintf(stderr, "smmuref: internal error at %s:%d: %s\n", file, line, why);
  std::abort();
}

}  // namespace smmuref::spec
