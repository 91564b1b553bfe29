# Build facts of the driver (label build-facts), with smmuref_probe from
# tests/impl/arch/probes.cmake: sources that must NOT compile when linked like the driver.
if(NOT TARGET smmuref_impl_driver OR NOT COMMAND smmuref_probe)
  return()
endif()
smmuref_probe(driver_probe_field_tables includes_field_tables.cc smmuref_impl_driver
              "smmuref/spec/tables.h: No such file|'smmuref/spec/tables.h' file not found")
smmuref_probe(driver_probe_model includes_model.cc smmuref_impl_driver
              "smmuref/model/arch/ste.h: No such file|'smmuref/model/arch/ste.h' file not found")
