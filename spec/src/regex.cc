// The one translation unit that instantiates std::regex (include/smmuref/spec/regex.h).
#include "smmuref/spec/regex.h"

#include <regex>

namespace smmuref::spec {

struct Regex::Impl {
  std::regex re;
};

namespace {

Regex::Groups ToGroups(const std::match_results<std::string_view::const_iterator>& m) {
  Regex::Groups g;
  g.reserve(m.size());
  for (const auto& sub : m) g.push_back(sub.matched ? sub.str() : std::string());
  return g;
}

}  // namespace

Regex::Regex(std::string_view pattern)
    : impl_(std::make_unique<Impl>(Impl{std::regex(pattern.begin(), pattern.end())})) {}
Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

std::optional<Regex::Groups> Regex::Match(std::string_view text) const {
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, impl_->re)) return std::nullopt;
  return ToGroups(m);
}

std::optional<Regex::Groups> Regex::Search(std::string_view text) const {
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(text.begin(), text.end(), m, impl_->re)) return std::nullopt;
  return ToGroups(m);
}

std::vector<Regex::Groups> Regex::SearchAll(std::string_view text) const {
  std::vector<Groups> all;
  using It = std::regex_iterator<std::string_view::const_iterator>;
  for (It it(text.begin(), text.end(), impl_->re), end; it != end; ++it) all.push_back(ToGroups(*it));
  return all;
}

}  // namespace smmuref::spec
