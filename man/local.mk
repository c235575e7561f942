dist_man_MANS += \
	man/mavis.1 \
	man/mavis-hash.1
