# Stage 1 only, no substreams, 44-bit physical addresses.
inherit full
s2p = 0
ssidsize = 0
oas = 44
