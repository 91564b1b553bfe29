// Tape compilation and evaluation of Z3 terms (proofs/lib/eval.h).
// Tests: tests/proofs/lib_test.cc
#include "eval.h"

#include "smmuref/spec/error.h"

namespace smmuref::proofs {

namespace {

enum Op : int {
  kInput = 1000, kConst, kTrue, kFalse,
};

uint64_t Mask(unsigned width) { return width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1; }

}  // namespace

Evaluator::Evaluator(const std::vector<z3::expr>& inputs, const std::vector<z3::expr>& outputs)
    : inputs_(inputs), outputs_(outputs) {
  for (const z3::expr& in : inputs_) {
    Node n{kInput, in.is_bool() ? 0u : in.get_sort().bv_size(), 0, 0, {}};
    nodes_.push_back(n);
    input_nodes_.push_back(static_cast<int>(nodes_.size()) - 1);
    memo_[in.id()] = input_nodes_.back();
  }
  for (const z3::expr& out : outputs_) output_nodes_.push_back(Compile(out));
  values_.assign(nodes_.size(), 0);
  results_.assign(output_nodes_.size(), 0);
}

int Evaluator::Compile(const z3::expr& e) {
  const unsigned id = e.id();
  if (auto it = memo_.find(id); it != memo_.end()) return it->second;
  Node n{0, e.is_bool() ? 0u : e.get_sort().bv_size(), 0, 0, {}};
  SMMUREF_CHECK(e.is_app(), "eval: quantifiers are not evaluated");
  SMMUREF_CHECK(n.width <= 64, "eval: bit-vectors wider than 64 bits are not evaluated");
  const Z3_decl_kind k = e.decl().decl_kind();
  if (k == Z3_OP_BNUM) {
    n.op = kConst;
    e.is_numeral_u64(n.value);
  } else if (k == Z3_OP_TRUE || k == Z3_OP_FALSE) {
    n.op = k == Z3_OP_TRUE ? kTrue : kFalse;
  } else if (k == Z3_OP_UNINTERPRETED && e.num_args() == 0) {
    SMMUREF_UNREACHABLE(("eval: free constant " + e.decl().name().str() + " is not an input").c_str());
  } else {
    n.op = k;
    if (k == Z3_OP_EXTRACT) {
      n.hi = static_cast<unsigned>(Z3_get_decl_int_parameter(Z3(), e.decl(), 0));
      n.value = static_cast<unsigned>(Z3_get_decl_int_parameter(Z3(), e.decl(), 1));
    }
    for (unsigned i = 0; i < e.num_args(); ++i) n.args.push_back(Compile(e.arg(i)));
  }
  nodes_.push_back(std::move(n));
  const int index = static_cast<int>(nodes_.size()) - 1;
  memo_[id] = index;
  return index;
}

const std::vector<uint64_t>& Evaluator::Run(const std::vector<uint64_t>& in) {
  SMMUREF_CHECK(in.size() == input_nodes_.size(), "eval: wrong number of inputs");
  for (size_t i = 0; i < in.size(); ++i) {
    const Node& n = nodes_[input_nodes_[i]];
    values_[input_nodes_[i]] = n.width == 0 ? (in[i] != 0) : in[i] & Mask(n.width);
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    auto a = [&](int j) { return values_[n.args[j]]; };
    const uint64_t m = Mask(n.width);
    uint64_t v = 0;
    switch (n.op) {
      case kInput: continue;
      case kConst: v = n.value; break;
      case kTrue: v = 1; break;
      case kFalse: v = 0; break;
      case Z3_OP_EQ: v = a(0) == a(1); break;
      case Z3_OP_DISTINCT: {
        v = 1;
        for (size_t x = 0; x < n.args.size(); ++x)
          for (size_t y = x + 1; y < n.args.size(); ++y) v &= a(x) != a(y);
        break;
      }
      case Z3_OP_ITE: v = a(0) ? a(1) : a(2); break;
      case Z3_OP_AND: v = 1; for (size_t x = 0; x < n.args.size(); ++x) v &= a(x); break;
      case Z3_OP_OR: v = 0; for (size_t x = 0; x < n.args.size(); ++x) v |= a(x); break;
      case Z3_OP_NOT: v = !a(0); break;
      case Z3_OP_IMPLIES: v = !a(0) || a(1); break;
      case Z3_OP_XOR: v = a(0) ^ a(1); break;
      case Z3_OP_BADD: v = 0; for (size_t x = 0; x < n.args.size(); ++x) v += a(x); break;
      case Z3_OP_BSUB: v = a(0) - a(1); break;
      case Z3_OP_BMUL: v = 1; for (size_t x = 0; x < n.args.size(); ++x) v *= a(x); break;
      case Z3_OP_BNEG: v = 0 - a(0); break;
      case Z3_OP_BUDIV: case Z3_OP_BUDIV_I: v = a(1) == 0 ? m : a(0) / a(1); break;
      case Z3_OP_BUREM: case Z3_OP_BUREM_I: v = a(1) == 0 ? a(0) : a(0) % a(1); break;
      case Z3_OP_BAND: v = ~uint64_t{0}; for (size_t x = 0; x < n.args.size(); ++x) v &= a(x); break;
      case Z3_OP_BOR: v = 0; for (size_t x = 0; x < n.args.size(); ++x) v |= a(x); break;
      case Z3_OP_BXOR: v = 0; for (size_t x = 0; x < n.args.size(); ++x) v ^= a(x); break;
      case Z3_OP_BNOT: v = ~a(0); break;
      case Z3_OP_BSHL: v = a(1) >= n.width ? 0 : a(0) << a(1); break;
      case Z3_OP_BLSHR: v = a(1) >= n.width ? 0 : a(0) >> a(1); break;
      case Z3_OP_ULEQ: v = a(0) <= a(1); break;
      case Z3_OP_UGEQ: v = a(0) >= a(1); break;
      case Z3_OP_ULT: v = a(0) < a(1); break;
      case Z3_OP_UGT: v = a(0) > a(1); break;
      case Z3_OP_EXTRACT: v = (a(0) >> n.value) & Mask(n.hi - static_cast<unsigned>(n.value) + 1); break;
      case Z3_OP_ZERO_EXT: v = a(0); break;
      case Z3_OP_CONCAT: {
        v = 0;
        for (size_t x = 0; x < n.args.size(); ++x) {
          const unsigned w = nodes_[n.args[x]].width;
          v = (w >= 64 ? 0 : v << w) | a(x);
        }
        break;
      }
      default:
        SMMUREF_UNREACHABLE("eval: an operation the tape does not implement");
    }
    values_[i] = n.width == 0 ? v : v & m;
  }
  for (size_t i = 0; i < output_nodes_.size(); ++i) results_[i] = values_[output_nodes_[i]];
  return results_;
}

std::vector<uint64_t> Evaluator::RunWithZ3(const std::vector<uint64_t>& in) const {
  z3::context& c = Z3();
  z3::model m(c);
  for (size_t i = 0; i < inputs_.size(); ++i) {
    z3::func_decl d = inputs_[i].decl();
    z3::expr v = inputs_[i].is_bool() ? c.bool_val(in[i] != 0)
                                      : c.bv_val(in[i], inputs_[i].get_sort().bv_size());
    m.add_const_interp(d, v);
  }
  std::vector<uint64_t> out;
  for (const z3::expr& o : outputs_) {
    const z3::expr v = m.eval(o, true);
    uint64_t x = 0;
    if (o.is_bool()) {
      x = v.is_true() ? 1 : 0;
    } else {
      v.is_numeral_u64(x);
    }
    out.push_back(x);
  }
  return out;
}

}  // namespace smmuref::proofs
