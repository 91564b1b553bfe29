// Fuzzing of profile-file reading (spec/src/profile.cc, spec/profiles/README.md) on arbitrary
// bytes. Claims checked on every input:
//   1. ParseProfile never crashes; bad input is an Error naming file:line ("fuzz.profile:N").
//   2. A text that parses holds no NUL and no control character other than tab, CR and LF.
//   3. A parsed profile round-trips: PrintProfile then ParseProfile gives the same fields (every
//      IDR field and every choice). PrintProfile writes every field as one `key = value` line
//      (tests/spec/profile_test.cc), so two profiles have the same fields exactly when they print
//      the same text: the check is that printing the re-parsed profile gives the printed text.
//      The printed text sets every key, so this also checks that every field is within its
//      declared range and modelled (SetProfileKey refuses anything else).
// `inherit NAME` reads only the built-in profiles, never the file system. Dictionary:
// fuzz/fuzz_profile_parser.dict. Seeds: the shipped profiles and small edge cases in
// corpus/fuzz/fuzz_profile_parser/, replayed by ctest (fuzz/replay/profile_parser).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "smmuref/spec/profile.h"

namespace {

namespace spec = smmuref::spec;

[[noreturn]] void Die(const std::string& why, const std::string& text, const std::string& printed) {
  std::fprintf(stderr, "fuzz_profile_parser: %s\n---- input ----\n%s\n---- printed ----\n%s\n",
               why.c_str(), text.c_str(), printed.c_str());
  std::abort();
}

bool NamesLine(const std::string& where) {
  const std::string prefix = "fuzz.profile:";
  if (where.size() <= prefix.size() || where.compare(0, prefix.size(), prefix) != 0) return false;
  for (size_t i = prefix.size(); i < where.size(); ++i) {
    if (where[i] < '0' || where[i] > '9') return false;
  }
  return where[prefix.size()] != '0';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = spec::ParseProfile(text, "fuzz.profile");
  if (!parsed) {
    if (!NamesLine(parsed.error().where)) {
      Die("error does not name file:line: " + parsed.error().ToString(), text, "");
    }
    return 0;
  }
  for (unsigned char c : text) {
    if (c == 0 || c == 0x7f || (c < 0x20 && c != '\t' && c != '\r' && c != '\n')) {
      Die("a profile holding a NUL or control byte was accepted", text, "");
    }
  }

  const std::string printed = spec::PrintProfile(*parsed);
  auto again = spec::ParseProfile(printed, "printed.profile");
  if (!again) Die("printed profile does not parse: " + again.error().ToString(), text, printed);
  if (spec::PrintProfile(*again) != printed) Die("round trip changed a field", text, printed);
  return 0;
}
