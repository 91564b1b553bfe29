// Reading user input safely: the one number syntax (vector files, profiles, `api.*` lines, CLI
// arguments) and bounded reading of text files. The limits are documented in
// spec/vector-format.md ("Limits") and in `smmuref --help`.
// Tests: tests/spec/input_test.cc, tests/badinput/badinput_test.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "smmuref/spec/error.h"

namespace smmuref::spec {

// Numbers are `0x` followed by 1 or more hexadecimal digits, or 1 or more decimal digits (a
// leading 0 is still decimal: there is no octal), unsigned, at most 64 bits. No sign, spaces,
// exponent, fraction, suffix or embedded NUL. Returns false and says why in `*why` (e.g.
// "exceeds 64 bits") when `s` is not such a number.
bool ParseU64(std::string_view s, uint64_t* out, std::string* why);

// As ParseU64, and the value must be below 2^bits (bits <= 64); `*why` names the width.
bool ParseUnsignedBits(std::string_view s, unsigned bits, uint64_t* out, std::string* why);

// Reads the whole of a regular file of at most `max_bytes` bytes. Directories, FIFOs, sockets and
// devices (/dev/zero, a terminal) are refused before any read, so nothing blocks or grows without
// bound; a file larger than the limit is refused by its size. `what` names the kind of file in
// errors ("vector file", "profile"). Errors name the path.
Result<std::string> ReadTextFile(const std::string& path, uint64_t max_bytes, const char* what);

// The first byte offset at which `text` is not UTF-8, holds a NUL, or holds an ASCII control
// character other than tab, CR and LF; npos if none. `*why` describes the byte.
size_t FindBadByte(std::string_view text, std::string* why);

}  // namespace smmuref::spec
