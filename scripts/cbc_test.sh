#!/usr/bin/env bash
# The placement integration tests with the other LP backend (Clp/Cbc through good_lp's
# `coin_cbc`, cargo feature `cbc`) instead of Clarabel. Needs the system package
# coinor-libcbc-dev. Not part of CI: a second build of the crate with other features
# (the crate's build alone: lib 212 s then `it` 52 s on the 2-core machine, about 5 of
# CI's 28 minutes); run it before changing the placement LP or the backends
# (docs/benchmarks.md, "Backend choice").
set -euo pipefail
cd "$(dirname "$0")/.."
if ! pkg-config --exists cbc 2>/dev/null; then
    echo "cbc_test: the Cbc library is missing (apt-get install coinor-libcbc-dev)" >&2
    exit 2
fi
exec cargo test --locked --no-default-features --features cbc --test it placement "$@"
