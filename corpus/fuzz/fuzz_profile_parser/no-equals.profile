s1p 1
