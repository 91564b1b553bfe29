# Stage 2 only, no substreams.
inherit full
s1p = 0
ssidsize = 0
