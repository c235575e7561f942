# SPDX-License-Identifier: Apache-2.0
dist_pkgdata_DATA += \
	signatures/principles.tsv \
	signatures/rules.tsv
dist_pkgdata_DATA += \
	signatures/keras-gadgets-deny.txt \
	signatures/keras-modules-allow.txt \
	signatures/nemo-targets-allow.txt \
	signatures/nemo-targets-deny.txt \
	signatures/tf-ops-deny.txt
dist_pkgdata_DATA += \
	signatures/pickle-alias.txt \
	signatures/pickle-allow.txt \
	signatures/pickle-deny.txt
