inherit qemu-7-2
struct_res0 = invalid
gbpa_abort_reset = 1
cmd_res0_ill = any
