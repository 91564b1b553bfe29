inherit full
# été
s2p = 0
