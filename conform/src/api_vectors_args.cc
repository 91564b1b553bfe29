// The argument grammar of `api.*` vector lines (spec/vector-format.md, "IOMMU API operations"):
// splitting a line into operands, `key=value` options and the expectation after `->`; which
// options each operation takes and which outputs it reports; the form of result tokens. Every
// mistake is an error naming file:line, never a silently ignored or truncated token.
// Tests: tests/badinput/cases/api.cases, tests/badinput/cases/api_ops.cases,
// tests/model/api/vectors_test.cc.
#include <set>

#include "api_executor.h"

namespace smmuref::conform::apivec {

namespace {

struct OpKeys {
  const char* op;
  std::set<std::string> options;  // before `->`
  std::set<std::string> outputs;  // after `-> RESULT`
  bool number_result = false;     // the result is a number (or $var), not an errno name
};

// Operations not listed take no options and report only their result.
const OpKeys kOpKeys[] = {
    {"api.instance", {"pgsize", "ias", "oas", "pasid_bits", "min_pasid", "features", "coherent_walk"}, {}},
    {"api.device",
     {"sids", "alias", "default", "pasid_bits", "dma_mask", "coherent_dma_mask", "coherent",
      "require_direct"},
     {}},
    {"api.domain.alloc", {"dev"}, {}},
    {"api.unmap", {}, {"why"}, true},
    {"api.iova_to_phys", {}, {}, true},
    {"api.pgsize", {}, {"count"}, true},
    {"api.pasid.alloc", {"pasid"}, {"pasid"}},
    {"api.sva.init", {"features", "min", "max"}, {}},
    {"api.sva.bind", {"pasid"}, {"pasid", "handle"}},
    {"api.sva.pasid", {}, {"pasid"}},
    {"api.aux.attach", {"pasid"}, {"pasid"}},
    {"api.aux.pasid", {}, {"pasid"}},
    {"api.dma.mask", {"coherent"}, {}},
    {"api.dma.map", {"iova"}, {"iova"}},
    {"api.dma.alloc", {"iova"}, {"iova"}},
    {"api.dma.sync", {}, {"op"}},
    {"api.expect.leaf", {"start", "pa", "size", "prot"}, {}},
};

const OpKeys* KeysOf(const std::string& op) {
  for (const OpKeys& k : kOpKeys) {
    if (op == k.op) return &k;
  }
  return nullptr;
}

std::string List(const std::set<std::string>& s) {
  std::string out;
  for (const auto& k : s) out += (out.empty() ? "" : " ") + k;
  return out.empty() ? "none" : out;
}

bool IsVar(const std::string& v) { return v.size() > 1 && v[0] == '$'; }

Result<bool> CheckNumberOrVar(const VectorLine& l, const std::string& what, const std::string& v) {
  if (IsVar(v)) return true;
  auto n = ParseNumber(l, v);
  if (!n) return Error{l.Where(), what + ": " + n.error().message + " or a $variable"};
  return true;
}

Result<bool> CheckResult(const VectorLine& l, const OpKeys* k, const std::string& r) {
  if (api::ErrnoFromName(r)) return true;
  if (k && k->number_result) return CheckNumberOrVar(l, "the result of '" + l.op + "'", r);
  return Error{l.Where(), "unknown result '" + r + "'; expected 0, a negative errno name (-EINVAL, "
                          "-EBUSY, -ENODEV, -EEXIST, -ENOENT, -ENOSPC, -ERANGE, -EOVERFLOW, "
                          "-EOPNOTSUPP, -EPERM, -ESRCH, -EIO, -ENOMEM, -EFAULT, -EDOM), WARN or "
                          "BADCHOICE"};
}

Result<bool> CheckOutput(const VectorLine& l, const std::string& key, const std::string& v) {
  if (key == "why") {
    if (api::ErrnoFromName(v)) return true;
    return Error{l.Where(), "why=" + v + ": expected 0 or an errno name such as -EINVAL"};
  }
  if (key == "op") {
    if (v == "none" || v == "clean" || v == "invalidate") return true;
    return Error{l.Where(), "op=" + v + ": expected none, clean or invalidate"};
  }
  if (key == "handle") return true;  // an SVA handle name
  return CheckNumberOrVar(l, key + "=", v);
}

}  // namespace

Result<Parsed> Split(const VectorLine& l) {
  Parsed p;
  bool after = false;
  for (const std::string& t : l.args) {
    if (t == "->") {
      if (after) return Error{l.Where(), "'->' appears twice; expected one '-> RESULT [key=value ...]'"};
      after = p.has_expect = true;
      continue;
    }
    const size_t eq = t.find('=');
    if (eq == 0 || (eq != std::string::npos && eq + 1 == t.size())) {
      return Error{l.Where(), "'" + t + "': expected key=value with a key and a value"};
    }
    if (after) {
      if (p.expect_result.empty()) {
        if (eq != std::string::npos) return Error{l.Where(), "'->' needs a result (0, -EINVAL, ...) first"};
        p.expect_result = t;
      } else if (eq == std::string::npos) {
        return Error{l.Where(), "'" + t + "' after the result: expected key=value"};
      } else {
        p.expect_kv.emplace_back(t.substr(0, eq), t.substr(eq + 1));
      }
    } else if (eq != std::string::npos) {
      if (!p.opt.emplace(t.substr(0, eq), t.substr(eq + 1)).second) {
        return Error{l.Where(), "option '" + t.substr(0, eq) + "' is given twice"};
      }
    } else {
      if (!p.opt.empty()) {
        return Error{l.Where(), "operand '" + t + "' after key=value options; expected operands first"};
      }
      p.pos.push_back(t);
    }
  }
  if (p.has_expect && p.expect_result.empty()) {
    return Error{l.Where(), "'->' needs a result (0, -EINVAL, ...)"};
  }
  return p;
}

Result<bool> CheckKeys(const VectorLine& l, const Parsed& p) {
  const OpKeys* k = KeysOf(l.op);
  if (l.op != "api.knob") {
    for (const auto& [key, value] : p.opt) {
      if (!k || !k->options.count(key)) {
        return Error{l.Where(), "'" + l.op + "' takes no option '" + key + "' (options: " +
                                    List(k ? k->options : std::set<std::string>{}) + ")"};
      }
    }
  }
  if (!p.has_expect) return true;
  if (auto r = CheckResult(l, k, p.expect_result); !r) return r;
  std::set<std::string> seen;
  for (const auto& [key, value] : p.expect_kv) {
    if (!k || !k->outputs.count(key)) {
      return Error{l.Where(), "'" + l.op + "' reports no '" + key + "' (outputs: " +
                                  List(k ? k->outputs : std::set<std::string>{}) + ")"};
    }
    if (!seen.insert(key).second) return Error{l.Where(), "output '" + key + "' is given twice"};
    if (auto o = CheckOutput(l, key, value); !o) return o;
  }
  return true;
}

}  // namespace smmuref::conform::apivec
