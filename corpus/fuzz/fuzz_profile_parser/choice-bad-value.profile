inherit full
struct_res0 = sometimes
