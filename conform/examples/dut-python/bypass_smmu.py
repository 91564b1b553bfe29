#!/usr/bin/env python3
"""A device under test in Python over the JSON-lines protocol (spec/dut-protocol.md).

It models an SMMUv3 that is never enabled: the ID registers the harness presents, the global
registers as storage with their acknowledgements, and transactions while SMMU_CR0.SMMUEN is 0,
which bypass or abort as SMMU_GBPA.ABORT says [IHI0070 §6.3.9, §6.3.14]. Everything else --
translation with SMMUEN=1, command processing -- it answers with "not_implemented", which the
harness reports as such rather than as wrong.

Run it:  smmuref conform --dut 'exec:python3 conform/examples/dut-python/bypass_smmu.py'
"""
import json
import sys

PROTOCOL = 1

# Register offsets [IHI0070 §6.2]; Page 1 registers at 0x10000.
IDR = [0x000, 0x004, 0x008, 0x00C, 0x010, 0x014]
AIDR, CR0, CR0ACK, CR1, CR2, GBPA = 0x01C, 0x020, 0x024, 0x028, 0x02C, 0x044
IRQ_CTRL, IRQ_CTRLACK, GERROR, GERRORN = 0x050, 0x054, 0x060, 0x064
STORAGE = {
    # offset: writable bits (the rest read as zero)
    CR1: 0x3F, CR2: 0x7, GBPA: 0x001FFFFF | 0x80000000, IRQ_CTRL: 0x7, GERRORN: 0x1FD,
    0x068: (1 << 64) - 1, 0x070: 0xFFFFFFFF, 0x074: 0xFF,            # GERROR_IRQ_CFG0..2
    0x080: 0x40FFFFFFFFFFFFC0, 0x088: 0x3FFFF,                        # STRTAB_BASE, _CFG
    0x090: 0x40FFFFFFFFFFFFFF, 0x098: 0xFFFFF, 0x09C: 0xFFFFF,        # CMDQ_BASE, PROD, CONS
    0x0A0: 0x40FFFFFFFFFFFFFF, 0x100A8: 0x800FFFFF, 0x100AC: 0x800FFFFF,  # EVENTQ_BASE, PROD, CONS
    0x0B0: (1 << 64) - 1, 0x0B8: 0xFFFFFFFF, 0x0BC: 0xFF,            # EVENTQ_IRQ_CFG0..2
}
CR0_BITS = 0x5F  # SMMUEN PRIQEN EVENTQEN CMDQEN ATSCHK VMW


class BypassSmmu:
    def __init__(self, profile):
        self.idr = [int(v, 16) for v in profile["idr"]]
        self.aidr = int(profile["aidr"], 16)
        self.regs = {off: 0 for off in STORAGE}
        self.regs[CR0] = 0
        values = profile["values"]
        self.oas = values["oas"]
        # GBPA.ABORT resets to 0 or 1 (IMPLEMENTATION DEFINED, C-REG-002): the profile's pin, else 0.
        self.regs[GBPA] = (1 << 20) if values.get("gbpa_abort_reset") == 1 else 0

    def reg_read(self, offset, size):
        if offset in IDR:
            return self.idr[IDR.index(offset)]
        if offset == AIDR:
            return self.aidr
        if offset in (CR0, CR0ACK):
            return self.regs[CR0]
        if offset == IRQ_CTRLACK:
            return self.regs[IRQ_CTRL]
        if offset == GERROR:
            return 0
        if size == 32 and offset - 4 in STORAGE and STORAGE[offset - 4] > 0xFFFFFFFF:
            return self.regs[offset - 4] >> 32
        if offset not in STORAGE:
            raise NotImplementedError("no register at offset %#x" % offset)
        value = self.regs[offset]
        return value & 0xFFFFFFFF if size == 32 else value

    def reg_write(self, offset, size, value):
        if offset == CR0:
            self.regs[CR0] = value & CR0_BITS
            return
        if offset == GBPA:
            self.regs[GBPA] = value & 0x001FFFFF & ~(1 << 31)  # the update completes at once
            return
        high = size == 32 and offset - 4 in STORAGE and STORAGE[offset - 4] > 0xFFFFFFFF
        if high:
            base = offset - 4
            low = self.regs[base] & 0xFFFFFFFF
            self.regs[base] = ((value << 32) | low) & STORAGE[base]
            return
        # The base registers of an enabled table or queue ignore writes [IHI0070 §6.3].
        guards = {0x080: 1, 0x084: 1, 0x088: 1, 0x090: 8, 0x094: 8, 0x0A0: 4, 0x0A4: 4}
        if offset in guards and self.regs[CR0] & guards[offset]:
            return
        if offset not in STORAGE:
            if offset in IDR or offset in (AIDR, CR0ACK, IRQ_CTRLACK, GERROR):
                return  # read-only: writes are ignored
            raise NotImplementedError("no register at offset %#x" % offset)
        if size == 32 and STORAGE[offset] > 0xFFFFFFFF:
            value = (self.regs[offset] & ~0xFFFFFFFF) | (value & 0xFFFFFFFF)
        self.regs[offset] = value & STORAGE[offset]

    def translate(self, txn):
        if self.regs[CR0] & 1:
            raise NotImplementedError("translation with SMMU_CR0.SMMUEN=1")
        if self.regs[GBPA] & (1 << 20) or int(txn["addr"], 16) >> self.oas:
            # GBPA.ABORT, or an address the bypass cannot output (beyond the OAS): an abort.
            return {"kind": "abort", "event": None}
        return {"kind": "ok", "pa": txn["addr"], "event": None}

    def process(self):
        if self.regs[CR0] & 0x8:
            raise NotImplementedError("command processing")


def main():
    smmu = None
    for line in sys.stdin:
        msg = json.loads(line)
        op, rid = msg.get("op"), msg.get("id")
        answer = {"id": rid, "ok": True}
        try:
            if op == "hello":
                answer.update(protocol=PROTOCOL, name="bypass-smmu (conform/examples/dut-python)",
                              version="1", features=["reg_read", "reg_write", "translate"])
            elif op == "reset":
                smmu = BypassSmmu(msg["profile"])
            elif op == "reg_read":
                answer["value"] = hex(smmu.reg_read(int(msg["offset"], 16), msg["size"]))
            elif op == "reg_write":
                smmu.reg_write(int(msg["offset"], 16), msg["size"], int(msg["value"], 16))
            elif op == "translate":
                answer["outcome"] = smmu.translate(msg["txn"])
            elif op == "process":
                smmu.process()
            elif op == "bye":
                print(json.dumps(answer), flush=True)
                return
            else:
                raise NotImplementedError("request " + str(op))
        except NotImplementedError as e:
            answer = {"id": rid, "error": "not_implemented", "message": str(e)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
