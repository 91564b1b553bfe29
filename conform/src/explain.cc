// Structure decoding for `smmuref explain`.
#include "smmuref/conform/explain.h"
#include "smmuref/spec/format.h"

#include <cstdio>

#include "smmuref/model/arch/cd.h"
#include "smmuref/model/arch/ste.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform {

using spec::Hex;

namespace {


std::string Fields(const spec::FieldTable& t, const uint64_t* dw) {
  std::string out;
  for (size_t i = 0; i < t.count; ++i) {
    const spec::Field& f = t.fields[i];
    const uint64_t v = spec::Get(dw, f);
    char line[128];
    std::snprintf(line, sizeof line, "  %-14s [%3u:%3u] = %s\n", f.name, f.msb, f.lsb,
                  Hex(v).c_str());
    out += line;
  }
  return out;
}

std::string Violations(const std::vector<model::arch::Violation>& v, const char* event) {
  if (v.empty()) return "legal\n";
  std::string out = std::string("ILLEGAL (") + event + "):\n";
  for (const auto& x : v) out += "  " + std::string(x.rule) + ": " + x.detail + "\n";
  return out;
}

}  // namespace

spec::Result<std::string> Explain(const std::string& kind, const std::vector<uint64_t>& in,
                                  const spec::Profile& p) {
  const spec::FieldTable* table = nullptr;
  if (kind == "ste") table = &spec::SteTable();
  else if (kind == "cd") table = &spec::CdTable();
  else if (kind == "l1std") table = &spec::L1StdTable();
  else if (kind == "l1cd") table = &spec::L1CdTable();
  else if (kind == "desc") table = &spec::DescS1Table();
  else if (kind == "desc2") table = &spec::DescS2Table();
  else if (kind == "event") table = &spec::EventTable();
  else return spec::Error{"", "unknown structure '" + kind + "' (ste cd l1std l1cd desc desc2 event)"};
  if (in.size() > table->dwords) {
    return spec::Error{"", kind + " has " + std::to_string(table->dwords) + " doubleword(s), got " +
                               std::to_string(in.size())};
  }
  uint64_t dw[8] = {};
  for (size_t i = 0; i < in.size(); ++i) dw[i] = in[i];
  std::string out = std::string(table->structure) + " under profile " + p.name + "\n" +
                    Fields(*table, dw);
  if (kind == "ste") {
    if (!spec::Get(dw, spec::ste::V)) {
      out += "invalid (V=0): a transaction records C_BAD_STE [R-STE-001]\n";
    } else if ((spec::Get(dw, spec::ste::Config) & 4) == 0) {
      out += "Config 0b0xx: transactions abort without an event [R-STE-002]\n";
    } else {
      out += Violations(model::arch::SteIllegalReasons(dw, p), "C_BAD_STE");
    }
  } else if (kind == "cd") {
    model::arch::CdContext ctx;  // reached through a stage-1-only NS-EL1 STE
    out += "(checked as reached through a stage-1-only NS-EL1 STE with S1STALLD=0)\n";
    out += Violations(model::arch::CdIllegalReasons(dw, p, ctx), "C_BAD_CD");
  } else if (kind == "l1std") {
    const uint64_t span = spec::Get(dw, spec::l1std::Span);
    out += span == 0 || span > 11 ? "invalid span: StreamIDs under it are C_BAD_STREAMID [R-STRTAB-008]\n"
                                  : "level-2 array of " + std::to_string(1u << (span - 1)) + " STEs\n";
  } else if (kind == "l1cd") {
    out += spec::Get(dw, spec::l1cd::V) ? "valid\n"
                                        : "invalid (V=0): C_BAD_SUBSTREAMID when reached [R-TXN-013]\n";
  } else if (kind == "event") {
    out += ToString(spec::DecodeEvent(dw)) + "\n";
  } else {
    const bool valid = spec::Get(dw, spec::desc_s1::Valid), type = spec::Get(dw, spec::desc_s1::Type);
    out += !valid ? "invalid descriptor (F_TRANSLATION when walked)\n"
                  : type ? "table descriptor at levels 0-2, page descriptor at level 3\n"
                         : "block descriptor (legal only at the block levels of its granule)\n";
  }
  return out;
}

}  // namespace smmuref::conform
