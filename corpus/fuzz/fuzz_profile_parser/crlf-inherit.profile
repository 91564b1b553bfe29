inherit full
ssidsize = 0x14
s2p = 0 # trailing comment
