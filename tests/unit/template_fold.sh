#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# template_fold.sh: the chat template folder agrees with Jinja2 (template_fold.py). Needs a
# Python with Jinja2 (Debian's python3-jinja2); skipped, visibly, without one.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
# Debian's Jinja2 first: the one the fixtures were checked against.
for py in /usr/bin/python3 ${PYTHON3:-} python3; do
	if [ -n "$py" ] && "$py" -c 'import jinja2' >/dev/null 2>&1; then
		exec "$py" "$top_srcdir/tests/unit/template_fold.py" \
		    "$top_builddir/tests/unit/tplfold_dump" "$top_srcdir/testdata/template"
	fi
done
echo "SKIP: no python3 with jinja2 (python3-jinja2); the folder was not compared with Jinja2"
exit 77
