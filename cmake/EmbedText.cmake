# Writes a C++ source defining `llvm::StringRef NAME()` in namespace sa that returns the text of
# INPUT. Invoked at build time: cmake -DINPUT=... -DOUT=... -DNAME=... -DHEADER=... -P EmbedText.cmake
file(READ "${INPUT}" text)
set(body "// Generated from ${INPUT} by cmake/EmbedText.cmake. Do not edit.\n")
string(APPEND body "#include \"${HEADER}\"\n\n")
string(APPEND body "llvm::StringRef sa::${NAME}() {\n  return R\"sakb(${text})sakb\";\n}\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
