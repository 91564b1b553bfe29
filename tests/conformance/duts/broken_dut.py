#!/usr/bin/env python3
"""A DUT over spec/dut-protocol.md that breaks in the way its argument names, at its first
translate (or, for 'protocol2', at the handshake): crash, hang, garbage, badid, unaligned,
protocol2, notimpl, longline. tests/conformance/dut_process_test.cc runs it."""
import json
import os
import sys
import time

mode = sys.argv[1]
for line in sys.stdin:
    msg = json.loads(line)
    op, rid = msg["op"], msg["id"]
    if op == "hello":
        proto = 2 if mode == "protocol2" else 1
        print(json.dumps({"id": rid, "ok": True, "protocol": proto, "name": "broken-" + mode}),
              flush=True)
    elif op == "translate":
        if mode == "crash":
            os._exit(3)
        if mode == "hang":
            time.sleep(3600)
        if mode == "garbage":
            print("this is not json", flush=True)
        if mode == "badid":
            print(json.dumps({"id": rid + 5, "ok": True, "outcome": {"kind": "abort"}}), flush=True)
        if mode == "unaligned":
            print(json.dumps({"cb": "mem_read", "pa": "0x1004"}), flush=True)
            sys.stdin.readline()
        if mode == "notimpl":
            print(json.dumps({"id": rid, "error": "not_implemented", "message": "everything"}),
                  flush=True)
        if mode == "longline":
            print("[" + " " * (2 << 20) + "]", flush=True)
    elif op == "reg_read":
        print(json.dumps({"id": rid, "ok": True, "value": 0}), flush=True)
    else:
        print(json.dumps({"id": rid, "ok": True}), flush=True)
