// Internal to the `api.*` vector executor (api_vectors.cc, api_vectors_ops.cc): the executor
// class and the line splitting shared by its operation tables. Not a public header.
#pragma once

#include <cstdio>
#include "smmuref/spec/format.h"
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "smmuref/conform/api_device.h"
#include "smmuref/conform/api_vectors.h"
#include "smmuref/model/api/system.h"

namespace smmuref::conform::apivec {

using spec::Error;
using spec::Hex;
using spec::Result;
namespace api = model::api;

inline constexpr uint32_t kUnknownId = 0xFFFFFFF0u;  // what a `!name` handle stands for


// What an operation produced: its result token and named outputs.
struct Observed {
  std::string result;
  std::map<std::string, std::string> kv;
};

inline Observed Of(api::Errno e) { return Observed{api::ErrnoName(e), {}}; }

// A line split into operation arguments, `key=value` options and the expectation after `->`.
struct Parsed {
  std::vector<std::string> pos;
  std::map<std::string, std::string> opt;
  bool has_expect = false;
  std::string expect_result;
  std::vector<std::pair<std::string, std::string>> expect_kv;
};

// api_vectors_args.cc: the line's grammar, then the options, outputs and result it names.
Result<Parsed> Split(const VectorLine& l);
Result<bool> CheckKeys(const VectorLine& l, const Parsed& p);
Result<uint32_t> ParseProt(const VectorLine& l, const std::string& s);

class ApiExecutor final : public LineExecutor {
 public:
  // Runs on `dev`: the model, or a DUT in lockstep with it (api_device.h).
  explicit ApiExecutor(std::unique_ptr<ApiDevice> dev);
  Result<LineResult> Execute(const VectorLine& l) override;

 private:
  using Op = std::function<Result<Observed>(const VectorLine&, const Parsed&)>;

  // Argument access.
  Result<uint64_t> Num(const VectorLine& l, const std::string& tok);
  Result<std::optional<uint64_t>> OptNum(const VectorLine& l, const Parsed& p, const char* key);
  // A number that the API takes as 32 bits (PASIDs, SIDs, widths): wider values are errors
  // naming `what`, never truncated.
  Result<uint32_t> Num32(const VectorLine& l, const std::string& tok, const std::string& what);
  Result<std::optional<uint32_t>> OptNum32(const VectorLine& l, const Parsed& p, const char* key);
  Result<uint32_t> Id(const VectorLine& l, std::map<std::string, uint32_t>& table,
                      const std::string& name, const char* kind);
  Result<uint32_t> Dev(const VectorLine& l, const std::string& n) {
    return Id(l, devices_, n, "device");
  }
  Result<uint32_t> Dom(const VectorLine& l, const std::string& n) {
    return Id(l, domains_, n, "domain");
  }
  uint32_t Mm(const std::string& n);
  Error Usage(const VectorLine& l, const std::string& form) const {
    return Error{l.Where(), "'" + l.op + "' expects: " + form};
  }
  Result<bool> Need(const VectorLine& l, const Parsed& p, size_t n, const std::string& form) {
    if (p.pos.size() != n) return Usage(l, form);
    return true;
  }
  Result<LineResult> Compare(const VectorLine& l, const Parsed& p, const Observed& o);
  bool Same(const VectorLine& l, const std::string& want, const std::string& got);
  std::string HandleName(uint32_t id) const;

  void AddSetupOps();
  void AddAttachOps();
  void AddSvaOps();
  void AddMapOps();
  void AddPasidOps();
  void AddDmaOps();
  void AddExpectOps();
  void AddStateExpectOps();

  std::unique_ptr<ApiDevice> dev_;
  std::map<std::string, Op> ops_;
  std::map<std::string, uint32_t> instances_, devices_, domains_, sva_, mms_, owners_;
  std::map<std::string, uint64_t> vars_;
};

}  // namespace smmuref::conform::apivec
