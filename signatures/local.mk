dist_pkgdata_DATA += \
	signatures/rules.tsv
