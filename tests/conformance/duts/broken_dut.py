#!/usr/bin/env python3
"""A DUT over spec/dut-protocol.md that breaks in the way its argument names, at its first
translate (or, for 'protocol2', at the handshake): crash, hang, garbage, badid, unaligned,
protocol2, notimpl, longline. 'notes' asks for the harness's memory notes and, at its first
translate, reads back every noted word and answers not_implemented saying whether all agree;
'nonotes' does not ask and fails if notes come. tests/conformance/dut_process_test.cc runs it."""
import json
import os
import sys
import time

mode = sys.argv[1]
noted, last_seq, notes_came = {}, 0, False
for line in sys.stdin:
    msg = json.loads(line)
    op, rid = msg["op"], msg["id"]
    for note in msg.get("notes", []):
        notes_came = True
        if note["seq"] != last_seq + 1:
            noted["gap"] = "note %d after %d" % (note["seq"], last_seq)
        last_seq = note["seq"]
        if note["kind"] == "write":
            noted[int(note["pa"], 16)] = int(note["value"], 16)
    if op == "hello":
        proto = 2 if mode == "protocol2" else 1
        print(json.dumps({"id": rid, "ok": True, "protocol": proto, "name": "broken-" + mode,
                          "notes": mode == "notes"}), flush=True)
    elif op == "translate" and mode in ("notes", "nonotes"):
        agree = "gap" not in noted and not (mode == "nonotes" and notes_came)
        for pa, value in noted.items():
            if pa == "gap":
                continue
            print(json.dumps({"cb": "mem_read", "pa": hex(pa)}), flush=True)
            got = json.loads(sys.stdin.readline())
            agree = agree and int(got["value"], 16) == value
        print(json.dumps({"id": rid, "error": "not_implemented",
                          "message": "%d noted words, %s" % (len(noted), "all agree" if agree
                                                              else "some disagree")}), flush=True)
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
