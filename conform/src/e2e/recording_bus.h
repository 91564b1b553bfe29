// A spec::Bus in front of a device that writes down, as vector-file lines (spec/vector-format.md),
// everything a driver does through it: memory stores, cleans, register writes and "process".
// Reads are not recorded (a vector replays the driver's effects, not its decisions). On a
// failure the end-to-end check prints the lines, the transaction and what the driver's state
// expected, so the failure replays with `smmuref vectors run FILE` on the model alone.
#pragma once

#include <cstdio>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "smmuref/conform/device.h"
#include "smmuref/impl/driver/mutant.h"
#include "smmuref/spec/bus.h"

namespace smmuref::conform::e2e {
SMMUREF_DRIVER_BUILD_BEGIN

class RecordingBus : public spec::Bus {
 public:
  // `profile_line` is the vector's `profile ...` line for the device's profile.
  RecordingBus(conform::Device& dev, std::string profile_line) : dev_(dev) {
    lines_.push_back("smmuref-vectors 1");
    lines_.push_back(std::move(profile_line));
  }
  void MemWrite64(uint64_t pa, uint64_t value) override {
    // Memory never written reads as zero (R-MEM-001): a zero stored there (a driver zeroing a
    // fresh table) changes nothing and is left out, which keeps vectors short.
    // So is any store of the value a location already holds.
    auto it = memory_.try_emplace(pa, 0).first;
    if (it->second != value) Add("mem.write64 " + Hex(pa) + " " + Hex(value));
    it->second = value;
    dev_.MemWrite64(pa, value);
  }
  uint64_t MemRead64(uint64_t pa) override { return dev_.MemRead64(pa); }
  void MemClean(uint64_t pa, uint64_t len) override {
    Add("mem.clean " + Hex(pa) + " " + Hex(len));
    dev_.MemClean(pa, len);
  }
  uint64_t RegRead(spec::Reg r) override { return dev_.RegRead(r); }
  void RegWrite(spec::Reg r, uint64_t value) override {
    Add(std::string(spec::RegIs64(r) ? "reg.write64 " : "reg.write32 ") + spec::RegName(r) + " " +
        Hex(value));
    dev_.RegWrite(r, value);
  }
  void RegWrite32(spec::Reg r, bool high, uint32_t value) override {
    Add(std::string("reg.write32 ") + spec::RegName(r) + (high ? "+4 " : " ") + Hex(value));
    dev_.RegWrite32(r, high, value);
  }
  void ProcessCommands() override {
    Add("process");
    dev_.ProcessCommands();
  }
  // A line the harness adds (a transaction it presented, a comment naming the operation).
  void Add(std::string line) { lines_.push_back(std::move(line)); }
  std::string Text() const {
    std::ostringstream out;
    for (const auto& l : lines_) out << l << "\n";
    return out.str();
  }

  static std::string Hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
  }

 private:
  conform::Device& dev_;
  std::vector<std::string> lines_;
  std::unordered_map<uint64_t, uint64_t> memory_;  // what the driver stored, by address
};

SMMUREF_DRIVER_BUILD_END
}  // namespace smmuref::conform::e2e
