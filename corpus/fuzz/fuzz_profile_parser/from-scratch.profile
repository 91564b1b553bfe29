arch_minor = 2
hyp = 1
ril = 1
bbml = 1
ttf = 2
oas = 32
coherent_walk = 0
st_level = 1
