// The linearizability check of concurrent IOMMU API histories (linearize.h).
#include "smmuref/conform/linearize.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "smmuref/spec/format.h"

namespace smmuref::conform::linearize {
namespace {

}  // namespace

const char* CallKindName(CallKind k) {
  switch (k) {
    case CallKind::kAllocPasid:
      return "alloc_pasid";
    case CallKind::kFreePasid:
      return "free_pasid";
    case CallKind::kAttachPasid:
      return "attach_pasid";
    case CallKind::kDetachPasid:
      return "detach_pasid";
    case CallKind::kDomainForPasid:
      return "domain_for_pasid";
    case CallKind::kSvaInit:
      return "sva_init";
    case CallKind::kSvaShutdown:
      return "sva_shutdown";
    case CallKind::kSvaBind:
      return "sva_bind";
    case CallKind::kSvaUnbind:
      return "sva_unbind";
    case CallKind::kMmExit:
      return "mm_exit";
    case CallKind::kMmPasid:
      return "mm_pasid";
    case CallKind::kMap:
      return "map";
    case CallKind::kUnmap:
      return "unmap";
    case CallKind::kIovaToPhys:
      return "iova_to_phys";
  }
  return "?";
}

namespace {

// Wing and Gong's search with the model as the sequential object. `done` marks the calls placed
// so far, in `order`; `state` is the model after them.
class Search {
 public:
  Search(const std::vector<Event>& h, size_t max_nodes)
      : h_(h), max_nodes_(max_nodes), done_(h.size(), 0) {}

  bool Run(const model::api::System& state) {
    if (order_.size() == h_.size()) return true;
    if (++nodes_ > max_nodes_) {
      out_of_budget_ = true;
      return false;
    }
    // A call may go next only if no pending call returned before it was invoked.
    uint64_t first_return = std::numeric_limits<uint64_t>::max();
    for (size_t i = 0; i < h_.size(); ++i) {
      if (!done_[i]) first_return = std::min(first_return, h_[i].returned);
    }
    std::vector<size_t> next;
    for (size_t i = 0; i < h_.size(); ++i) {
      if (!done_[i] && h_[i].invoked <= first_return) next.push_back(i);
    }
    std::sort(next.begin(), next.end(),
              [&](size_t a, size_t b) { return h_[a].returned < h_[b].returned; });
    std::vector<std::pair<size_t, Outcome>> refused;
    for (size_t i : next) {
      model::api::System after = state;
      const Outcome got = Invoke(after, h_[i].call, &h_[i].outcome);
      if (!(got == h_[i].outcome)) {
        refused.emplace_back(i, got);
        continue;
      }
      done_[i] = 1;
      order_.push_back(i);
      if (Run(after)) return true;
      order_.pop_back();
      done_[i] = 0;
      if (out_of_budget_) return false;
    }
    if (order_.size() >= deepest_.size() && !refused.empty()) {
      deepest_ = order_;
      refused_ = std::move(refused);
    }
    return false;
  }

  const std::vector<size_t>& order() const { return order_; }
  size_t nodes() const { return nodes_; }
  bool out_of_budget() const { return out_of_budget_; }

  std::string Explain() const {
    std::ostringstream os;
    os << "the longest order found places " << deepest_.size() << " of " << h_.size() << " calls:";
    for (size_t i : deepest_) os << " #" << i;
    os << "\nafter it, every call that could go next gets another outcome from the model:\n";
    for (const auto& [i, got] : refused_) {
      os << "  #" << i << " t" << h_[i].thread << " " << h_[i].call.Text() << ": returned "
         << h_[i].outcome.Text() << ", the model gives " << got.Text() << "\n";
    }
    return os.str();
  }

 private:
  const std::vector<Event>& h_;
  size_t max_nodes_;
  size_t nodes_ = 0;
  bool out_of_budget_ = false;
  std::vector<char> done_;
  std::vector<size_t> order_, deepest_;
  std::vector<std::pair<size_t, Outcome>> refused_;
};

}  // namespace

std::string Call::Text() const {
  std::ostringstream os;
  os << CallKindName(kind);
  switch (kind) {
    case CallKind::kAllocPasid:
    case CallKind::kSvaInit:
    case CallKind::kSvaShutdown:
      os << " dev=" << dev;
      break;
    case CallKind::kFreePasid:
      os << " pasid=" << pasid;
      break;
    case CallKind::kAttachPasid:
    case CallKind::kDetachPasid:
      os << " dom=" << dom << " dev=" << dev << " pasid=" << pasid;
      break;
    case CallKind::kDomainForPasid:
      os << " dev=" << dev << " pasid=" << pasid;
      break;
    case CallKind::kSvaBind:
      os << " dev=" << dev << " mm=" << mm;
      break;
    case CallKind::kSvaUnbind:
      os << " handle=" << handle;
      break;
    case CallKind::kMmExit:
    case CallKind::kMmPasid:
      os << " mm=" << mm;
      break;
    case CallKind::kMap:
      os << " dom=" << dom << " iova=" << spec::Hex(iova) << " pa=" << spec::Hex(pa)
         << " size=" << spec::Hex(size) << " prot=" << spec::Hex(prot);
      break;
    case CallKind::kUnmap:
      os << " dom=" << dom << " iova=" << spec::Hex(iova) << " size=" << spec::Hex(size);
      break;
    case CallKind::kIovaToPhys:
      os << " dom=" << dom << " iova=" << spec::Hex(iova);
      break;
  }
  return os.str();
}

std::string Outcome::Text() const {
  std::ostringstream os;
  os << sa::ErrnoName(err);
  if (value != 0 || value2 != 0) os << " " << spec::Hex(value);
  if (value2 != 0) os << " " << spec::Hex(value2);
  return os.str();
}

Verdict Check(const model::api::System& start, const std::vector<Event>& history,
              size_t max_nodes) {
  Search s(history, max_nodes);
  Verdict v;
  const bool found = s.Run(start);
  v.nodes = s.nodes();
  if (found) {
    v.kind = Verdict::Kind::kLinearizable;
    v.order = s.order();
    return v;
  }
  v.kind = s.out_of_budget() ? Verdict::Kind::kUndecided : Verdict::Kind::kNotLinearizable;
  v.explanation = s.Explain();
  if (s.out_of_budget()) {
    v.explanation = "undecided: no order found within " + std::to_string(max_nodes) +
                    " search steps (the history may still be linearizable)\n" + v.explanation;
  }
  return v;
}

std::string ShowHistory(const std::vector<Event>& history) {
  std::vector<size_t> idx(history.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(),
                   [&](size_t a, size_t b) { return history[a].invoked < history[b].invoked; });
  std::ostringstream os;
  for (size_t i : idx) {
    const Event& e = history[i];
    os << "#" << i << " t" << e.thread << " [" << e.invoked << "," << e.returned << "] "
       << e.call.Text() << " -> " << e.outcome.Text() << "\n";
  }
  return os.str();
}

}  // namespace smmuref::conform::linearize
