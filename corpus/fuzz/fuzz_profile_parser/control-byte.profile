inherit full
s1p = 1
