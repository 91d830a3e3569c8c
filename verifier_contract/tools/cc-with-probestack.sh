#!/usr/bin/env bash
# Linker wrapper: cc plus the __rust_probestack object (see probestack.S).
here=$(cd "$(dirname "$0")" && pwd)
obj="${ZKVCT_PROBESTACK_OBJ:-$here/../.toolchain/probestack.o}"
exec cc "$@" "$obj"
