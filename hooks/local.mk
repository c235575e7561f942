# SPDX-License-Identifier: Apache-2.0
## The hooks users drop in (mavis-hooks(7)): git's pre-receive, and the scan step of the GitHub
## action with its SARIF limiter, installed with the data so they can be copied from
## $(pkgdatadir)/hooks into a repository's hooks folder or another CI system. The pre-commit
## manifest and the action are read from the top of the source tree, where those tools look.
hooksdir = $(pkgdatadir)/hooks
dist_hooks_SCRIPTS = hooks/pre-receive hooks/action.sh hooks/sarif-limit.py
EXTRA_DIST += .pre-commit-hooks.yaml action.yml
