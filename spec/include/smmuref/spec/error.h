// Errors for bad user input (vector files, profiles, queries). Architectural outcomes are never
// errors: they are values (spec/observation.h). A user error carries where it happened.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace smmuref::spec {

// What kind of trouble an Error reports. Callers decide by the kind, never by the message text.
enum class ErrorKind : uint8_t {
  kBadInput,        // the user's input (a vector file, a profile, an argument) is wrong: exit 2
  kBound,           // the model's allowed set exceeds its bound (R-CACHE-009): neither pass nor fail
  kNotModelled,     // the input needs behaviour the model does not have (spec/not-modelled.md)
  kNotImplemented,  // the device under test says it does not implement what the input needs
  kDeviceFailure,   // the device under test broke: crashed, hung, or broke its protocol or ABI
};
const char* ErrorKindName(ErrorKind k);  // "bad input", "bound", ...

struct Error {
  std::string where;    // "file:line" or a name; may be empty
  std::string message;  // what was wrong and what was expected
  ErrorKind kind = ErrorKind::kBadInput;
  std::string ToString() const { return where.empty() ? message : where + ": " + message; }
};

// Either a value or an Error. Small on purpose: no <expected> on the compilers here.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Programming errors abort loudly with a reason.
[[noreturn]] void Unreachable(const char* why, const char* file, int line);
#define SMMUREF_UNREACHABLE(why) ::smmuref::spec::Unreachable((why), __FILE__, __LINE__)
#define SMMUREF_CHECK(cond, why) \
  do {                           \
    if (!(cond)) SMMUREF_UNREACHABLE(why); \
  } while (0)

}  // namespace smmuref::spec
