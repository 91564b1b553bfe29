# Build facts checked by ctest (label build-facts). Each probe is a source that must NOT
# compile; it is never part of the build. The test builds it through the build system, so it
# compiles with exactly the flags and include paths of the target it stands for, and passes only
# when the compiler reports the expected error (not some other failure).
if(NOT TARGET smmuref_impl_arch)
  return()
endif()

function(smmuref_probe name src link regex)
  add_library(${name} OBJECT EXCLUDE_FROM_ALL ${CMAKE_CURRENT_LIST_DIR}/probes/${src})
  target_link_libraries(${name} PRIVATE ${link})
  add_test(NAME build-facts/${name}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target ${name})
  set_tests_properties(build-facts/${name} PROPERTIES
                       PASS_REGULAR_EXPRESSION "${regex}"
                       LABELS build-facts RESOURCE_LOCK build-tree)
endfunction()

# impl never reads the field tables: tables.h is not on the engine's include path.
smmuref_probe(impl_probe_field_tables includes_field_tables.cc smmuref_impl_arch
              "smmuref/spec/tables.h: No such file|'smmuref/spec/tables.h' file not found")

# A kernel that branches on a U value does not compile with the stand-in symbolic type.
smmuref_probe(impl_probe_branch_on_symbolic branch_on_symbolic.cc smmuref_impl_arch
              "deleted function")
