# As full, but the table walker does not snoop CPU caches: CPU writes are certainly visible to
# the SMMU only after mem.clean.
inherit full
cohacc = 0
coherent_walk = 0
