// ECMAScript regular expressions for the few places that match text (rules.md heads, QEMU trace
// lines, Z3 error messages, the tests' citation and README checks). std::regex sits behind this
// interface so that <regex>, whose instantiations cost several seconds of compile time per
// translation unit (three times that under ASan+UBSan), is compiled once per build, in
// spec/src/regex.cc.
// Tests: tests/spec/regex_test.cc.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smmuref::spec {

class Regex {
 public:
  // Groups of one match: [0] the whole match, [i] group i ("" when it did not take part).
  using Groups = std::vector<std::string>;

  // The pattern is a program constant: a malformed one throws std::regex_error.
  explicit Regex(std::string_view pattern);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  // The whole of `text` matches.
  std::optional<Groups> Match(std::string_view text) const;
  bool Matches(std::string_view text) const { return Match(text).has_value(); }
  // The first match anywhere in `text`.
  std::optional<Groups> Search(std::string_view text) const;
  bool Finds(std::string_view text) const { return Search(text).has_value(); }
  // Every non-overlapping match, left to right.
  std::vector<Groups> SearchAll(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smmuref::spec
