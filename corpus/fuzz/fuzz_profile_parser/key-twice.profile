cmdqs = 0x13
eventqs = 19
cmdqs = 18
