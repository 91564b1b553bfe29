# As full, but SMMUv3.2: HYP (EL2 StreamWorlds), range invalidation with TTL, BBML=1.
inherit full
arch_minor = 2
hyp = 1
ril = 1
bbml = 1
