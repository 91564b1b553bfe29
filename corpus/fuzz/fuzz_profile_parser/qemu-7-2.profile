# QEMU 7.2's SMMUv3 (-machine virt,iommu=smmuv3) as its ID registers present it: SMMUv3.1 (AIDR 1),
# stage 1 only, coherent, 16-bit ASIDs, terminate model 1 (no RAZ/WI), 2-level stream tables,
# 16-bit StreamIDs and no SubstreamIDs, 2^19-entry queues, HAD, range invalidation, BBML 2, no
# MSIs, 44-bit output addresses, every granule. IDR0 0x0d40101a, IDR1 0x02730010, IDR3 0x1404,
# IDR5 0x74, read from the device. The IMPLEMENTATION DEFINED choices stay `any`.
inherit full
s2p = 0
vmid16 = 0
cd2l = 0
msi = 0
sev = 0
xnx = 0
term_model = 1
ssidsize = 0
ril = 1
bbml = 2
oas = 44
