// Build-fact probe (never part of the build): a source linked like the driver includes a model
// header. It must fail to compile, because impl/driver links only smmuref_spec_vocab, so the
// driver cannot share the model's decision logic or bit positions. ctest: build-facts/*.
#include "smmuref/model/arch/ste.h"

int ProbeUsesModel() { return 0; }
