// Results of IOMMU API operations: Linux-style negative errno values by name, plus two results
// that are not errnos: a contract violation (upstream only WARNs; the model keeps the kernel's
// resulting state and says so) and a rejected implementation choice (a proposed PASID or IOVA
// that the API does not allow). Rules: spec/rules-api.md (R-API-*). Tests: tests/model/api/.
#pragma once

#include <optional>
#include <string>

namespace smmuref::model::api {

enum class Errno : int {
  kOk = 0,
  kEPERM = -1,
  kENOENT = -2,
  kESRCH = -3,
  kEIO = -5,
  kENOMEM = -12,
  kEFAULT = -14,
  kEBUSY = -16,
  kEEXIST = -17,
  kENODEV = -19,
  kEINVAL = -22,
  kENOSPC = -28,
  kEDOM = -33,
  kERANGE = -34,
  kEOVERFLOW = -75,
  kEOPNOTSUPP = -95,
  kContractViolation = -100000,  // upstream WARNs; state is what the kernel leaves
  kBadChoice = -100001,          // an implementation-chosen value the API does not allow
  kNotModelled = -100002,        // the model does not cover this case (a bound, dma-direct)
};

// "0", "-EINVAL", ..., "WARN", "BADCHOICE", "NOTMODELLED".
std::string ErrnoName(Errno e);
std::optional<Errno> ErrnoFromName(const std::string& name);

// A result with a value; `value` is meaningful only when err == kOk.
template <typename T>
struct Ret {
  Errno err = Errno::kOk;
  T value{};
  bool ok() const { return err == Errno::kOk; }
};

}  // namespace smmuref::model::api
