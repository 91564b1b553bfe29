s1p = 1
inherit full
