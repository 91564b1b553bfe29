// `smmuref explain`: decode a structure into its fields by spec name, and name every rule that
// makes it illegal under a profile.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "smmuref/spec/error.h"
#include "smmuref/spec/profile.h"

namespace smmuref::conform {

// `kind` is one of: ste, cd, l1std, l1cd, desc (stage-1 descriptor), desc2 (stage-2), event.
// `dwords` are the structure's doublewords in order (missing ones are zero). Returns the text.
spec::Result<std::string> Explain(const std::string& kind, const std::vector<uint64_t>& dwords,
                                  const spec::Profile& p);

}  // namespace smmuref::conform
