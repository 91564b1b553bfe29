// Build-fact probe (never part of the build): a source linked like the driver includes the spec
// field tables. It must fail to compile: the driver keeps its own layout (layout.h), so that a
// transcription mistake shows up against the model instead of hiding. ctest: build-facts/*.
#include "smmuref/spec/tables.h"

int ProbeUsesTables() { return static_cast<int>(smmuref::spec::cd::ASID.lsb); }
