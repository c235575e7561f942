# SPDX-License-Identifier: Apache-2.0
## The hooks users drop in (mavis-hooks(7)): git's pre-receive, installed with the data so a
## server's administrator copies it from $(pkgdatadir)/hooks into a repository's hooks folder.
hooksdir = $(pkgdatadir)/hooks
dist_hooks_SCRIPTS = hooks/pre-receive
