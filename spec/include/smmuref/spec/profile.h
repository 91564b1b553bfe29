// IDR profiles: which SMMUv3 features exist, their sizes, and every IMPLEMENTATION DEFINED or
// CONSTRAINED UNPREDICTABLE choice the model makes, as named data. Profiles are text files in
// spec/profiles/ (compiled into the binary) or any file path; see spec/profiles/README.md.
// Field names follow the SMMU_IDRn field names in lower case [IHI0070 §6.3.1-§6.3.6].
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "smmuref/spec/error.h"

namespace smmuref::spec {

// The largest profile file read (spec/vector-format.md, "Limits").
inline constexpr uint64_t kMaxProfileFileBytes = 65536;

// Choices the architecture leaves to each implementation, fixed once per device (spec/choices.md
// entries handled as "profile field"). A profile gives one alternative by index, or kAny: then
// the oracle accepts every alternative. The named profiles use kAny unless the architecture
// fixes the choice; a device's own profile may pin it (e.g. `profile full gbpa_abort_reset=1`).
enum class Choice : uint8_t {
  kGbpaAbortReset,  // C-REG-002: GBPA.ABORT after reset: 0 or 1
  kCmdRes0Ill,      // C-CMDQ-001: non-zero reserved command field: 0 ignored, 1 CERROR_ILL
  kStructRes0,      // C-STE-001 (C-STRTAB-002, C-CD-001, C-CD-003): non-zero reserved structure
                    // field: 0 ignored, 1 the structure is invalid
  kCount
};
inline constexpr int kAny = -1;
struct ChoiceKey {
  Choice choice;
  const char* key;                  // profile key
  const char* id;                   // spec/choices.md entry
  std::vector<const char*> values;  // the alternatives by index; "any" is accepted as well
  const char* meaning;
};
const std::vector<ChoiceKey>& ChoiceKeys();
const ChoiceKey& ChoiceKeyOf(Choice c);

struct Profile {
  std::string name;
  // SMMU_AIDR
  unsigned arch_minor = 1;  // ArchMinorRev: 1 = SMMUv3.1, 2 = SMMUv3.2
  // SMMU_IDR0
  bool s1p = false, s2p = false;
  unsigned ttf = 2;  // 0b10: VMSAv8-64 only (the only value in scope)
  bool cohacc = false, btm = false;
  unsigned httu = 0;
  bool hyp = false, ats = false, pri = false;
  bool asid16 = false, vmid16 = false, cd2l = false, msi = false, sev = false;
  unsigned ttendian = 2;     // 0b10 little-endian only
  unsigned stall_model = 1;  // 0b01 no stall
  bool term_model = false;
  unsigned st_level = 0;  // 0b01: 2-level stream table supported
  // SMMU_IDR1
  unsigned sidsize = 0, ssidsize = 0, cmdqs = 0, eventqs = 0, priqs = 0;
  bool attr_perms_ovr = false;  // STE.PRIVCFG/INSTCFG/NSCFG exist (else RES0)
  bool attr_types_ovr = false;  // STE.MTCFG/MemAttr/ALLOCCFG/SHCFG exist (else RES0)
  // SMMU_IDR3
  bool had = false, xnx = false, ril = false, stt = false;
  unsigned bbml = 0;
  // SMMU_IDR5 (oas in bits: 32 36 40 42 44 48 52)
  unsigned oas = 48;
  bool gran4k = false, gran16k = false, gran64k = false, ds = false;
  unsigned vax = 0;
  // The implementation's choices (Choice), kAny unless pinned.
  int choices[static_cast<size_t>(Choice::kCount)] = {kAny, kAny, kAny};
  // System property, not an IDR field: 1 if the table walker snoops CPU caches (mem.clean is
  // needed only when 0).
  bool coherent_walk = true;

  // IAS = MAX(TTF[0] ? 40 : 0, TTF[1] ? OAS : 0) [IHI0070 §3.4]
  unsigned ias() const;

  int choice(Choice c) const { return choices[static_cast<size_t>(c)]; }
  // Whether the device may take alternative `alt` of `c`.
  bool Allows(Choice c, int alt) const { return choice(c) == kAny || choice(c) == alt; }
  // The alternative an implementation that must pick one takes: the pinned one, else `dflt`.
  int Pick(Choice c, int dflt) const { return choice(c) == kAny ? dflt : choice(c); }
};

// Every key a profile file or a vector's `profile` line may set, in a fixed order.
const std::vector<std::string>& ProfileKeys();
Result<bool> SetProfileKey(Profile& p, const std::string& key, const std::string& value);
std::map<std::string, uint64_t> ProfileValues(const Profile& p);
// The choice fields by key, as written in profiles ("0", "1", "ignore", ..., or "any").
std::map<std::string, std::string> ProfileChoiceValues(const Profile& p);
// Sets a choice field; false if `key` is not one. An unknown value is an error naming the field
// and its values.
Result<bool> SetChoiceKey(Profile& p, const std::string& key, const std::string& value,
                          bool* handled);

// The profile as profile-file text: `key = value` lines for the keys of ProfileValues (in its
// order), then the choice fields (in ChoiceKeys order). ParseProfile reads it back to the same
// fields (checked by fuzz/fuzz_profile_parser.cc); the name is not part of it.
std::string PrintProfile(const Profile& p);

// The names of the profiles compiled in from spec/profiles/.
std::vector<std::string> BuiltinProfileNames();

// Loads a profile by built-in name or by file path (anything containing '/' or ending in
// ".profile"), then applies `overrides` ("key=value" strings) in order.
Result<Profile> LoadProfile(const std::string& name_or_path,
                            const std::vector<std::string>& overrides = {});

// Parses profile text (used for files and the built-in table). `where` names it in errors.
Result<Profile> ParseProfile(const std::string& text, const std::string& where);

}  // namespace smmuref::spec
