# gzip.cmake -DIN=file -DOUT=file.gz: gzip -9n (no name, no time stamp: the
# same bytes every build), as Debian wants manual pages and changelogs.
execute_process(COMMAND gzip -9n -c INPUT_FILE "${IN}" OUTPUT_FILE "${OUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip ${IN} failed")
endif()
