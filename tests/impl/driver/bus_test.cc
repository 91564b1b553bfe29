// spec::Bus (spec/include/smmuref/spec/bus.h) as every device implements it through
// conform::Device: the model and the engine are driven here only through a spec::Bus reference,
// with the driver's command builders in their command queue, and must consume the commands.
#include "smmuref/spec/bus.h"

#include <gtest/gtest.h>

#include "smmuref/conform/device.h"
#include "smmuref/impl/driver/cmdq.h"
#include "smmuref/spec/tables.h"

namespace smmuref::impl::driver {
namespace {

namespace reg = spec::reg;
using spec::Reg;

constexpr uint64_t kQueue = 0x10'0000;
constexpr unsigned kLog2Entries = 4;

uint64_t Field(spec::Field f, uint64_t v) {
  uint64_t w = 0;
  spec::Set(&w, f, v);
  return w;
}

// Enables a 16-entry command queue at kQueue, writes `cmds` and lets the device consume them.
void RunCommands(spec::Bus& bus, const std::vector<Command>& cmds) {
  bus.RegWrite(Reg::CMDQ_BASE, (kQueue & ~uint64_t{0x1f}) | kLog2Entries);
  bus.RegWrite(Reg::CMDQ_PROD, 0);
  bus.RegWrite(Reg::CMDQ_CONS, 0);
  bus.RegWrite(Reg::CR0, Field(reg::CR0_CMDQEN, 1));
  for (size_t i = 0; i < cmds.size(); ++i) {
    bus.MemWrite64(kQueue + i * 16, cmds[i][0]);
    bus.MemWrite64(kQueue + i * 16 + 8, cmds[i][1]);
  }
  bus.MemClean(kQueue, cmds.size() * 16);
  bus.RegWrite(Reg::CMDQ_PROD, cmds.size());
  bus.ProcessCommands();
}

class BusTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto dev = conform::MakeDevice(GetParam(), *spec::LoadProfile("full"));
    ASSERT_TRUE(dev) << dev.error().ToString();
    device_ = std::move(*dev);
  }
  spec::Bus& bus() { return *device_; }
  std::unique_ptr<conform::Device> device_;
};

TEST_P(BusTest, MemoryStoresReadBack) {
  bus().MemWrite64(0x2000, 0x0123'4567'89ab'cdef);
  bus().MemClean(0x2000, 8);
  EXPECT_EQ(bus().MemRead64(0x2000), 0x0123'4567'89ab'cdefu);
}

TEST_P(BusTest, RegistersAreWrittenByNameInBothWidths) {
  bus().RegWrite(Reg::CR0, Field(reg::CR0_CMDQEN, 1));
  const uint64_t ack = bus().RegRead(Reg::CR0ACK);
  EXPECT_EQ(spec::Get(&ack, reg::CR0_CMDQEN), 1u);
  bus().RegWrite(Reg::CR0, 0);
  bus().RegWrite32(Reg::CMDQ_BASE, false, 0x0010'0004);
  bus().RegWrite32(Reg::CMDQ_BASE, true, 0x1);
  EXPECT_EQ(bus().RegRead(Reg::CMDQ_BASE), 0x1'0010'0004u);
}

TEST_P(BusTest, TheDeviceConsumesTheDriversCommands) {
  RunCommands(bus(), {CmdCfgiAll{}.Words(), CmdTlbiNsnhAll{}.Words(), CmdCfgiSte{.sid = 3}.Words(),
              CmdTlbiNhAsid{.vmid = 1, .asid = 2}.Words(), CmdSync{}.Words()});
  const uint64_t cons = bus().RegRead(Reg::CMDQ_CONS);
  EXPECT_EQ(spec::Get(&cons, reg::CMDQ_CONS_RD), 5u);
  EXPECT_EQ(spec::Get(&cons, reg::CMDQ_CONS_ERR), 0u);
}

TEST_P(BusTest, AnIllegalCommandStopsTheQueue) {
  // Opcode 0 is reserved: CERROR_ILL, CONS stays on it [IHI0070 §4.1.1, §7.1].
  RunCommands(bus(), {CmdSync{}.Words(), Command{0, 0}, CmdSync{}.Words()});
  const uint64_t cons = bus().RegRead(Reg::CMDQ_CONS);
  EXPECT_EQ(spec::Get(&cons, reg::CMDQ_CONS_RD), 1u);
  EXPECT_EQ(spec::Get(&cons, reg::CMDQ_CONS_ERR), 1u);
}

INSTANTIATE_TEST_SUITE_P(Devices, BusTest, ::testing::ValuesIn(conform::DeviceNames()));

}  // namespace
}  // namespace smmuref::impl::driver
