// The field tables of spec/fields/*.def as constexpr Field constants, one namespace per structure:
//   spec::ste::S2T0SZ, spec::cd::TG1, spec::desc_s1::AF, spec::reg::CR0_SMMUEN ...
// Included by model/, proofs/ and conform/ only (never impl/).
#pragma once

#include <cstdint>

#include "smmuref/spec/fields.h"
#include "smmuref/spec/observation.h"
#include "smmuref/spec/profile.h"

namespace smmuref::spec {

#define FIELD SMMUREF_DECLARE_FIELD
namespace l1std {
#include "spec/fields/l1std.def"
inline constexpr unsigned kDwords = 1;
}  // namespace l1std
namespace ste {
#include "spec/fields/ste.def"
inline constexpr unsigned kDwords = 8;
}  // namespace ste
namespace l1cd {
#include "spec/fields/l1cd.def"
inline constexpr unsigned kDwords = 1;
}  // namespace l1cd
namespace cd {
#include "spec/fields/cd.def"
inline constexpr unsigned kDwords = 8;
}  // namespace cd
namespace desc_s1 {
#include "spec/fields/desc_s1.def"
inline constexpr unsigned kDwords = 1;
}  // namespace desc_s1
namespace desc_s2 {
#include "spec/fields/desc_s2.def"
inline constexpr unsigned kDwords = 1;
}  // namespace desc_s2
namespace event {
#include "spec/fields/event.def"
inline constexpr unsigned kDwords = 4;
}  // namespace event
namespace cmd {
#include "spec/fields/cmd.def"
inline constexpr unsigned kDwords = 2;
}  // namespace cmd
#undef FIELD

// Command opcodes: spec::cmd::op::CMD_SYNC ...
namespace cmd::op {
#define OPCODE(NAME, VALUE) inline constexpr uint8_t NAME = VALUE;
#include "spec/fields/cmd_opcodes.def"
#undef OPCODE
}  // namespace cmd::op
const char* CommandName(uint8_t opcode);  // nullptr for reserved opcodes

// Registers: spec::reg::CR0_SMMUEN etc. (register fields are bit positions in that register).
namespace reg {
#define REG(NAME, OFFSET, BITS)
#define REGFIELD(R, NAME, MSB, LSB) inline constexpr Field R##_##NAME{#NAME, MSB, LSB};
#include "spec/fields/regs.def"
#undef REG
#undef REGFIELD
}  // namespace reg
uint32_t RegOffset(Reg r);
bool RegByOffset(uint32_t offset, Reg* out);
// The bits of register `r` the architecture defines under profile `p`: its fields, without RES0
// bits, fields of features the profile lacks, and IMPLEMENTATION DEFINED or IMPLEMENTATION
// SPECIFIC readbacks (IIDR, IDR4, IDR5.STALL_MAX, GBPA attribute fields without the override
// features). Only these bits are compared (C-REG-009). State-dependent UNKNOWN bits (reset values,
// CMDQ_CONS.ERR while CMDQ_ERR is inactive, ...) are the model's to add.
uint64_t RegDefinedMask(Reg r, const Profile& p);

// Whole tables, for decoders.
const FieldTable& L1StdTable();
const FieldTable& SteTable();
const FieldTable& L1CdTable();
const FieldTable& CdTable();
const FieldTable& DescS1Table();
const FieldTable& DescS2Table();
const FieldTable& EventTable();

// Event record <-> 4 doublewords, by the table [IHI0070 §7.3].
void EncodeEvent(const EventRecord& e, uint64_t out[4]);
EventRecord DecodeEvent(const uint64_t in[4]);

}  // namespace smmuref::spec
