// Observation types: the only things checks compare between the model, the optimized
// implementation and any device under test. Names only; no bit positions live here (those are in
// spec/fields/*.def for the model, and private to impl/).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smmuref::spec {

// Event numbers [IHI0070 §7.3, table of event types]. Spec spelling on purpose.
enum class EventType : uint8_t {
  F_UUT = 0x01,
  C_BAD_STREAMID = 0x02,
  F_STE_FETCH = 0x03,
  C_BAD_STE = 0x04,
  F_BAD_ATS_TREQ = 0x05,
  F_STREAM_DISABLED = 0x06,
  F_TRANSL_FORBIDDEN = 0x07,
  C_BAD_SUBSTREAMID = 0x08,
  F_CD_FETCH = 0x09,
  C_BAD_CD = 0x0A,
  F_WALK_EABT = 0x0B,
  F_TRANSLATION = 0x10,
  F_ADDR_SIZE = 0x11,
  F_ACCESS = 0x12,
  F_PERMISSION = 0x13,
  F_TLB_CONFLICT = 0x20,
  F_CFG_CONFLICT = 0x21,
  E_PAGE_REQUEST = 0x24,
  F_VMS_FETCH = 0x25,
};
const char* EventTypeName(EventType t);  // "C_BAD_STE"; "EVENT_0xNN" for others
bool ParseEventType(const std::string& name, EventType* out);

// CLASS field of translation-fault records [IHI0070 §7.3.12].
enum class FaultClass : uint8_t { CD = 0, TT = 1, IN = 2 };

// One event record with every field the non-secure records define. Fields an event type does not
// define are zero. [IHI0070 §7.3]
struct EventRecord {
  EventType type = EventType::F_UUT;
  uint32_t sid = 0;
  bool ssv = false;
  uint32_t ssid = 0;
  uint16_t stag = 0;
  bool stall = false;
  bool pnu = false;  // 1 = privileged
  bool ind = false;  // 1 = instruction
  bool rnw = false;  // 1 = read
  bool s2 = false;
  FaultClass cls = FaultClass::CD;
  bool ttrnw = false;
  uint64_t input_addr = 0;
  uint64_t ipa = 0;         // full IPA (bits [55:12] recorded)
  uint64_t fetch_addr = 0;  // PA of a failed fetch (bits [55:3] recorded)
  bool operator==(const EventRecord&) const = default;
};
std::string ToString(const EventRecord& e);

// The named fields of an event record [IHI0070 §7.3], in comparison order: a field that decides
// whether another is defined (SSV, Stall, S2, CLASS) comes before it.
enum class EventField : uint8_t {
  StreamID, SSV, SubstreamID, Stall, STAG, PnU, InD, RnW, S2, CLASS, TTRnW, InputAddr, IPA,
  FetchAddr, kCount
};
const char* EventFieldName(EventField f);  // spec spelling: "InputAddr"
// The spelling in vector files (spec/vector-format.md): sid ssv ssid stall stag pnu ind rnw s2
// class ttrnw addr ipa fetch.
const char* EventFieldVectorName(EventField f);
bool ParseEventFieldVectorName(const std::string& name, EventField* out);
uint64_t EventFieldValue(const EventRecord& r, EventField f);
void SetEventField(EventRecord& r, EventField f, uint64_t v);

// When a record type defines a field: the one table for all users,
// spec/include/smmuref/spec/event_defined.def (names only, no bit positions).
enum class FieldWhen : uint8_t { kAlways, kIfSsv, kIfS2, kIfTt, kIfStall, kImpDef, kShared };
struct DefinedField {
  EventField field;
  FieldWhen when;
};
// The rows for `t`; empty for event types whose layout is not modelled.
std::vector<DefinedField> DefinedFields(EventType t);
bool EventLayoutModelled(EventType t);

// What a field holds in one record: a defined value, a value the architecture leaves UNKNOWN or
// IMPLEMENTATION DEFINED (never compared), or RES0 (outside the record's layout: reads as 0).
enum class FieldStatus : uint8_t { kDefined, kUnknown, kRes0 };
FieldStatus EventFieldStatus(const EventRecord& r, EventField f);
const char* FieldStatusName(FieldStatus s);

// The bits of a defined field that are compared: FetchAddr only below the OAS, whose upper bits
// are UNKNOWN in SMMUv3.1 [§7.3.4, §7.3.10, §7.3.12]; every other field whole.
uint64_t ComparedBits(EventField f, unsigned oas_bits);

// The first field in which a record `got` (written by a device) disagrees with `want` (one the
// model allows): a defined field with another value, or a RES0 field that is not zero. Fields
// that are UNKNOWN or IMPLEMENTATION DEFINED in `want` are never compared.
struct EventFieldMismatch {
  EventType type;
  EventField field;
  FieldStatus status;  // kDefined or kRes0
  uint64_t got = 0;
  uint64_t want = 0;
  // "event F_TRANSLATION field InputAddr: device wrote 0x1, the model allows 0x2"
  std::string ToString(const std::string& device = "device") const;
};
std::optional<EventFieldMismatch> CompareEventRecords(const EventRecord& got,
                                                      const EventRecord& want, unsigned oas_bits);
// Same type and no mismatch (every defined field equal, RES0 fields zero).
bool EventsAgree(const EventRecord& got, const EventRecord& want, unsigned oas_bits);

// A client transaction presented to the SMMU.
struct Txn {
  uint32_t sid = 0;
  bool ssv = false;
  uint32_t ssid = 0;
  uint64_t addr = 0;
  bool write = false;
  bool instr = false;  // instruction fetch (a read)
  bool priv = false;
};
std::string ToString(const Txn& t);

// What became of one transaction. `event` is the record the SMMU attempts to write; whether it
// reaches the queue (queue enabled, not full) is decided when the outcome is committed.
struct TxnOutcome {
  enum class Kind : uint8_t {
    kOk,     // completes at `pa`
    kAbort,  // terminated with an abort to the client
    kRazWi,  // terminated, reads as zero / write ignored (CD.A=0)
    // Any observation: the architecture leaves the outcome open, e.g. after a CONSTRAINED
    // UNPREDICTABLE write made the stream table base UNKNOWN. Only the model allows it; a
    // device's own outcome is never of this kind.
    kUnpredictable,
  };
  Kind kind = Kind::kAbort;
  uint64_t pa = 0;
  std::optional<EventRecord> event;
  // The event was merged into the previous record the SMMU wrote [IHI0070 §7.3.1]: no new
  // record is written. An observation (the queue differs); `event` is the merged occurrence.
  bool merged = false;
  // False when a device cannot say which record it attempted (a plug-in DUT reports what the
  // client saw): then `event` is not an observation and only the record it wrote to the event
  // queue is compared.
  bool event_reported = true;
  // The rule that decided a termination (e.g. "R-STE-005"); not part of the observation.
  std::string rule;
  // Which remembered (cached, not current) values produced this outcome; not an observation.
  std::string provenance;
  // Whether an observed outcome `o` is this allowed one: the same completion or termination,
  // with records that agree in every defined field (EventsAgree(*o.event, *event)).
  bool SameObservation(const TxnOutcome& o, unsigned oas_bits = 56) const;
};
std::string ToString(const TxnOutcome& o);

// Registers by spec name (without SMMU_). Offsets live in spec/fields/regs.def.
enum class Reg : uint8_t {
  IDR0, IDR1, IDR2, IDR3, IDR4, IDR5, IIDR, AIDR,
  CR0, CR0ACK, CR1, CR2, STATUSR, GBPA, IRQ_CTRL, IRQ_CTRLACK,
  GERROR, GERRORN, GERROR_IRQ_CFG0, GERROR_IRQ_CFG1, GERROR_IRQ_CFG2,
  STRTAB_BASE, STRTAB_BASE_CFG, CMDQ_BASE, CMDQ_PROD, CMDQ_CONS,
  EVENTQ_BASE, EVENTQ_PROD, EVENTQ_CONS, EVENTQ_IRQ_CFG0, EVENTQ_IRQ_CFG1, EVENTQ_IRQ_CFG2,
  kCount
};
const char* RegName(Reg r);
bool ParseReg(const std::string& name, Reg* out);
bool RegIs64(Reg r);  // STRTAB_BASE, CMDQ_BASE, EVENTQ_BASE, *_IRQ_CFG0

}  // namespace smmuref::spec
