#!/usr/bin/env bash
# require-tool.sh TOOL PACKAGE...: fail the build with one line when a native tool is missing.
# Called from Maven before any C is compiled.
tool=$1; shift
if ! command -v "$tool" >/dev/null 2>&1; then
  echo "splitvisor: '$tool' was not found on PATH; install it with: sudo apt-get install $*" >&2
  exit 1
fi
if [ "$tool" = gcc ]; then
  target=$(gcc -dumpmachine 2>/dev/null)
  case "$target" in
    x86_64-*) ;;
    *) echo "splitvisor: gcc targets '$target', but guests need an x86-64 gcc; install gcc for x86_64-linux-gnu" >&2; exit 1 ;;
  esac
fi
exit 0
