// Number formatting shared by every report and error message.
#pragma once

#include <cstdint>
#include <string>

namespace smmuref::spec {

std::string Hex(uint64_t v);                  // "0x1f"
std::string Bin(uint64_t v, unsigned width);  // "0b0101"

}  // namespace smmuref::spec
