// Build-fact probe (never part of the build): a source linked like the engine includes the
// spec field tables. It must fail to compile, because impl/ links only smmuref_spec_vocab and
// tables.h lives in smmuref_spec_fields (spec/CMakeLists.txt). ctest: build-facts/*.
#include "smmuref/spec/tables.h"

int ProbeUsesTables() { return static_cast<int>(smmuref::spec::ste::S2T0SZ.lsb); }
