#include "smmuref/spec/format.h"

#include <cstdio>

namespace smmuref::spec {

std::string Hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

std::string Bin(uint64_t v, unsigned width) {
  std::string s = "0b";
  for (unsigned i = width; i-- > 0;) s += ((v >> i) & 1) ? '1' : '0';
  return s;
}

}  // namespace smmuref::spec
