// A DUT in a shared object implementing spec/include/smmuref/dut.h, loaded with dlopen: the
// loader checks the exported ABI version (v1 or v2) before it calls the entry point, then the
// table's own version and that every function it requires is there; v2's optional `note` gets
// the harness's memory changes. Each call's status maps to the harness's kinds:
// SMMUREF_DUT_NOT_IMPLEMENTED to "not implemented by the DUT", anything else but OK to a device
// failure with the DUT's last_error text. A shared object runs inside the harness: one that
// crashes takes the harness with it (run such a DUT with exec:, spec/dut-protocol.md).
// Tests: tests/conformance/dut_abi_test.cc
#include <dlfcn.h>

#include <map>
#include <mutex>

#include "dut_device.h"

namespace smmuref::conform::dut {

namespace {

using spec::ErrorKind;

class PluginLink final : public DutLink {
 public:
  PluginLink(const smmuref_dut_ops* ops, smmuref_dut* dut) : ops_(ops), dut_(dut) {}
  ~PluginLink() override { ops_->destroy(dut_); }

  spec::Result<uint64_t> RegRead(uint32_t offset, unsigned size) override {
    uint64_t v = 0;
    if (auto e = Status(ops_->reg_read(dut_, offset, size, &v))) return *e;
    return size == 32 ? v & 0xffffffffu : v;
  }
  spec::Result<bool> RegWrite(uint32_t offset, unsigned size, uint64_t value) override {
    if (auto e = Status(ops_->reg_write(dut_, offset, size, value))) return *e;
    return true;
  }
  spec::Result<DutOutcome> Translate(const smmuref_dut_txn& txn) override {
    smmuref_dut_outcome o{};
    if (auto e = Status(ops_->translate(dut_, &txn, &o))) return *e;
    DutOutcome out;
    out.kind = o.kind;
    out.pa = o.pa;
    out.event_reported = o.event_reported != 0;
    if (o.event_reported && o.has_event) {
      out.event = std::array<uint64_t, 4>{o.event[0], o.event[1], o.event[2], o.event[3]};
    }
    return out;
  }
  spec::Result<bool> Process() override {
    if (auto e = Status(ops_->process(dut_))) return *e;
    return true;
  }
  spec::Result<bool> Note(const smmuref_dut_note& note) override {
    // A v1 table ends at last_error: `note` is not there to read.
    if (ops_->abi_version < 2 || !ops_->note) return true;
    if (auto e = Status(ops_->note(dut_, &note))) return *e;
    return true;
  }

 private:
  std::optional<spec::Error> Status(int status) {
    if (status == SMMUREF_DUT_OK) return std::nullopt;
    const char* why = ops_->last_error(dut_);
    const std::string text = why ? why : "(no reason given)";
    if (status == SMMUREF_DUT_NOT_IMPLEMENTED) {
      return spec::Error{"", "not implemented by the DUT: " + text, ErrorKind::kNotImplemented};
    }
    return spec::Error{"", "the DUT failed (status " + std::to_string(status) + "): " + text,
                       ErrorKind::kDeviceFailure};
  }
  const smmuref_dut_ops* ops_;
  smmuref_dut* dut_;
};

spec::Error Broken(const std::string& path, const std::string& what) {
  return spec::Error{"", "DUT plug-in " + path + ": " + what, ErrorKind::kDeviceFailure};
}

}  // namespace

spec::Result<const smmuref_dut_ops*> LoadPlugin(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, const smmuref_dut_ops*> loaded;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = loaded.find(path); it != loaded.end()) return it->second;
  // A relative path is the user's, not the loader's search path.
  const std::string open = path.find('/') == std::string::npos ? "./" + path : path;
  void* h = dlopen(open.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) return Broken(path, std::string("cannot be loaded: ") + dlerror());
  const auto* version = static_cast<const uint32_t*>(dlsym(h, SMMUREF_DUT_VERSION_SYMBOL));
  if (!version) return Broken(path, "exports no " SMMUREF_DUT_VERSION_SYMBOL " (is it a dut.h DUT?)");
  if (*version < SMMUREF_DUT_ABI_VERSION_MIN || *version > SMMUREF_DUT_ABI_VERSION) {
    return Broken(path, "implements DUT ABI version " + std::to_string(*version) +
                            "; this harness implements versions " +
                            std::to_string(SMMUREF_DUT_ABI_VERSION_MIN) + " to " +
                            std::to_string(SMMUREF_DUT_ABI_VERSION));
  }
  auto entry = reinterpret_cast<smmuref_dut_entry_fn>(dlsym(h, SMMUREF_DUT_ENTRY_SYMBOL));
  if (!entry) return Broken(path, "exports no " SMMUREF_DUT_ENTRY_SYMBOL " function");
  const smmuref_dut_ops* ops = entry();
  if (!ops) return Broken(path, SMMUREF_DUT_ENTRY_SYMBOL " returned NULL");
  if (ops->abi_version != *version) {
    return Broken(path, "its function table says ABI version " + std::to_string(ops->abi_version) +
                            ", its " SMMUREF_DUT_VERSION_SYMBOL " " + std::to_string(*version));
  }
  if (!ops->create || !ops->destroy || !ops->reg_read || !ops->reg_write || !ops->translate ||
      !ops->process || !ops->last_error) {
    return Broken(path, "its function table has a NULL function");
  }
  loaded[path] = ops;
  return ops;
}

spec::Result<std::unique_ptr<DutLink>> MakePluginLink(const smmuref_dut_ops* ops,
                                                      const DutProfile& profile,
                                                      HarnessMemory* mem) {
  smmuref_dut_profile p{};
  for (int i = 0; i < 6; ++i) p.idr[i] = profile.idr[i];
  p.aidr = profile.aidr;
  p.coherent_walk = profile.coherent_walk;
  p.name = profile.name.c_str();
  p.text = profile.text.c_str();
  smmuref_dut* dut = ops->create(&p, mem->Callbacks());
  if (!dut) {
    const char* why = ops->last_error(nullptr);
    const std::string text = why ? why : "(no reason given)";
    // A DUT that refuses a profile it does not implement says so; anything else broke.
    const bool refused = text.rfind("not implemented", 0) == 0;
    return spec::Error{"", (refused ? "" : "create failed: ") + text,
                       refused ? ErrorKind::kNotImplemented : ErrorKind::kDeviceFailure};
  }
  return std::unique_ptr<DutLink>(new PluginLink(ops, dut));
}

}  // namespace smmuref::conform::dut
