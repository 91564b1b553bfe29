# Included by tests/CMakeLists.txt in every build, test suites or not (SMMUREF_TESTS).
# The campaign driver (fuzz/campaign.py, fuzz/README.md "Campaigns"): its parsing and planning in
# every build; with the fuzz preset, a whole campaign (kill, resume, report, promote) on a target
# with planted bugs (tests/fuzz/planted_fuzzer.cc).
if(Python3_Interpreter_FOUND)
  add_test(NAME fuzz/campaign/unit
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/campaign_unit_test.py
                   ${PROJECT_SOURCE_DIR})
  if(SMMUREF_FUZZ)
    add_executable(planted_fuzzer ${PROJECT_SOURCE_DIR}/tests/fuzz/planted_fuzzer.cc)
    target_link_options(planted_fuzzer PRIVATE -fsanitize=fuzzer)
    add_test(NAME fuzz/campaign/planted
             COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/campaign_test.sh ${PROJECT_SOURCE_DIR}
                     ${CMAKE_CURRENT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/campaign-test)
    set_tests_properties(fuzz/campaign/planted PROPERTIES TIMEOUT 180)
    if(TARGET smmuref_impl_arch)
      add_test(NAME fuzz/campaign/arch-diff-mutant
               COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/campaign_arch_test.sh ${PROJECT_SOURCE_DIR}
                       ${CMAKE_BINARY_DIR}/fuzz $<TARGET_FILE:smmuref>
                       ${CMAKE_CURRENT_BINARY_DIR}/campaign-arch-test)
      # About 200 s on a loaded 2-core machine (each finding file replayed under ASan, each
      # group minimized): labelled, and left out of .ci/run's fuzz step.
      set_tests_properties(fuzz/campaign/arch-diff-mutant PROPERTIES TIMEOUT 600
                           LABELS campaign-slow)
    endif()
    # .clusterfuzzlite/build.sh with the engine's variables, no Docker: a whole second build of
    # the fuzz targets, so it is labelled and left out of .ci/run (run it with
    # `./smmuref --preset fuzz test -L clusterfuzzlite`).
    add_test(NAME fuzz/clusterfuzzlite/build
             COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/clusterfuzzlite_test.sh ${PROJECT_SOURCE_DIR}
                     ${CMAKE_CURRENT_BINARY_DIR}/clusterfuzzlite-test)
    set_tests_properties(fuzz/clusterfuzzlite/build PROPERTIES TIMEOUT 3600 LABELS clusterfuzzlite)
  endif()
endif()

# The same seed gives the same programs with every compiler (gcc in the default and asan presets,
# clang in the fuzz preset): a random draw inside a call's argument list or an operator's operands
# is evaluated in an unspecified order, so the generator makes one draw per statement. The figures
# below are those of seed 7's first 300 programs; a change to the generator, or to the rules the
# model records on the way (the campaign picks each program's focus from the rule ids hit so far),
# changes them (update them then, from `smmuref check --no-vectors --programs 300 --seed 7`), a
# compiler never may.
if(TARGET smmuref_impl_arch)
  add_test(NAME gen/same-programs-with-every-compiler
           COMMAND smmuref check --no-vectors --no-driver --programs 300 --seed 7 --jobs 1)
  set_tests_properties(gen/same-programs-with-every-compiler PROPERTIES PASS_REGULAR_EXPRESSION
      "programs 300 .*translations 17125, outcome classes 29, rule ids exercised 180 of 188")
endif()
