dist_pkgdata_DATA += \
	signatures/principles.tsv \
	signatures/rules.tsv
