# nexus_library(NAME <name> SRCS ... [DEPS ...] [PUBLIC_DEPS ...])
# Defines target nexus_<name> aliased nexus::<name>. Project warnings are errors.
function(nexus_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(nexus_${ARG_NAME} STATIC ${ARG_SRCS})
  add_library(nexus::${ARG_NAME} ALIAS nexus_${ARG_NAME})
  target_include_directories(nexus_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(nexus_${ARG_NAME} PRIVATE ${ARG_DEPS} PUBLIC ${ARG_PUBLIC_DEPS})
  nexus_warnings(nexus_${ARG_NAME})
endfunction()

function(nexus_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror -Wshadow
                                           -Wimplicit-fallthrough)
  # GCC 12 at -O3 reports a false -Wrestrict inside libstdc++'s std::string
  # concatenation (GCC PR 105329/105651, fixed in GCC 13), which stopped the release
  # preset from building. Only that compiler, and only at -O3 (Release), loses it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-Wno-restrict>)
  endif()
endfunction()

# nexus_test(NAME <name> SOURCES ... LIBRARIES ... LABELS unit|integration|e2e)
function(nexus_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBRARIES;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBRARIES} GTest::gtest GTest::gtest_main)
  nexus_warnings(${ARG_NAME})
  target_compile_definitions(${ARG_NAME} PRIVATE
    NEXUS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    NEXUS_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data")
  gtest_discover_tests(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
