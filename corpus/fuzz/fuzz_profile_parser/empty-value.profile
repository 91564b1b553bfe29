s1p =
