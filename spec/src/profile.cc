// Profile files: reading (regular files up to kMaxProfileFileBytes, UTF-8 text, numbers in the
// vector-file syntax), the built-in table, validation of what is modelled.
// Tests: tests/spec/profile_test.cc, tests/badinput/badinput_test.cc.
#include "smmuref/spec/profile.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "smmuref/spec/input.h"

namespace smmuref::spec {

const std::map<std::string, std::string>& BuiltinProfileTexts();  // generated

namespace {

struct Key {
  const char* name;
  bool Profile::*flag;      // exactly one of flag / number is set
  unsigned Profile::*number;
  uint64_t max;             // largest value accepted
  const char* modelled;     // if non-null: only value 0 (or the listed one) is modelled
};

constexpr Key kKeys[] = {
    {"arch_minor", nullptr, &Profile::arch_minor, 2, nullptr},
    {"s1p", &Profile::s1p, nullptr, 1, nullptr},
    {"s2p", &Profile::s2p, nullptr, 1, nullptr},
    {"ttf", nullptr, &Profile::ttf, 3, "ttf=2 (VMSAv8-64 only)"},
    {"cohacc", &Profile::cohacc, nullptr, 1, nullptr},
    {"btm", &Profile::btm, nullptr, 1, nullptr},
    {"httu", nullptr, &Profile::httu, 3, "httu=0 (HTTU is not modelled)"},
    {"hyp", &Profile::hyp, nullptr, 1, nullptr},
    {"ats", &Profile::ats, nullptr, 1, "ats=0 (ATS is not modelled)"},
    {"pri", &Profile::pri, nullptr, 1, "pri=0 (PRI is not modelled)"},
    {"asid16", &Profile::asid16, nullptr, 1, nullptr},
    {"vmid16", &Profile::vmid16, nullptr, 1, nullptr},
    {"cd2l", &Profile::cd2l, nullptr, 1, nullptr},
    {"msi", &Profile::msi, nullptr, 1, nullptr},
    {"sev", &Profile::sev, nullptr, 1, nullptr},
    {"ttendian", nullptr, &Profile::ttendian, 3, "ttendian=2 (little-endian tables only)"},
    {"stall_model", nullptr, &Profile::stall_model, 3, "stall_model=1 (stall is not modelled)"},
    {"term_model", &Profile::term_model, nullptr, 1, nullptr},
    {"st_level", nullptr, &Profile::st_level, 1, nullptr},
    {"sidsize", nullptr, &Profile::sidsize, 32, nullptr},
    {"ssidsize", nullptr, &Profile::ssidsize, 20, nullptr},
    {"cmdqs", nullptr, &Profile::cmdqs, 19, nullptr},
    {"eventqs", nullptr, &Profile::eventqs, 19, nullptr},
    {"priqs", nullptr, &Profile::priqs, 19, nullptr},
    {"attr_perms_ovr", &Profile::attr_perms_ovr, nullptr, 1, nullptr},
    {"attr_types_ovr", &Profile::attr_types_ovr, nullptr, 1, nullptr},
    {"had", &Profile::had, nullptr, 1, nullptr},
    {"xnx", &Profile::xnx, nullptr, 1, nullptr},
    {"ril", &Profile::ril, nullptr, 1, nullptr},
    {"stt", &Profile::stt, nullptr, 1, nullptr},
    {"bbml", nullptr, &Profile::bbml, 2, nullptr},
    {"oas", nullptr, &Profile::oas, 56, nullptr},
    {"gran4k", &Profile::gran4k, nullptr, 1, nullptr},
    {"gran16k", &Profile::gran16k, nullptr, 1, nullptr},
    {"gran64k", &Profile::gran64k, nullptr, 1, nullptr},
    {"ds", &Profile::ds, nullptr, 1, "ds=0 (52-bit LPA2 is not modelled)"},
    {"vax", nullptr, &Profile::vax, 2, "vax=0 (52-bit VA is not modelled)"},
    {"coherent_walk", &Profile::coherent_walk, nullptr, 1, nullptr},
};

// kKeys by name, built once: ProfileValues and PrintProfile list the keys in this order, and a
// lookup is a binary search (profile parsing runs per input in fuzz/fuzz_profile_parser.cc).
const std::vector<const Key*>& KeysByName() {
  static const std::vector<const Key*> sorted = [] {
    std::vector<const Key*> v;
    for (const auto& k : kKeys) v.push_back(&k);
    std::sort(v.begin(), v.end(), [](const Key* a, const Key* b) {
      return std::string_view(a->name) < std::string_view(b->name);
    });
    return v;
  }();
  return sorted;
}

const Key* FindKey(std::string_view name) {
  const auto& keys = KeysByName();
  auto it = std::lower_bound(keys.begin(), keys.end(), name,
                             [](const Key* k, std::string_view n) { return k->name < n; });
  return it != keys.end() && (*it)->name == name ? *it : nullptr;
}

uint64_t ValueOf(const Profile& p, const Key& k) {
  return k.flag ? (p.*(k.flag) ? 1 : 0) : p.*(k.number);
}


std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Values the model implements; anything else is refused by name rather than half-modelled.
Result<bool> CheckModelled(const Key& k, uint64_t v) {
  const std::string_view name = k.name;
  bool ok = true;
  if (name == "ttf") ok = v == 2;
  if (name == "httu" || name == "ats" || name == "pri" || name == "ds" || name == "vax") ok = v == 0;
  if (name == "ttendian") ok = v == 2;
  if (name == "stall_model") ok = v == 1;
  if (name == "oas") ok = v == 32 || v == 36 || v == 40 || v == 42 || v == 44 || v == 48;
  if (name == "arch_minor") ok = v == 1 || v == 2;
  if (!ok) {
    std::string what = k.modelled ? k.modelled : "one of the modelled values";
    if (name == "oas") what = "oas in bits: 32, 36, 40, 42, 44 or 48 (52 is not modelled)";
    if (name == "arch_minor") what = "arch_minor=1 or 2 (SMMUv3.1 or v3.2)";
    return Error{"",
                 "not modelled: " + std::string(name) + "=" + std::to_string(v) + "; expected " +
                     what,
                 ErrorKind::kNotModelled};
  }
  return true;
}

}  // namespace

unsigned Profile::ias() const {
  const unsigned a32 = (ttf & 1) ? 40 : 0;
  const unsigned a64 = (ttf & 2) ? oas : 0;
  return a32 > a64 ? a32 : a64;
}

const std::vector<std::string>& ProfileKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> v;
    for (const auto& k : kKeys) v.push_back(k.name);
    for (const auto& k : ChoiceKeys()) v.push_back(k.key);
    return v;
  }();
  return keys;
}

Result<bool> SetProfileKey(Profile& p, const std::string& key, const std::string& value) {
  bool choice = false;  // a choice field (spec/src/choices.cc) takes a named alternative or any
  auto set_choice = SetChoiceKey(p, key, value, &choice);
  if (choice) return set_choice;
  const Key* k = FindKey(key);
  if (!k) return Error{"", "unknown profile key '" + key + "'"};
  uint64_t v = 0;
  std::string why;
  if (!ParseU64(value, &v, &why)) {
    return Error{"", "profile key '" + key + "' needs a number (0x.. or decimal), got '" + value +
                         "' (" + why + ")"};
  }
  if (v > k->max) {
    return Error{"", "profile key '" + key + "' is at most " + std::to_string(k->max) + ", got " +
                         value};
  }
  auto modelled = CheckModelled(*k, v);
  if (!modelled) return modelled.error();
  if (k->flag) p.*(k->flag) = v != 0;
  else p.*(k->number) = static_cast<unsigned>(v);
  return true;
}

std::map<std::string, uint64_t> ProfileValues(const Profile& p) {
  std::map<std::string, uint64_t> m;
  for (const auto& k : kKeys) m[k.name] = ValueOf(p, k);
  return m;
}

std::string PrintProfile(const Profile& p) {
  std::string text;
  text.reserve(1024);
  for (const Key* k : KeysByName()) {
    text.append(k->name).append(" = ").append(std::to_string(ValueOf(p, *k))).append("\n");
  }
  for (const auto& c : ChoiceKeys()) {
    const int v = p.choice(c.choice);
    text.append(c.key).append(" = ");
    text.append(v == kAny ? "any" : c.values[static_cast<size_t>(v)]).append("\n");
  }
  return text;
}

std::vector<std::string> BuiltinProfileNames() {
  std::vector<std::string> names;
  for (const auto& [name, text] : BuiltinProfileTexts()) names.push_back(name);
  return names;
}

namespace {
Result<Profile> ParseProfileDepth(const std::string& text, const std::string& where, int depth);

// The built-in texts never change: each thread parses each once, for LoadProfile and for every
// `inherit` (the campaign loads one profile per program; fuzz/fuzz_profile_parser.cc one
// `inherit` per input). A built-in's parse does not depend on `depth`: the built-ins nest at
// most two deep.
Result<Profile> LoadBuiltin(const std::string& name, int depth) {
  thread_local std::map<std::string, Result<Profile>, std::less<>> parsed;
  if (auto it = parsed.find(name); it != parsed.end()) return it->second;
  const auto& texts = BuiltinProfileTexts();
  auto it = texts.find(name);
  if (it == texts.end()) {
    std::string known;
    for (const auto& [n, t] : texts) known += (known.empty() ? "" : ", ") + n;
    return Error{"", "unknown profile '" + name + "' (built-in: " + known + ")"};
  }
  auto p = ParseProfileDepth(it->second, "spec/profiles/" + name + ".profile", depth + 1);
  if (p) p->name = name;
  return parsed.emplace(name, std::move(p)).first->second;
}

Result<Profile> ParseProfileDepth(const std::string& text, const std::string& where, int depth) {
  if (depth > 8) return Error{where, "profile 'inherit' nests too deeply"};
  std::string why;
  if (const size_t bad = FindBadByte(text, &why); bad != std::string::npos) {
    const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + bad, '\n'));
    return Error{where + ":" + std::to_string(line),
                 why + "; expected UTF-8 text without control characters other than tab"};
  }
  Profile p;
  int n = 0;
  bool seen_setting = false;
  std::vector<std::string_view> keys_set;  // at most one entry per key: a repeat is an error
  const std::string_view all(text);
  for (size_t pos = 0; pos < all.size();) {
    size_t eol = all.find('\n', pos);
    if (eol == std::string_view::npos) eol = all.size();
    const std::string_view raw = all.substr(pos, eol - pos);
    const std::string_view line = Trim(raw.substr(0, raw.find('#')));
    pos = eol + 1;
    ++n;
    auto at = [&] { return where + ":" + std::to_string(n); };
    if (line.empty()) continue;
    if (line.rfind("inherit", 0) == 0 && (line.size() == 7 || line[7] == ' ' || line[7] == '\t')) {
      if (seen_setting) return Error{at(), "'inherit' must come before any setting"};
      auto base = LoadBuiltin(std::string(Trim(line.substr(7))), depth);
      if (!base) return Error{at(), base.error().message};
      p = *base;
      seen_setting = true;
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Error{at(), "expected 'key = value' or 'inherit NAME'"};
    }
    const std::string_view key = Trim(line.substr(0, eq));
    if (std::find(keys_set.begin(), keys_set.end(), key) != keys_set.end()) {
      return Error{at(), "profile key '" + std::string(key) + "' is set twice"};
    }
    keys_set.push_back(key);
    auto set = SetProfileKey(p, std::string(key), std::string(Trim(line.substr(eq + 1))));
    if (!set) return Error{at(), set.error().message, set.error().kind};
    seen_setting = true;
  }
  return p;
}
}  // namespace

Result<Profile> ParseProfile(const std::string& text, const std::string& where) {
  return ParseProfileDepth(text, where, 0);
}

Result<Profile> LoadProfile(const std::string& name_or_path,
                            const std::vector<std::string>& overrides) {
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       (name_or_path.size() > 8 &&
                        name_or_path.substr(name_or_path.size() - 8) == ".profile");
  Result<Profile> p = Error{};
  if (is_path) {
    auto text = ReadTextFile(name_or_path, kMaxProfileFileBytes, "profile file");
    if (!text) return text.error();
    p = ParseProfile(*text, name_or_path);
    if (p) p->name = name_or_path;
  } else {
    p = LoadBuiltin(name_or_path, 0);  // parsed once per thread
  }
  if (!p) return p;
  for (const auto& o : overrides) {
    size_t eq = o.find('=');
    if (eq == std::string::npos) return Error{"", "profile override '" + o + "' is not key=value"};
    auto set = SetProfileKey(*p, o.substr(0, eq), o.substr(eq + 1));
    if (!set) return set.error();
  }
  return p;
}

}  // namespace smmuref::spec
