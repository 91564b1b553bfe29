// Option validators shared by the commands, and the limits text of `--help` (see cli.h).
#include <cmath>
#include <cstdio>

#include "cli.h"
#include "smmuref/conform/device.h"
#include "smmuref/conform/vector.h"
#include "smmuref/model/arch/cache.h"
#include "smmuref/spec/input.h"
#include "smmuref/spec/profile.h"

namespace smmuref::cli {

CLI::Validator Number(uint64_t min, uint64_t max) {
  const std::string desc = "NUMBER in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  return CLI::Validator(
      [min, max](std::string& s) -> std::string {
        uint64_t v = 0;
        std::string why;
        if (!spec::ParseU64(s, &v, &why)) {
          return "expected a number (0x.. hexadecimal or decimal), got '" + s + "' (" + why + ")";
        }
        if (v < min || v > max) {
          return "expected a number from " + std::to_string(min) + " to " + std::to_string(max) +
                 ", got " + s;
        }
        s = std::to_string(v);
        return "";
      },
      desc, "NUMBER");
}

CLI::Validator Seconds(double max) {
  char desc[64];
  std::snprintf(desc, sizeof desc, "SECONDS in (0, %.0f]", max);
  return CLI::Validator(
      [max](std::string& s) -> std::string {
        const std::string what = "expected seconds as digits with an optional fraction, e.g. 20 "
                                 "or 0.5, greater than 0 and at most " +
                                 std::to_string(static_cast<uint64_t>(max)) + "; got '" + s + "'";
        size_t i = 0, int_digits = 0, frac_digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++int_digits;
        if (i < s.size() && s[i] == '.') {
          for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) ++frac_digits;
          if (frac_digits == 0) return what;
        }
        if (int_digits == 0 || i != s.size() || int_digits > 12) return what;
        const double v = std::strtod(s.c_str(), nullptr);
        if (!std::isfinite(v) || v <= 0 || v > max) return what;
        return "";
      },
      desc, "SECONDS");
}

CLI::Validator DeviceName() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        return conform::DeviceNameProblem(s);
      },
      "NAME", "DEVICE");
}

std::string LimitsText() {
  using namespace conform;
  return "limits (spec/vector-format.md): a vector file is a regular file of at most " +
         std::to_string(kMaxVectorFileBytes) + " bytes and " + std::to_string(kMaxVectorLines) +
         " lines;\n  a line at most " + std::to_string(kMaxVectorLineBytes) +
         " bytes, a token at most " + std::to_string(kMaxVectorTokenBytes) +
         " bytes, a number at most 64 bits;\n  a profile file at most " +
         std::to_string(spec::kMaxProfileFileBytes) + " bytes; a transaction's allowed set at most " +
         std::to_string(model::arch::AllowedSetFetcher::kMaxRuns) + " walks (R-CACHE-009)\n";
}

}  // namespace smmuref::cli
