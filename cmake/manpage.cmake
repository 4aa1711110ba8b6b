# Writes OUT, the man page, from the built binary's hidden `__manpage` command.
#   cmake -DBINARY=... -DOUT=... -P manpage.cmake
execute_process(COMMAND "${BINARY}" __manpage OUTPUT_FILE "${OUT}.tmp" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${BINARY} __manpage failed (${status})")
endif()
file(RENAME "${OUT}.tmp" "${OUT}")
